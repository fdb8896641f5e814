// The services table: one row per service, kept and updated in place; "in state" ticks once a second.
const fmtAge = ms => {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor(s / 60) % 60}m`;
};

export class ServicesView {
  constructor(table, summary, ops) {
    this.body = table.tBodies[0];
    this.summary = summary;
    this.ops = ops;
    this.rows = new Map();
    this.dirtyNames = new Set();
    this.all = true;
    setInterval(() => this.tick(), 1000);
  }

  reset() { this.all = true; }
  dirty(name) { this.dirtyNames.add(name); }

  render(state) {
    const names = this.all ? [...state.services.keys()] : [...this.dirtyNames];
    if (this.all) {
      for (const [name, tr] of this.rows) if (!state.services.has(name)) { tr.remove(); this.rows.delete(name); }
    }
    for (const name of names) {
      const row = state.services.get(name);
      if (row) this.update(row);
    }
    if (this.all) {
      const sorted = [...state.services.keys()].sort();
      sorted.forEach(name => this.body.appendChild(this.rows.get(name)));
    }
    this.all = false;
    this.dirtyNames.clear();
    const counts = {};
    for (const row of state.services.values()) counts[row.state] = (counts[row.state] || 0) + 1;
    this.summary.textContent = `${state.services.size} services: ` +
        Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ');
  }

  update(row) {
    let tr = this.rows.get(row.name);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.service = row.name;
      tr.innerHTML = '<th scope="row" class="c-name"></th><td class="c-state"><span class="badge"></span></td>' +
          '<td class="c-flags"></td><td class="c-time num"></td><td class="c-health num"></td>' +
          '<td class="c-error"></td><td class="c-ops"><button class="small" data-op="refresh">Refresh</button> ' +
          '<button class="small" data-op="edit">Edit config</button></td>';
      tr.cells[0].textContent = row.name;
      tr.querySelector('[data-op=refresh]').addEventListener('click', () => this.ops.refresh(row.name));
      tr.querySelector('[data-op=edit]').addEventListener('click', () => this.ops.edit(row.name));
      for (const b of tr.querySelectorAll('button')) b.setAttribute('aria-label', `${b.textContent} ${row.name}`);
      if (!row.config_key) tr.querySelector('[data-op=edit]').disabled = true;
      this.rows.set(row.name, tr);
      this.body.appendChild(tr);
    }
    tr.dataset.state = row.state;
    tr.dataset.since = row.since || '';
    const badge = tr.cells[1].firstChild;
    badge.textContent = row.state;
    badge.className = 'badge s-' + String(row.state).toLowerCase();
    tr.cells[2].textContent = row.enabled === undefined ? '–' :
        `${row.enabled ? 'enabled' : 'disabled'} / ${row.automated ? 'automated' : 'manual'}`;
    tr.cells[3].textContent = row.since ? fmtAge(Date.now() - row.since) : '–';
    const health = row.health;
    tr.cells[4].textContent = health ? `${health.healthy ? 'ok' : 'unhealthy'} ${health.check_ms.toFixed(1)} ms` : '–';
    const error = row.state === 'FAILED' && row.backoff ? `${row.error || ''} (${row.backoff})` : (row.error || '');
    tr.cells[5].textContent = error;
    tr.cells[5].title = error;
  }

  tick() {
    const now = Date.now();
    for (const tr of this.rows.values()) {
      if (tr.dataset.since && !tr.closest('[hidden]')) tr.cells[3].textContent = fmtAge(now - Number(tr.dataset.since));
    }
  }
}
