// capstan dashboard: a single-page app on Argo CD's REST API, no framework.
// Pages: /login, /applications, /applications/<name>, /projects,
// /projects/new, /projects/<name> (the project form).
'use strict';

const state = { apps: new Map(), user: null, appsStream: null, treeStream: null, page: 0, renderTimer: 0 };
const PAGE = 200;

// ---------------------------------------------------------------- helpers
const esc = (s) => String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const $ = (sel, root = document) => root.querySelector(sel);
const badge = (s) => s ? `<span class="badge ${esc(s)}">${esc(s)}</span>` : '';
function cookie(name) {
  const m = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
  return m ? decodeURIComponent(m.slice(name.length + 1)) : '';
}
function banner(msg, kind) {
  const b = $('#banner');
  if (!msg) { b.hidden = true; return; }
  b.textContent = msg;
  b.className = kind || '';
  b.hidden = false;
}
async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = cookie('argocd.csrf');
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { message: text }; }
  if (r.status === 401 && !path.startsWith('/api/v1/session')) { go('/login'); throw new Error('not logged in'); }
  if (!r.ok) throw new Error((data && (data.message || data.error)) || ('HTTP ' + r.status));
  return data;
}
function go(path) {
  if (location.pathname !== path) history.pushState({}, '', path);
  route();
}
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (a) { e.preventDefault(); go(a.getAttribute('href')); }
});
window.addEventListener('popstate', route);
// Event streams end with the page: a page kept in the back/forward cache
// would otherwise hold two of the browser's six connections to the server.
window.addEventListener('pagehide', () => closeStreams());
const status = (a) => a.status || {};
const syncOf = (a) => (status(a).sync || {}).status || 'Unknown';
const healthOf = (a) => (status(a).health || {}).status || 'Unknown';
const projectOf = (a) => (a.spec && a.spec.project) || 'default';
const nsOf = (a) => ((a.spec || {}).destination || {}).namespace || '';
const revOf = (a) => ((status(a).sync || {}).revision || '').slice(0, 7);
const lastSync = (a) => { const o = status(a).operationState; return o ? (o.finishedAt || o.startedAt || '') : ''; };

// ---------------------------------------------------------------- routing
async function route() {
  closeStreams();
  banner('');
  const p = location.pathname;
  if (p === '/login') return loginPage();
  if (!state.user) {
    try {
      const info = await api('GET', '/api/v1/session/userinfo');
      if (!info.loggedIn) return go('/login');
      state.user = info.username;
    } catch (e) { return go('/login'); }
  }
  $('#user').innerHTML = `${esc(state.user)} <button id="logout">Log out</button>`;
  $('#logout').onclick = async () => { await api('DELETE', '/api/v1/session').catch(() => {}); state.user = null; state.apps.clear(); go('/login'); };
  const m = p.match(/^\/applications\/([^/]+)$/);
  if (m) return appPage(decodeURIComponent(m[1]));
  if (p === '/projects') return projectsPage();
  if (p === '/projects/new') return projectPage(null);
  const pm = p.match(/^\/projects\/([^/]+)$/);
  if (pm) return projectPage(decodeURIComponent(pm[1]));
  if (p !== '/applications') history.replaceState({}, '', '/applications');
  return appsPage();
}
function closeStreams() {
  for (const k of ['appsStream', 'treeStream']) if (state[k]) { state[k].close(); state[k] = null; }
}

// ---------------------------------------------------------------- login
function loginPage() {
  $('#user').textContent = '';
  $('#main').innerHTML = `<form class="login" id="login-form">
    <h1>Log in to capstan</h1>
    <label for="username">Username</label><input id="username" name="username" autocomplete="username" value="admin">
    <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
    <button class="primary" type="submit" id="login-button">Sign in</button>
    <p class="muted">The first admin password is in the Secret argocd-initial-admin-secret.</p></form>`;
  $('#login-form').onsubmit = async (e) => {
    e.preventDefault();
    banner('');
    try {
      await api('POST', '/api/v1/session', { username: $('#username').value, password: $('#password').value });
      state.user = $('#username').value;
      go('/applications');
    } catch (err) { banner(err.message); }
  };
}

