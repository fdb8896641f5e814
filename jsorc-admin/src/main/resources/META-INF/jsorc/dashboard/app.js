// The dashboard page: sign-in, the event stream, four views. Events only change the state; rendering happens at most
// once per animation frame, for the visible view, and rows are updated in place, so 200 services and a steady
// stream of events keep the page responsive and the layout still.
import * as api from './api.js';
import {connect} from './stream.js';
import {ServicesView} from './services.js';
import {TimelineView} from './timeline.js';
import {ActionsView} from './actions.js';
import {BenchmarkView} from './benchmark.js';

const $ = id => document.getElementById(id);
const stats = window.jsorcStats = {events: 0, handleMsMax: 0, renders: 0, renderMsMax: 0, renderMsTotal: 0};

const state = {
  services: new Map(),      // name -> row
  timelines: new Map(),     // service -> [entries], newest last, at most 500
  placements: [],           // [{ts, module, from, to}]
  benchmark: [],            // [{ts, requests, actions}], at most 300
  actions: {available: false, modules: {}},
};
const TIMELINE = 500;
const SECONDS = 300;

const views = {
  services: new ServicesView($('services'), $('services-summary'), {
    refresh: name => run(() => api.op('service_refresh', {name}), `Refreshed ${name}`),
    edit: name => openEditor(name),
  }),
  regeneration: new TimelineView($('timeline'), $('backoffs'), $('timeline-service')),
  actions: new ActionsView($('actions'), $('policy'), $('actions-message'), {
    load: (name, mode) => api.op('jsorc_actions_load', {name, mode}),
    unload: name => api.op('jsorc_actions_unload', {name}),
  }),
  benchmark: new BenchmarkView($('chart'), $('bench-type')),
};
let active = 'services';
let frame = 0;
let stopStream = null;

function schedule() {
  if (!frame) frame = requestAnimationFrame(render);
}

function render() {
  frame = 0;
  const t0 = performance.now();
  views[active].render(state);
  const ms = performance.now() - t0;
  stats.renders++;
  stats.renderMsTotal += ms;
  stats.renderMsMax = Math.max(stats.renderMsMax, ms);
}

function pushTimeline(service, entry) {
  if (!service) return;
  let entries = state.timelines.get(service);
  if (!entries) state.timelines.set(service, entries = []);
  entries.push(entry);
  if (entries.length > TIMELINE) entries.splice(0, entries.length - TIMELINE);
}

function handle(type, data) {
  const t0 = performance.now();
  stats.events++;
  switch (type) {
    case 'snapshot':
      state.services = new Map(data.services.map(row => [row.name, row]));
      state.timelines = new Map(Object.entries(data.timelines || {}));
      state.placements = data.placements || [];
      state.benchmark = data.benchmark || [];
      state.actions = data.actions || state.actions;
      for (const view of Object.values(views)) view.reset?.();
      break;
    case 'service': {
      const row = state.services.get(data.name) || {name: data.name};
      row.state = data.to;
      row.since = data.ts;
      if (data.to === 'FAILED') row.error = data.error;
      if (data.to === 'RUNNING') { row.error = null; row.backoff = null; }
      state.services.set(data.name, row);
      views.services.dirty(data.name);
      pushTimeline(data.name, {ts: data.ts, kind: data.to === 'FAILED' ? 'failure' : data.to === 'RUNNING'
          ? 'running' : 'state', state: data.to, detail: data.error || `${data.from} -> ${data.to}`});
      break;
    }
    case 'regeneration': {
      const kind = data.action === 'DEFERRED' ? 'backoff' : data.action === 'WAITING_FOR_MANIFEST' ? 'manifest'
          : data.action === 'REFRESHED' ? (data.state === 'RUNNING' ? 'ready' : 'failure') : data.action.toLowerCase();
      pushTimeline(data.service, {ts: data.ts, kind, state: data.state, detail: `${data.action}: ${data.detail}`});
      const row = state.services.get(data.service);
      if (row && kind === 'backoff') { row.backoff = data.detail; views.services.dirty(data.service); }
      break;
    }
    case 'apply':
      pushTimeline(serviceOfManifest(data.key), {ts: data.ts, kind: 'applied', state: null,
        detail: `manifest ${data.key} applied: ${JSON.stringify(data.counts)}`});
      break;
    case 'placement':
      state.placements.push(data);
      if (state.placements.length > 500) state.placements.shift();
      break;
    case 'actions':
      state.actions = data;
      break;
    case 'benchmark':
      state.benchmark.push(data);
      if (state.benchmark.length > SECONDS) state.benchmark.shift();
      break;
  }
  stats.handleMsMax = Math.max(stats.handleMsMax, performance.now() - t0);
  schedule();
}

