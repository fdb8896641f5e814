// The action modules: placement, remote, calls/s and mean latency (from the last benchmark second), load and unload.
export class ActionsView {
  constructor(table, policy, message, ops) {
    this.body = table.tBodies[0];
    this.policy = policy;
    this.message = message;
    this.ops = ops;
    document.getElementById('load-form').addEventListener('submit', event => {
      event.preventDefault();
      const name = document.getElementById('load-name').value.trim();
      this.perform(() => this.ops.load(name, document.getElementById('load-mode').value), `Loading ${name}`);
    });
  }

  reset() {}

  async perform(action, text) {
    this.message.textContent = text + '...';
    try {
      await action();
      this.message.textContent = text + ': done';
    } catch (e) {
      this.message.textContent = e.message;
    }
  }

  render(state) {
    const view = state.actions || {};
    const policy = view.policy;
    this.policy.textContent = !view.available ? 'No action manager in this host.'
        : `Policy ${policy?.name ?? '?'} ${JSON.stringify(policy?.params ?? {})}`;
    const last = state.benchmark[state.benchmark.length - 1];
    const rows = Object.entries(view.modules || {}).map(([name, m]) => {
      const tr = document.createElement('tr');
      tr.dataset.module = name;
      tr.dataset.placement = m.placement || 'none';
      tr.innerHTML = '<th scope="row"></th><td></td><td></td><td></td><td class="num"></td><td class="num"></td>' +
          '<td><button class="small" data-op="local">Load local</button> ' +
          '<button class="small" data-op="remote">Load remote</button> ' +
          '<button class="small" data-op="unload">Unload</button></td>';
      const calls = last?.actions?.[name] || {};
      const perMode = Object.values(calls);
      const perSecond = perMode.reduce((s, c) => s + c.calls_per_s, 0);
      const mean = perMode.length ? perMode.reduce((s, c) => s + c.mean_ms * c.calls, 0) /
          Math.max(1, perMode.reduce((s, c) => s + c.calls, 0)) : null;
      const cells = [name, m.placement || 'not loaded', m.routed_to || '–',
        m.remote_url ? `${m.remote_url} (${m.remote_status})` : (m.remote_status || '–'),
        perSecond.toFixed(1), mean === null ? '–' : `${mean.toFixed(3)} ms`];
      cells.forEach((text, i) => { tr.cells[i].textContent = text; });
      tr.querySelector('[data-op=local]').addEventListener('click',
          () => this.perform(() => this.ops.load(name, 'module'), `Loading ${name} locally`));
      tr.querySelector('[data-op=remote]').addEventListener('click',
          () => this.perform(() => this.ops.load(name, 'remote'), `Loading ${name} remotely`));
      tr.querySelector('[data-op=unload]').addEventListener('click',
          () => this.perform(() => this.ops.unload(name), `Unloading ${name}`));
      for (const b of tr.querySelectorAll('button')) b.setAttribute('aria-label', `${b.textContent} ${name}`);
      return tr;
    });
    // Rebuilt only when something changed, so focus stays put while calls/s ticks.
    const key = JSON.stringify(view) + '|' + rows.map(r => r.textContent).join();
    if (key !== this.key) {
      const focused = document.activeElement?.getAttribute('aria-label');
      this.body.replaceChildren(...rows);
      if (focused) this.body.querySelector(`[aria-label="${CSS.escape(focused)}"]`)?.focus();
      this.key = key;
    }
  }
}