// ---------------------------------------------------------------- applications table
async function appsPage() {
  $('#main').innerHTML = `<div class="counts" id="counts"></div>
    <div class="filters">
      <input id="search" placeholder="Search applications" size="28">
      <select id="f-project"><option value="">All projects</option></select>
      <select id="f-health"><option value="">All health</option>${['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'].map((h) => `<option>${h}</option>`).join('')}</select>
      <select id="f-sync"><option value="">All sync</option>${['Synced', 'OutOfSync', 'Unknown'].map((h) => `<option>${h}</option>`).join('')}</select>
      <select id="f-ns"><option value="">All namespaces</option></select>
      <input id="f-label" placeholder="label=value" size="18">
    </div>
    <table id="apps"><thead><tr><th>Name</th><th>Project</th><th>Sync</th><th>Health</th><th>Revision</th><th>Last sync</th><th>Namespace</th></tr></thead><tbody></tbody></table>
    <div class="pager" id="pager"></div>`;
  for (const id of ['#search', '#f-project', '#f-health', '#f-sync', '#f-ns', '#f-label'])
    $(id).addEventListener('input', () => { state.page = 0; scheduleRender(); });
  try {
    const list = await api('GET', '/api/v1/applications');
    state.apps.clear();
    for (const a of list.items || []) state.apps.set(a.metadata.name, a);
  } catch (e) { banner(e.message); return; }
  fillSelect('#f-project', [...new Set([...state.apps.values()].map(projectOf))].sort());
  fillSelect('#f-ns', [...new Set([...state.apps.values()].map(nsOf))].sort());
  renderApps();
  state.appsStream = new EventSource('/api/v1/stream/applications');
  state.appsStream.onmessage = (ev) => {
    const r = JSON.parse(ev.data).result;
    if (!r || !r.application) return;
    if (r.type === 'DELETED') state.apps.delete(r.application.metadata.name);
    else state.apps.set(r.application.metadata.name, r.application);
    scheduleRender();
  };
}
function fillSelect(sel, values) {
  $(sel).insertAdjacentHTML('beforeend', values.map((v) => `<option>${esc(v)}</option>`).join(''));
}
function scheduleRender() {
  if (state.renderTimer) return;
  state.renderTimer = setTimeout(() => { state.renderTimer = 0; if ($('#apps')) renderApps(); }, 100);
}
function filtered() {
  const q = $('#search').value.trim().toLowerCase();
  const fp = $('#f-project').value, fh = $('#f-health').value, fs = $('#f-sync').value, fn = $('#f-ns').value;
  const [lk, lv] = $('#f-label').value.split('=').map((s) => (s || '').trim());
  const out = [];
  for (const a of state.apps.values()) {
    if (q && !a.metadata.name.toLowerCase().includes(q)) continue;
    if (fp && projectOf(a) !== fp) continue;
    if (fh && healthOf(a) !== fh) continue;
    if (fs && syncOf(a) !== fs) continue;
    if (fn && nsOf(a) !== fn) continue;
    if (lk) { const l = (a.metadata.labels || {})[lk]; if (l === undefined || (lv && l !== lv)) continue; }
    out.push(a);
  }
  out.sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : 1));
  return out;
}
function renderApps() {
  const apps = filtered();
  const counts = {};
  for (const a of apps) { counts[healthOf(a)] = (counts[healthOf(a)] || 0) + 1; counts[syncOf(a)] = (counts[syncOf(a)] || 0) + 1; }
  $('#counts').innerHTML = `<div class="count" data-count="total"><b>${apps.length}</b>Applications</div>` +
    ['Healthy', 'Progressing', 'Degraded', 'Missing', 'Synced', 'OutOfSync'].map((k) => `<div class="count" data-count="${k}"><b>${counts[k] || 0}</b>${k}</div>`).join('');
  const pages = Math.max(1, Math.ceil(apps.length / PAGE));
  state.page = Math.min(state.page, pages - 1);
  const rows = apps.slice(state.page * PAGE, (state.page + 1) * PAGE).map((a) => {
    const n = esc(a.metadata.name);
    return `<tr class="app-row" data-app="${n}"><td><a href="/applications/${encodeURIComponent(a.metadata.name)}" data-link>${n}</a></td><td>${esc(projectOf(a))}</td>` +
      `<td>${badge(syncOf(a))}</td><td data-health>${badge(healthOf(a))}</td><td><code>${esc(revOf(a))}</code></td><td>${esc(lastSync(a))}</td><td>${esc(nsOf(a))}</td></tr>`;
  });
  $('#apps tbody').innerHTML = rows.join('') || '<tr><td colspan="7" class="muted">No applications match.</td></tr>';
  for (const tr of document.querySelectorAll('tr.app-row')) tr.onclick = (e) => { if (!e.target.closest('a')) go('/applications/' + encodeURIComponent(tr.dataset.app)); };
  $('#pager').innerHTML = pages > 1 ? `<button id="prev" ${state.page === 0 ? 'disabled' : ''}>‹ Prev</button> page ${state.page + 1} of ${pages} <button id="next" ${state.page >= pages - 1 ? 'disabled' : ''}>Next ›</button>` : '';
  if (pages > 1) { $('#prev').onclick = () => { state.page--; renderApps(); }; $('#next').onclick = () => { state.page++; renderApps(); }; }
}