function serviceOfManifest(key) {
  for (const row of state.services.values()) {
    if (row.config_key && key === row.config_key.replace(/_CONFIG$/, '_MANIFEST')) return row.name;
  }
  return null;
}

// ---- tabs: arrow keys move between them (WAI-ARIA tabs pattern) ----
const tabs = [...document.querySelectorAll('[role=tab]')];
function select(tab, focus) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  active = tab.id.replace('tab-', '');
  if (focus) tab.focus();
  views[active].reset?.();
  render();
}
for (const tab of tabs) {
  tab.addEventListener('click', () => select(tab, false));
  tab.addEventListener('keydown', event => {
    const i = tabs.indexOf(tab);
    const next = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1}[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(tabs[(next + tabs.length) % tabs.length], true);
  });
}
$('timeline-service').addEventListener('change', () => { views.regeneration.reset(); render(); });
$('bench-type').addEventListener('change', () => { views.benchmark.reset(); render(); });

// ---- config editor ----
let editing = null;
async function openEditor(name) {
  editing = name;
  $('editor-error').textContent = '';
  $('editor-title').textContent = `Config of ${name}`;
  $('editor-text').value = 'loading...';
  $('editor').showModal();
  try {
    const answer = await api.op('dashboard_config_get', {name});
    $('editor-title').textContent = `${answer.key} (service ${name})`;
    $('editor-text').value = JSON.stringify(answer.config, null, 2);
    $('editor-text').focus();
  } catch (e) {
    $('editor-error').textContent = e.message;
  }
}
$('editor-form').addEventListener('submit', async event => {
  event.preventDefault();
  $('editor-error').textContent = '';
  try {
    // The text goes as it is: the API parses it and its 400 message is shown here, nothing stored.
    await api.op('dashboard_config_set', {name: editing, config: $('editor-text').value});
    $('editor').close();
  } catch (e) {
    $('editor-error').textContent = e.message;
  }
});
$('editor-cancel').addEventListener('click', () => $('editor').close());

async function run(action, done) {
  try { await action(); flash(done); } catch (e) { flash(e.message, true); }
}
function flash(text, error) {
  const el = $('conn');
  el.dataset.note = text;
  if (error) console.warn(text);
}

// ---- session ----
function showSignIn(message) {
  if (stopStream) { stopStream(); stopStream = null; }
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message || '';
  $('conn').textContent = 'signed out';
  $('token').focus();
}
function showApp() {
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  stopStream = connect(handle, status => {
    $('conn').textContent = status;
    $('conn').dataset.status = status;
  }, () => showSignIn('The session ended; sign in again.'));
}
$('sign-in-form').addEventListener('submit', async event => {
  event.preventDefault();
  const input = $('token');
  try {
    await api.signIn(input.value);
    input.value = '';
    showApp();
  } catch (e) {
    $('sign-in-error').textContent = e.message;
  }
});
$('sign-out').addEventListener('click', async () => {
  try { await api.signOut(); } finally { showSignIn(); }
});

(async () => {
  try {
    if (await api.resume()) showApp(); else showSignIn();
  } catch (e) {
    showSignIn(e.message);
  }
})();
