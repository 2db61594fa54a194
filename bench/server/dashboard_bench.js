// The dashboard with many Applications in headless Chromium: time from
// login to the table shown (list fetched, counted, first page rendered), a
// search that narrows the table, and a filter change.
// Usage: node dashboard_bench.js URL PASSWORD
'use strict';
const puppeteer = require('../../tests/server/browser/node_modules/puppeteer-core');
const [url, password] = process.argv.slice(2);
(async () => {
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    ignoreHTTPSErrors: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.log('page error: ' + e.message));
    page.on('console', (m) => { if (m.type() === 'error') console.log('console: ' + m.text()); });
    process.on('exit', () => {});
    global.__page = page;
    const T = Date.now();
    if (process.env.TRACE) {
      page.on('request', (r) => console.log(Date.now() - T, 'request', r.url()));
      page.on('requestfinished', (r) => console.log(Date.now() - T, 'finished', r.url()));
    }
    await page.goto(url + '/login', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#login-form');
    await page.type('#password', password);
    await page.click('#login-button');
    await page.waitForSelector('#login-form', { hidden: true });
    const t0 = Date.now();
    await page.waitForSelector('tr.app-row', { timeout: 120000 }).catch(async (e) => {
      console.log('banner: ' + await page.$eval('#banner', (b) => b.textContent).catch(() => '?') + ' url: ' + page.url());
      throw e;
    });
    const shown = Date.now() - t0;
    const total = await page.$eval('[data-count="total"] b', (e) => e.textContent);
    const t1 = Date.now();
    await page.type('#search', 'app-0999');
    await page.waitForFunction(() => document.querySelectorAll('tr.app-row').length <= 10, { timeout: 30000 });
    const search = Date.now() - t1;
    await page.$eval('#search', (e) => { e.value = ''; e.dispatchEvent(new Event('input')); });
    const t2 = Date.now();
    await page.$eval('#f-label', (e) => { e.value = 'team=team-3'; e.dispatchEvent(new Event('input')); });
    await page.waitForFunction(() => document.querySelector('[data-count="total"] b').textContent !== '' &&
      +document.querySelector('[data-count="total"] b').textContent < 1000, { timeout: 30000 });
    const filter = Date.now() - t2;
    console.log(`dashboard: table of ${total} apps shown ${shown} ms after login; search narrowed it in ${search} ms ` +
                `(typing 8 characters, 100 ms debounce each); label filter ${filter} ms`);
  } finally {
    await browser.close();
  }
})().catch(async (e) => {
  console.log('dashboard bench failed: ' + e.message);
  process.exit(1);
});
