// The benchmark chart: p50/p90/p99 latency (ms, left axis) and throughput (requests/s, right axis) of one request
// type over the last 300 seconds, with every placement change drawn as a dashed line on the time axis.
import uPlot from '/vendor/uplot/uPlot.esm.js';

export class BenchmarkView {
  constructor(element, picker) {
    this.element = element;
    this.picker = picker;
    this.plot = null;
    this.placements = [];
    this.userChose = false;
    picker.addEventListener('change', () => { this.userChose = true; });
    new ResizeObserver(() => this.resize()).observe(element);
  }

  reset() { this.typesKey = null; }

  size() {
    const width = Math.max(280, this.element.clientWidth);
    return {width, height: Math.round(Math.min(420, Math.max(220, width * 0.45)))};
  }

  resize() {
    if (this.plot && this.element.clientWidth) this.plot.setSize(this.size());
  }

  render(state) {
    const types = new Set();
    for (const second of state.benchmark) for (const type of Object.keys(second.requests || {})) types.add(type);
    const sorted = [...types].sort();
    const typesKey = sorted.join();
    if (typesKey !== this.typesKey) {
      const chosen = this.picker.value;
      this.picker.replaceChildren(...sorted.map(t => new Option(t, t)));
      if (sorted.includes(chosen)) this.picker.value = chosen;
      this.typesKey = typesKey;
    }
    // Until the operator picks one, the chart follows the busiest request type of the last half minute.
    if (!this.userChose && sorted.length) this.picker.value = busiest(state.benchmark.slice(-30), sorted);
    const type = this.picker.value;
    const xs = [], p50 = [], p90 = [], p99 = [], tput = [];
    for (const second of state.benchmark) {
      const entry = second.requests?.[type];
      xs.push(second.ts / 1000);
      p50.push(entry ? entry.p50 : null);
      p90.push(entry ? entry.p90 : null);
      p99.push(entry ? entry.p99 : null);
      tput.push(entry ? entry.throughput : 0);
    }
    this.placements = state.placements.map(p => ({x: p.ts / 1000, label: `${p.module}: ${p.from ?? '–'} → ${p.to ?? '–'}`}));
    const data = [xs, p50, p90, p99, tput];
    if (!this.plot) {
      if (!this.element.clientWidth) return; // hidden: drawn when shown
      this.plot = new uPlot(this.options(), data, this.element);
    } else {
      this.plot.setData(data);
    }
    this.element.dataset.points = String(p50.filter(v => v !== null).length);
    this.element.dataset.type = type || '';
    this.element.dataset.placements = String(this.placements.length);
  }

  options() {
    const view = this;
    return {
      ...this.size(),
      scales: {x: {time: true}, ms: {auto: true}, rps: {auto: true}},
      series: [
        {},
        {label: 'p50 ms', scale: 'ms', stroke: '#2b6cb0', width: 2, spanGaps: false},
        {label: 'p90 ms', scale: 'ms', stroke: '#d69e2e', width: 2},
        {label: 'p99 ms', scale: 'ms', stroke: '#c53030', width: 2},
        {label: 'req/s', scale: 'rps', stroke: '#718096', width: 1, dash: [4, 4]},
      ],
      axes: [
        {},
        {scale: 'ms', label: 'latency (ms)'},
        {scale: 'rps', side: 1, label: 'requests/s', grid: {show: false}},
      ],
      hooks: {
        draw: [u => {
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#805ad5';
          ctx.fillStyle = '#553c9a';
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.setLineDash([6, 4]);
          ctx.font = `${11 * devicePixelRatio}px sans-serif`;
          for (const p of view.placements) {
            const x = Math.round(u.valToPos(p.x, 'x', true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillText(p.label, x + 4, u.bbox.top + 12 * devicePixelRatio);
          }
          ctx.restore();
        }],
      },
    };
  }
}

function busiest(seconds, types) {
  const counts = {};
  for (const s of seconds) for (const [t, e] of Object.entries(s.requests || {})) counts[t] = (counts[t] || 0) + e.count;
  return types.reduce((a, b) => ((counts[b] || 0) > (counts[a] || 0) ? b : a));
}
