// The dashboard in the system's headless Chromium, as a person uses it:
// log in, see the 25 demo apps with their health, open fulfillment-dev and
// find the crash-looping Pod, refresh payment-dev and see its diff with the
// Secret masked, sync it and watch the status change without reloading,
// roll back, create a project and add a destination, terminate a sync
// stuck in a PreSync hook, and be refused a
// sync and a project edit as a read-only user.
// Usage: node dashboard_test.js URL ADMIN_PASSWORD VIEWER_PASSWORD SCREENSHOT_DIR REPO_URL
'use strict';
const puppeteer = require('puppeteer-core');
const path = require('path');

const [url, adminPassword, viewerPassword, shots, repoUrl] = process.argv.slice(2);
const SECRETS = ['demo-card-key-v1', 'demo-card-key-v2', 'ZGVtby1jYXJkLWtleS12MQ==', 'ZGVtby1jYXJkLWtleS12Mg=='];
let passes = 0;
const failures = [];
function check(name, cond, detail) {
  if (cond) { passes++; console.log('ok   ' + name); } else { failures.push(name); console.log('FAIL ' + name + (detail ? '\n     ' + String(detail).slice(0, 600) : '')); }
}

async function waitText(page, selector, want, timeout = 60000) {
  try {
    await page.waitForFunction((s, w) => { const e = document.querySelector(s); return e && e.textContent.includes(w); }, { timeout, polling: 200 }, selector, want);
    return true;
  } catch (e) { return false; }
}
async function text(page, selector) { return page.$eval(selector, (e) => e.textContent).catch(() => ''); }

