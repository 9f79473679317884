import { api } from '../api.js';
import { h, formatValue, link } from '../util.js';
import { setQuery, show } from '../app.js';
import { lineChart, color } from '../chart.js';

/** #/compare?runs=a,b,c&metric=&x=&y=&all=1: overlaid metric histories, params against a metric, param differences. */
export async function comparePage(view, _params, query, ctx) {
  const ids = (query.get('runs') || '').split(',').filter(Boolean).slice(0, 100);
  if (ids.length < 1) {
    view.append(h('h1', 'Compare runs'), h('p.empty', 'Select runs in an experiment\'s table, then choose Compare.'));
    return;
  }
  const runs = await Promise.all(ids.map((id) => api.getRun(id)));
  const name = (r) => r.info.run_name || r.info.run_id.slice(0, 8);
  const metricKeys = [...new Set(runs.flatMap((r) => (r.data.metrics || []).map((m) => m.key)))].sort();
  const paramKeys = [...new Set(runs.flatMap((r) => (r.data.params || []).map((p) => p.key)))].sort();
  const param = (r, k) => (r.data.params || []).find((p) => p.key === k)?.value;
  const metric = (r, k) => (r.data.metrics || []).find((m) => m.key === k)?.value;

  const chosenMetric = metricKeys.includes(query.get('metric')) ? query.get('metric') : metricKeys[0];
  const xParam = paramKeys.includes(query.get('x')) ? query.get('x') : paramKeys[0];
  const yMetric = metricKeys.includes(query.get('y')) ? query.get('y') : chosenMetric;
  const onlyDiffs = query.get('all') !== '1';
  const experimentId = query.get('experiment') || runs[0].info.experiment_id;

  const select = (label, name_, keys, value) => h('label.select', label + ' ',
    h('select', { name: name_, onchange: (e) => setQuery({ [name_]: e.target.value }, true) }, keys.map((k) => h('option', { value: k, selected: k === value }, k))));

  const chartHolder = h('div.charts');
  view.append(
    h('nav.crumbs', h('a', { href: '#/experiments' }, 'Experiments'), ' / ', h('a', { href: link(`/experiments/${experimentId}/runs`) }, 'Runs'), ' / Compare'),
    h('h1', `Comparing ${runs.length} runs`),
    h('ul.legend', runs.map((r, i) => h('li', h('span.swatch', { style: `background:${color(i)}` }), h('a', { href: link(`/runs/${r.info.run_id}`) }, name(r))))),
    h('section', h('h2', 'Metric history'), metricKeys.length ? [select('Metric', 'metric', metricKeys, chosenMetric), chartHolder] : h('p.empty', 'These runs have no metrics.')),
    h('section.scatter-section', h('h2', 'Parameter against metric'), paramKeys.length && metricKeys.length
      ? [h('div.inline', select('Parameter', 'x', paramKeys, xParam), select('Metric', 'y', metricKeys, yMetric)), scatter(runs, name, (r) => param(r, xParam), (r) => metric(r, yMetric), xParam, yMetric)]
      : h('p.empty', 'Needs runs with params and metrics.')),
    h('section', h('h2', 'Parameters'),
      h('label.check', h('input', { type: 'checkbox', name: 'only-diffs', checked: onlyDiffs, onchange: (e) => setQuery({ all: e.target.checked ? '' : '1' }, true) }), ' Only parameters that differ'),
      paramTable(runs, name, paramKeys, param, onlyDiffs)),
    h('section', h('h2', 'Latest metrics'), h('table.grid.compare-metrics',
      h('thead', h('tr', h('th', 'Metric'), runs.map((r) => h('th', name(r))))),
      h('tbody', metricKeys.map((k) => h('tr', h('th', k), runs.map((r) => h('td.num', formatValue(metric(r, k))))))))));
  show(view, ctx);

  if (chosenMetric) {
    const points = await api.sampledHistory(ids, chosenMetric, 1000);
    const byRun = new Map(ids.map((id) => [id, []]));
    for (const p of points) byRun.get(p.run_id)?.push(p);
    lineChart(chartHolder, chosenMetric, runs.map((r) => ({ label: name(r), points: byRun.get(r.info.run_id) || [] })));
  }
}

function paramTable(runs, name, keys, param, onlyDiffs) {
  const rows = keys.map((k) => {
    const values = runs.map((r) => param(r, k));
    const differs = new Set(values.map((v) => v ?? '\u0000')).size > 1;
    return { k, values, differs };
  }).filter((row) => !onlyDiffs || row.differs);
  if (!rows.length) return h('p.empty', onlyDiffs ? 'All parameters are equal.' : 'No parameters.');
  return h('table.grid.param-diff', h('thead', h('tr', h('th', 'Parameter'), runs.map((r) => h('th', name(r))))),
    h('tbody', rows.map(({ k, values, differs }) => h('tr', { class: differs ? 'differs' : '' }, h('th', k), values.map((v) => h('td', v ?? '—'))))));
}

/** An SVG scatter plot: one dot per run; a parameter that is not numeric is placed by category. */
function scatter(runs, name, xOf, yOf, xLabel, yLabel) {
  const pts = runs.map((r, i) => ({ r, i, x: xOf(r), y: yOf(r) })).filter((p) => p.x !== undefined && typeof p.y === 'number' && Number.isFinite(p.y));
  if (!pts.length) return h('p.empty', 'No run has both values.');
  const numeric = pts.every((p) => p.x !== '' && Number.isFinite(Number(p.x)));
  const categories = numeric ? [] : [...new Set(pts.map((p) => p.x))].sort();
  const xs = pts.map((p) => (numeric ? Number(p.x) : categories.indexOf(p.x)));
  const W = 640, H = 320, L = 64, R = 16, T = 16, B = 44;
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs)), [y0, y1] = pad(Math.min(...pts.map((p) => p.y)), Math.max(...pts.map((p) => p.y)));
  const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R), sy = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; return e; };
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'scatter', role: 'img', 'aria-label': `${yLabel} against ${xLabel}` });
  svg.append(el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }), el('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
  const xTicks = numeric ? [x0, (x0 + x1) / 2, x1] : categories.map((_, i) => i);
  for (const t of xTicks) svg.append(el('text', { x: sx(t), y: H - B + 16, 'text-anchor': 'middle', class: 'tick' }, numeric ? formatValue(t) : categories[t]));
  for (const t of [y0, (y0 + y1) / 2, y1]) svg.append(el('text', { x: L - 6, y: sy(t) + 4, 'text-anchor': 'end', class: 'tick' }, formatValue(t)));
  svg.append(el('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', class: 'label' }, 'param ' + xLabel));
  svg.append(el('text', { x: 14, y: (T + H - B) / 2, transform: `rotate(-90 14 ${(T + H - B) / 2})`, 'text-anchor': 'middle', class: 'label' }, 'metric ' + yLabel));
  pts.forEach((p, k) => {
    const dot = el('circle', { cx: sx(xs[k]), cy: sy(p.y), r: 6, fill: color(p.i), class: 'dot' });
    dot.append(el('title', {}, `${name(p.r)}: ${xLabel}=${p.x}, ${yLabel}=${formatValue(p.y)}`));
    svg.append(dot);
  });
  return h('div.scatter-box', svg);
}

function pad(lo, hi) {
  if (lo === hi) return [lo - 1, hi + 1];
  const m = (hi - lo) * 0.08;
  return [lo - m, hi + m];
}
