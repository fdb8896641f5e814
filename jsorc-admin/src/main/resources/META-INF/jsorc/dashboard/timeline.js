// The regeneration timeline: the chosen service's last 500 events (or the newest 300 across all), newest first,
// and each failing service's current backoff.
const fmtTime = ts => new Date(ts).toLocaleTimeString([], {hour12: false});

export class TimelineView {
  constructor(list, backoffs, picker) {
    this.list = list;
    this.backoffs = backoffs;
    this.picker = picker;
  }

  reset() {}

  render(state) {
    const names = [...state.services.keys()].sort();
    if (this.picker.options.length - 1 !== names.length) {
      const chosen = this.picker.value;
      this.picker.replaceChildren(new Option('all services', ''), ...names.map(n => new Option(n, n)));
      this.picker.value = chosen;
    }
    const chosen = this.picker.value;
    let entries;
    if (chosen) {
      entries = (state.timelines.get(chosen) || []).map(e => [chosen, e]);
    } else {
      entries = [];
      for (const [service, list] of state.timelines) for (const e of list) entries.push([service, e]);
      entries.sort((a, b) => a[1].ts - b[1].ts);
      entries = entries.slice(-300);
    }
    const items = entries.reverse().map(([service, e]) => {
      const li = document.createElement('li');
      li.className = 'k-' + e.kind;
      li.innerHTML = '<time></time> <span class="kind"></span> <strong></strong> <span class="detail"></span>';
      li.children[0].textContent = fmtTime(e.ts);
      li.children[1].textContent = e.kind;
      li.children[2].textContent = service;
      li.children[3].textContent = e.detail || '';
      return li;
    });
    this.list.replaceChildren(...items);
    const failing = [...state.services.values()].filter(r => r.state === 'FAILED');
    this.backoffs.replaceChildren(...(failing.length ? failing.map(r => {
      const li = document.createElement('li');
      li.textContent = `${r.name}: ${r.backoff || 'waiting for the next regeneration cycle'}`;
      return li;
    }) : [Object.assign(document.createElement('li'), {textContent: 'none'})]));
  }
}