async function login(page, user, password) {
  await page.goto(url + '/login', { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#login-form');
  await page.$eval('#username', (e) => { e.value = ''; });
  await page.type('#username', user);
  await page.type('#password', password);
  await Promise.all([page.click('#login-button')]);
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, ignoreHTTPSErrors: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--window-size=1400,900'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(e.message));

    // --- login ------------------------------------------------------------
    await page.goto(url + '/', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#login-form', { timeout: 15000 }).catch(() => {});
    check('unauthenticated visit lands on the login page', page.url().endsWith('/login'), page.url());
    await login(page, 'admin', 'wrong-password');
    check('a wrong password shows an error', await waitText(page, '#banner', 'Invalid username or password', 10000), await text(page, '#banner'));
    await login(page, 'admin', adminPassword);
    await page.waitForSelector('tr.app-row', { timeout: 30000 }).catch(() => {});
    await page.screenshot({ path: path.join(shots, 'login-done.png') });

    // --- applications table ------------------------------------------------------
    const rows = await page.$$eval('tr.app-row', (trs) => trs.map((t) => [t.dataset.app, t.querySelector('[data-health]').textContent.trim()]));
    check('the table shows the 25 demo apps', rows.length === 25, rows.length);
    const health = Object.fromEntries(rows);
    check('fulfillment-dev is Degraded', health['fulfillment-dev'] === 'Degraded', health['fulfillment-dev']);
    const others = rows.filter(([n]) => n !== 'fulfillment-dev');
    check('the other 24 apps are Healthy', others.every(([, h]) => h === 'Healthy'), JSON.stringify(others.filter(([, h]) => h !== 'Healthy')));
    check('counts per status', (await text(page, '[data-count="Degraded"] b')) === '1' && (await text(page, '[data-count="total"] b')) === '25');
    await page.screenshot({ path: path.join(shots, 'dashboard-apps.png') });
    await page.type('#search', 'fulfill');
    await page.waitForFunction(() => document.querySelectorAll('tr.app-row').length === 1, { timeout: 5000 }).catch(() => {});
    check('search filters the table', (await page.$$('tr.app-row')).length === 1);
    await page.$eval('#search', (e) => { e.value = ''; e.dispatchEvent(new Event('input')); });
    await page.select('#f-health', 'Degraded');
    await page.waitForFunction(() => document.querySelectorAll('tr.app-row').length === 1, { timeout: 5000 }).catch(() => {});
    check('health filter', (await page.$$eval('tr.app-row', (t) => t.map((r) => r.dataset.app))).join() === 'fulfillment-dev');

    // --- fulfillment-dev: the crash-looping Pod -----------------------------------------
    await page.click('tr.app-row[data-app="fulfillment-dev"] a');
    await page.waitForSelector('#tree', { timeout: 30000 }).catch(() => {});
    const ok = await page.waitForSelector('.node[data-kind="Pod"] [data-reason]', { timeout: 30000 }).then(() => true).catch(() => false);
    const reasons = await page.$$eval('.node[data-kind="Pod"] [data-reason]', (e) => e.map((x) => x.dataset.reason)).catch(() => []);
    check('fulfillment-dev tree shows its Pod with reason CrashLoopBackOff', ok && reasons.includes('CrashLoopBackOff'), reasons);
    const chain = await page.$$eval('.tree .node', (ns) => ns.map((n) => n.dataset.kind));
    check('tree goes Application → Deployment → ReplicaSet → Pod', chain.indexOf('Deployment') < chain.indexOf('ReplicaSet') && chain.indexOf('ReplicaSet') < chain.indexOf('Pod') && chain[0] === 'Application', chain);
    await page.screenshot({ path: path.join(shots, 'dashboard-app.png') });

    // --- payment-dev: diff with the Secret masked, sync live, rollback ---------------------------
    await page.goto(url + '/applications/payment-dev', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#btn-refresh');
    await page.click('#btn-refresh');
    check('refresh shows payment-dev OutOfSync', await waitText(page, '#app-sync', 'OutOfSync', 30000), await text(page, '#app-sync'));
    await page.click('[data-tab="diff"]');
    await page.waitForSelector('pre.diff', { timeout: 30000 }).catch(() => {});
    const diff = await text(page, '#panel');
    check('diff shows the Secret change masked', diff.includes('Secret') && diff.includes('++++++++'), diff.slice(0, 400));
    check('diff never shows the secret value', !SECRETS.some((s) => diff.includes(s)), diff.slice(0, 400));
    const html = await page.content();
    check('page never contains the secret value', !SECRETS.some((s) => html.includes(s)));
    await page.screenshot({ path: path.join(shots, 'dashboard-diff.png') });
    await page.evaluate(() => { window.__noReload = 'marker'; });
    await page.click('#btn-sync');
    await page.click('#opt-prune');
    await page.click('#do-sync');
    const running = await waitText(page, '#op-phase', 'Running', 10000);
    const synced = await waitText(page, '#op-phase', 'Succeeded', 90000) && await waitText(page, '#app-sync', 'Synced', 30000);
    check('sync status changes live (Running → Succeeded, Synced)', (running || synced) && synced, await text(page, '#apphead'));
    check('…without reloading the page', (await page.evaluate(() => window.__noReload)) === 'marker');
    await page.screenshot({ path: path.join(shots, 'dashboard-synced.png') });
    await page.click('[data-tab="history"]');
    await page.waitForSelector('button.rollback[data-id="0"]', { timeout: 10000 }).catch(() => {});
    const entries = await page.$$eval('#history tbody tr[data-id]', (t) => t.length);
    check('history lists both syncs', entries === 2, entries);
    await page.click('button.rollback[data-id="0"]');
    const rolled = await page.waitForFunction(() => document.querySelectorAll('#history tbody tr[data-id]').length === 3, { timeout: 90000 }).then(() => true).catch(() => false);
    check('rollback adds a history entry, live', rolled);
    check('after rolling back, payment-dev is OutOfSync with Git again', await waitText(page, '#app-sync', 'OutOfSync', 60000), await text(page, '#app-sync'));
    check('…still without a reload', (await page.evaluate(() => window.__noReload)) === 'marker');

    // --- projects: create one, add a destination, see it saved --------------------------
    await page.goto(url + '/projects', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#new-project', { timeout: 15000 });
    await page.click('#new-project');
    await page.waitForSelector('#project-form', { timeout: 10000 });
    await page.type('#pf-name', 'team-web');
    await page.type('#pf-desc', 'web team');
    await page.type('#pf-repos', '*');
    await page.type('#pf-dest-server', 'https://kubernetes.default.svc');
    await page.type('#pf-dest-ns', 'web-dev');
    await page.click('#pf-add-dest');
    await page.type('#pf-clusterResourceWhitelist', '/Namespace');
    await page.type('#pf-namespaceResourceBlacklist', '/ResourceQuota');
    await page.click('#pf-save');
    check('creating a project says saved', await waitText(page, '#banner', 'Project team-web saved', 10000), await text(page, '#banner'));
    check('…and opens it for editing', page.url().endsWith('/projects/team-web'), page.url());
    await page.waitForSelector('#pf-dest-server');
    await page.type('#pf-dest-server', '*');
    await page.type('#pf-dest-ns', 'web-*');
    await page.click('#pf-add-dest');
    await page.click('#pf-save');
    check('adding a destination says saved', await waitText(page, '#banner', 'Project team-web saved', 10000), await text(page, '#banner'));
    await page.goto(url + '/projects/team-web', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('tr.pf-dest', { timeout: 10000 }).catch(() => {});
    const dests = await page.$$eval('tr.pf-dest', (t) => t.map((r) => r.textContent.replace('Remove', '').trim()));
    check('after a reload the project has both destinations', dests.length === 2 && dests[1].includes('*') && dests[1].includes('web-*'), JSON.stringify(dests));
    check('…and its resource allow/deny lists', (await page.$eval('#pf-clusterResourceWhitelist', (e) => e.value)) === '/Namespace' &&
          (await page.$eval('#pf-namespaceResourceBlacklist', (e) => e.value)) === '/ResourceQuota');
    await page.screenshot({ path: path.join(shots, 'dashboard-project.png') });
    await page.goto(url + '/projects', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('tr.project-row[data-project="team-web"]', { timeout: 10000 }).catch(() => {});
    const prow = await text(page, 'tr.project-row[data-project="team-web"]');
    check('the projects table lists team-web with its destinations', prow.includes('web team') && prow.includes('https://kubernetes.default.svc web-dev'), prow);

    // --- terminate a running sync -----------------------------------------------------
    const slowApp = { metadata: { name: 'slow-hook', namespace: 'argocd' }, spec: { project: 'default',
      source: { repoURL: repoUrl, targetRevision: 'main', path: 'hooks/slow' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'slow-hook' }, syncPolicy: { syncOptions: ['CreateNamespace=true'] } } };
    const created = await page.evaluate((a) => api('POST', '/api/v1/applications', a).then(() => 'ok', (e) => e.message), slowApp);
    check('an app with a never-ending PreSync hook is created', created === 'ok', created);
    await page.goto(url + '/applications/slow-hook', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#btn-sync');
    await page.click('#btn-sync');
    await page.click('#do-sync');
    const term = await page.waitForSelector('#btn-terminate', { timeout: 30000 }).then(() => true).catch(() => false);
    check('a running operation shows Terminate', term && (await text(page, '#op-phase')).includes('Running'), await text(page, '#apphead'));
    await new Promise((r) => setTimeout(r, 3000));  // the hook Job is being awaited
    page.once('dialog', (d) => d.accept());
    if (term) await page.click('#btn-terminate');
    check('Terminate ends the operation Failed: Operation terminated, live',
          await waitText(page, '#op-phase', 'Failed', 30000) && await waitText(page, '#op-message', 'Operation terminated', 5000), await text(page, '#apphead'));
    check('…and the Terminate button is gone', !(await page.$('#btn-terminate')));
    await page.screenshot({ path: path.join(shots, 'dashboard-terminated.png') });
    await page.evaluate(() => api('DELETE', '/api/v1/applications/slow-hook?cascade=true'));
    const gone = await page.waitForFunction(() => fetch('/api/v1/applications/slow-hook').then((r) => r.status === 404), { timeout: 60000, polling: 500 }).then(() => true).catch(() => false);
    check('the app is deleted again', gone);

    // --- RBAC: a read-only user is refused ---------------------------------------------
    await page.click('#logout');
    await page.waitForSelector('#login-form');
    await login(page, 'viewer', viewerPassword);
    await page.waitForSelector('tr.app-row', { timeout: 30000 }).catch(() => {});
    check('the read-only user sees the apps', (await page.$$('tr.app-row')).length === 25);
    await page.goto(url + '/applications/payment-dev', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#btn-sync');
    await page.click('#btn-sync');
    await page.click('#do-sync');
    check('sync refused for the read-only user', await waitText(page, '#banner', 'permission denied', 10000), await text(page, '#banner'));
    await page.screenshot({ path: path.join(shots, 'dashboard-denied.png') });
    await page.goto(url + '/projects/team-web', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#pf-dest-server', { timeout: 10000 });
    await page.type('#pf-dest-server', '*');
    await page.type('#pf-dest-ns', 'viewer-ns');
    await page.click('#pf-add-dest');
    await page.click('#pf-save');
    check('editing a project is refused for the read-only user', await waitText(page, '#banner', 'permission denied', 10000), await text(page, '#banner'));
    await page.goto(url + '/projects/team-web', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('tr.pf-dest', { timeout: 10000 }).catch(() => {});
    check('…and nothing changed', (await page.$$('tr.pf-dest')).length === 2);
    check('no JavaScript errors', consoleErrors.length === 0, consoleErrors.join('; '));
  } finally {
    await browser.close();
  }
}

main().catch((e) => { failures.push('exception'); console.log(e.stack); }).finally(() => {
  console.log(`${passes} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
});