// ---------------------------------------------------------------- one application
async function appPage(name) {
  $('#main').innerHTML = `<div class="apphead" id="apphead"></div><div id="syncdlg"></div>
    <div class="tabs">${['tree', 'diff', 'manifests', 'events', 'history'].map((t) => `<button data-tab="${t}">${t[0].toUpperCase() + t.slice(1)}</button>`).join('')}</div>
    <div class="panel" id="panel"><p class="muted">Loading…</p></div>`;
  let app;
  try { app = await api('GET', '/api/v1/applications/' + encodeURIComponent(name)); } catch (e) { banner(e.message); $('#panel').textContent = ''; return; }
  state.current = app;
  state.tree = null;
  renderHead();
  let tab = 'tree';
  const show = (t) => { tab = t; for (const b of document.querySelectorAll('[data-tab]')) b.classList.toggle('active', b.dataset.tab === t); renderTab(t); };
  for (const b of document.querySelectorAll('[data-tab]')) b.onclick = () => show(b.dataset.tab);
  show('tree');
  state.appsStream = new EventSource('/api/v1/stream/applications?name=' + encodeURIComponent(name));
  state.appsStream.onmessage = (ev) => {
    const r = JSON.parse(ev.data).result;
    if (!r || !r.application || r.application.metadata.name !== name) return;
    state.current = r.application;
    renderHead();
    if (tab === 'history') renderTab('history');
  };
  state.treeStream = new EventSource('/api/v1/stream/applications/' + encodeURIComponent(name) + '/resource-tree');
  state.treeStream.onmessage = (ev) => {
    const r = JSON.parse(ev.data).result;
    if (!r) return;
    state.tree = r;
    if (tab === 'tree') renderTree();
  };
}
function renderHead() {
  const a = state.current, op = status(a).operationState;
  const msg = (status(a).health || {}).message || '';
  $('#apphead').innerHTML = `<h2 id="app-name">${esc(a.metadata.name)}</h2>
    <span>Health ${badge(healthOf(a))}</span><span id="app-sync">Sync <span data-sync>${badge(syncOf(a))}</span></span>
    <span>Operation <span id="op-phase">${badge(op ? op.phase : '')}</span>${op && op.phase === 'Running' ? ' <button id="btn-terminate">Terminate</button>' : ''}</span>
    <span class="muted" id="op-message">${esc(op && op.phase !== 'Succeeded' ? op.message : '')}</span>
    <span class="muted">rev <code>${esc(revOf(a))}</code> · ${esc(projectOf(a))} · ${esc(nsOf(a))}</span>
    <span class="muted" id="health-msg">${esc(msg)}</span>
    <span style="margin-left:auto"><button id="btn-refresh">Refresh</button> <button class="primary" id="btn-sync">Sync</button></span>`;
  $('#btn-refresh').onclick = async () => {
    try { state.current = await api('GET', '/api/v1/applications/' + encodeURIComponent(a.metadata.name) + '?refresh=normal'); renderHead(); banner('Refreshed', 'info'); }
    catch (e) { banner(e.message); }
  };
  $('#btn-sync').onclick = () => syncDialog();
  if ($('#btn-terminate')) $('#btn-terminate').onclick = async () => {
    if (!confirm('Terminate the running operation of ' + a.metadata.name + '?')) return;
    try { await api('DELETE', '/api/v1/applications/' + encodeURIComponent(a.metadata.name) + '/operation'); banner('Operation terminating', 'info'); }
    catch (e) { banner('Terminate refused: ' + e.message); }
  };
}
function syncDialog() {
  const a = state.current;
  const res = (status(a).resources || []);
  $('#syncdlg').innerHTML = `<div class="syncdlg"><b>Sync ${esc(a.metadata.name)}</b><p>
    <label><input type="checkbox" id="opt-prune"> Prune</label><label><input type="checkbox" id="opt-dry"> Dry run</label></p>
    <div>${res.map((r, i) => `<label><input type="checkbox" class="res" data-i="${i}" checked> ${esc(r.kind)}/${esc(r.name)}</label>`).join(' ')}</div>
    <p><button class="primary" id="do-sync">Synchronize</button> <button id="cancel-sync">Cancel</button></p></div>`;
  $('#cancel-sync').onclick = () => { $('#syncdlg').innerHTML = ''; };
  $('#do-sync').onclick = async () => {
    const boxes = [...document.querySelectorAll('input.res')];
    const chosen = boxes.filter((b) => b.checked).map((b) => res[+b.dataset.i]);
    const body = { prune: $('#opt-prune').checked, dryRun: $('#opt-dry').checked };
    if (chosen.length !== res.length) body.resources = chosen.map((r) => ({ group: r.group || '', kind: r.kind, name: r.name, namespace: r.namespace || '' }));
    $('#syncdlg').innerHTML = '';
    try { state.current = await api('POST', '/api/v1/applications/' + encodeURIComponent(a.metadata.name) + '/sync', body); renderHead(); banner('Sync started', 'info'); }
    catch (e) { banner('Sync refused: ' + e.message); }
  };
}
async function renderTab(tab) {
  const name = encodeURIComponent(state.current.metadata.name);
  const panel = $('#panel');
  try {
    if (tab === 'tree') {
      if (!state.tree) state.tree = await api('GET', `/api/v1/applications/${name}/resource-tree`);
      renderTree();
    } else if (tab === 'diff') {
      panel.innerHTML = '<p class="muted">Comparing with Git…</p>';
      const mr = await api('GET', `/api/v1/applications/${name}/managed-resources`);
      const items = (mr.items || []).filter((i) => i.diff);
      panel.innerHTML = items.length ? items.map((i) => `<h4>${esc(i.kind)}/${esc(i.name)} ${badge(i.status)}</h4><pre class="diff">${colorDiff(i.diff)}</pre>`).join('') : '<p id="no-diff">No differences: live matches Git.</p>';
    } else if (tab === 'manifests') {
      panel.innerHTML = '<p class="muted">Loading…</p>';
      const mr = await api('GET', `/api/v1/applications/${name}/managed-resources`);
      panel.innerHTML = (mr.items || []).map((i) => `<h4>${esc(i.kind)}/${esc(i.name)}</h4><div style="display:flex;gap:12px"><div style="flex:1"><b>Live</b><pre class="live">${esc(pretty(i.liveState))}</pre></div><div style="flex:1"><b>Desired</b><pre class="desired">${esc(pretty(i.targetState))}</pre></div></div>`).join('');
    } else if (tab === 'events') {
      const ev = await api('GET', `/api/v1/applications/${name}/events`);
      panel.innerHTML = `<table><thead><tr><th>Type</th><th>Reason</th><th>Object</th><th>Message</th><th>Count</th><th>Last</th></tr></thead><tbody>${(ev.items || []).reverse().map((e) => `<tr><td>${esc(e.type)}</td><td>${esc(e.reason)}</td><td>${esc((e.involvedObject || {}).kind)}/${esc((e.involvedObject || {}).name)}</td><td style="white-space:normal">${esc(e.message)}</td><td>${esc(e.count)}</td><td>${esc(e.lastTimestamp)}</td></tr>`).join('') || '<tr><td colspan="6" class="muted">No events.</td></tr>'}</tbody></table>`;
    } else if (tab === 'history') {
      const h = (status(state.current).history || []).slice().reverse();
      panel.innerHTML = `<table id="history"><thead><tr><th>ID</th><th>Revision</th><th>Deployed</th><th>By</th><th></th></tr></thead><tbody>${h.map((e) => `<tr data-id="${esc(e.id)}"><td>${esc(e.id)}</td><td><code>${esc((e.revision || '').slice(0, 7))}</code></td><td>${esc(e.deployedAt)}</td><td>${esc((e.initiatedBy || {}).username)}</td><td><button class="rollback" data-id="${esc(e.id)}">Rollback</button></td></tr>`).join('') || '<tr><td colspan="5" class="muted">Never synced.</td></tr>'}</tbody></table>`;
      for (const b of document.querySelectorAll('button.rollback')) b.onclick = async () => {
        try { state.current = await api('POST', `/api/v1/applications/${name}/rollback`, { id: +b.dataset.id }); renderHead(); banner('Rollback to ' + b.dataset.id + ' started', 'info'); }
        catch (e) { banner('Rollback refused: ' + e.message); }
      };
    }
  } catch (e) { banner(e.message); panel.textContent = ''; }
}
function pretty(s) { try { return JSON.stringify(JSON.parse(s), null, 2); } catch (e) { return s; } }
function colorDiff(d) {
  return d.split('\n').map((l) => l.startsWith('+') && !l.startsWith('+++') ? `<span class="add">${esc(l)}</span>` : l.startsWith('-') && !l.startsWith('---') ? `<span class="del">${esc(l)}</span>` : esc(l) + '\n').join('');
}
function renderTree() {
  const panel = $('#panel');
  const nodes = (state.tree && state.tree.nodes) || [];
  const byParent = new Map();
  const roots = [];
  for (const n of nodes) {
    const p = (n.parentRefs || [])[0];
    if (p && nodes.some((x) => x.uid === p.uid)) { if (!byParent.has(p.uid)) byParent.set(p.uid, []); byParent.get(p.uid).push(n); }
    else roots.push(n);
  }
  const order = (a, b) => (a.kind + a.name < b.kind + b.name ? -1 : 1);
  const item = (n) => {
    const info = (n.info || []).map((i) => `${esc(i.name)}: ${esc(i.value)}`).join(' · ');
    const reason = (n.info || []).find((i) => i.name === 'Status Reason');
    const kids = (byParent.get(n.uid) || []).sort(order);
    return `<li><div class="node" data-kind="${esc(n.kind)}" data-name="${esc(n.name)}"><span class="kind">${esc(n.kind)}</span><span class="name">${esc(n.name)}</span>${badge((n.health || {}).status)}${reason ? `<span class="info" data-reason="${esc(reason.value)}">${info}</span>` : ''}</div>${kids.length ? `<ul>${kids.map(item).join('')}</ul>` : ''}</li>`;
  };
  const a = state.current;
  panel.innerHTML = `<div class="tree" id="tree"><ul><li><div class="node" data-kind="Application"><span class="kind">Application</span><span class="name">${esc(a.metadata.name)}</span>${badge(healthOf(a))}${badge(syncOf(a))}</div><ul>${roots.sort(order).map(item).join('')}</ul></li></ul></div>`;
}

// ---------------------------------------------------------------- projects
async function projectsPage() {
  try {
    const list = await api('GET', '/api/v1/projects');
    const row = (p) => {
      const sp = p.spec || {}, n = esc(p.metadata.name);
      return `<tr class="project-row" data-project="${n}"><td><a href="/projects/${encodeURIComponent(p.metadata.name)}" data-link>${n}</a></td><td>${esc(sp.description)}</td><td>${esc((sp.sourceRepos || []).join(', '))}</td><td>${esc((sp.destinations || []).map(destText).join(', '))}</td><td>${esc((sp.roles || []).map((r) => r.name).join(', '))}</td></tr>`;
    };
    $('#main').innerHTML = `<p><a href="/projects/new" data-link><button class="primary" id="new-project">New project</button></a></p>
      <table id="projects"><thead><tr><th>Name</th><th>Description</th><th>Sources</th><th>Destinations</th><th>Roles</th></tr></thead><tbody>${(list.items || []).map(row).join('')}</tbody></table>`;
  } catch (e) { banner(e.message); }
}
const destText = (d) => `${d.server || d.name || ''} ${d.namespace || ''}`.trim();
// "group/kind" per line <-> [{group, kind}] ("" group is the core API: "/ConfigMap" or "ConfigMap").
const gkText = (l) => (l || []).map((r) => `${r.group || ''}/${r.kind || ''}`).join('\n');
const gkList = (t) => t.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => { if (l === '*') return { group: '*', kind: '*' }; const i = l.lastIndexOf('/'); return i < 0 ? { group: '', kind: l } : { group: l.slice(0, i), kind: l.slice(i + 1) }; });
const lines = (t) => t.split('\n').map((l) => l.trim()).filter(Boolean);
// Argo CD's project fields the form edits; everything else (roles, sync windows, ...) is kept as is.
const GK_FIELDS = [['clusterResourceWhitelist', 'Cluster resources allowed'], ['clusterResourceBlacklist', 'Cluster resources denied'],
  ['namespaceResourceWhitelist', 'Namespaced resources allowed'], ['namespaceResourceBlacklist', 'Namespaced resources denied']];

async function projectPage(name) {
  const isNew = name === null;
  let proj = { metadata: { name: '' }, spec: { sourceRepos: [], destinations: [] } };
  if (!isNew) {
    try { proj = await api('GET', '/api/v1/projects/' + encodeURIComponent(name)); } catch (e) { banner(e.message); $('#main').textContent = ''; return; }
  }
  const sp = proj.spec || {};
  $('#main').innerHTML = `<form class="panel projform" id="project-form">
    <h2>${isNew ? 'New project' : 'Project ' + esc(name)}</h2>
    <label for="pf-name">Name</label><input id="pf-name" value="${esc(proj.metadata.name)}" ${isNew ? '' : 'disabled'} size="40">
    <label for="pf-desc">Description</label><input id="pf-desc" value="${esc(sp.description)}" size="60">
    <label for="pf-repos">Source repositories <span class="muted">(one URL or glob per line; * for any)</span></label><textarea id="pf-repos" rows="3">${esc((sp.sourceRepos || []).join('\n'))}</textarea>
    <label>Destinations</label>
    <table id="pf-dests"><thead><tr><th>Server</th><th>Namespace</th><th></th></tr></thead><tbody></tbody></table>
    <p><input id="pf-dest-server" placeholder="https://kubernetes.default.svc or *" size="36"> <input id="pf-dest-ns" placeholder="namespace or *" size="20"> <button type="button" id="pf-add-dest">Add destination</button></p>
    ${GK_FIELDS.map(([f, label]) => `<label for="pf-${f}">${label} <span class="muted">(group/kind per line: apps/Deployment, /ConfigMap, */* for any)</span></label><textarea id="pf-${f}" rows="2">${esc(gkText(sp[f]))}</textarea>`).join('')}
    <p><button class="primary" type="submit" id="pf-save">${isNew ? 'Create' : 'Save'}</button> ${isNew ? '' : '<button type="button" id="pf-delete">Delete</button>'} <a href="/projects" data-link>Back to projects</a></p>
  </form>`;
  const dests = (sp.destinations || []).map((d) => ({ ...d }));
  const renderDests = () => {
    $('#pf-dests tbody').innerHTML = dests.map((d, i) => `<tr class="pf-dest" data-i="${i}"><td>${esc(d.server || d.name)}</td><td>${esc(d.namespace)}</td><td><button type="button" class="pf-remove" data-i="${i}">Remove</button></td></tr>`).join('') || '<tr><td colspan="3" class="muted">No destinations: nothing can be deployed.</td></tr>';
    for (const b of document.querySelectorAll('button.pf-remove')) b.onclick = () => { dests.splice(+b.dataset.i, 1); renderDests(); };
  };
  renderDests();
  $('#pf-add-dest').onclick = () => {
    const server = $('#pf-dest-server').value.trim(), namespace = $('#pf-dest-ns').value.trim();
    if (!server || !namespace) { banner('A destination needs a server and a namespace'); return; }
    dests.push({ server, namespace });
    $('#pf-dest-server').value = ''; $('#pf-dest-ns').value = '';
    banner('');
    renderDests();
  };
  $('#project-form').onsubmit = async (e) => {
    e.preventDefault();
    const pname = $('#pf-name').value.trim();
    if (!pname) { banner('The project needs a name'); return; }
    const body = JSON.parse(JSON.stringify(proj));
    body.metadata.name = pname;
    const spec = body.spec = body.spec || {};
    const desc = $('#pf-desc').value.trim();
    if (desc) spec.description = desc; else delete spec.description;
    spec.sourceRepos = lines($('#pf-repos').value);
    spec.destinations = dests;
    for (const [f] of GK_FIELDS) { const l = gkList($('#pf-' + f).value); if (l.length) spec[f] = l; else delete spec[f]; }
    try {
      const saved = isNew ? await api('POST', '/api/v1/projects', { project: body })
        : await api('PUT', '/api/v1/projects/' + encodeURIComponent(pname), { project: body });
      if (isNew) { history.replaceState({}, '', '/projects/' + encodeURIComponent(pname)); await projectPage(pname); }
      else { proj = saved; }
      banner('Project ' + pname + ' saved', 'info');
    } catch (err) { banner('Save refused: ' + err.message); }
  };
  if (!isNew) $('#pf-delete').onclick = async () => {
    if (!confirm('Delete project ' + name + '?')) return;
    try { await api('DELETE', '/api/v1/projects/' + encodeURIComponent(name)); go('/projects'); banner('Project ' + name + ' deleted', 'info'); }
    catch (err) { banner('Delete refused: ' + err.message); }
  };
}

route();
