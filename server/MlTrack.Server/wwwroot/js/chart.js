// Line charts of metric histories with uPlot (made for large time series); data arrive already sampled by the server.
import { h } from './util.js';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
export const color = (i) => PALETTE[i % PALETTE.length];

/**
 * Draws one chart into `holder`: x = step, one series per entry of `series` ({label, points: [{step, value}]}).
 * Series with different steps are aligned on the union of their steps (gaps are bridged).
 */
export function lineChart(holder, title, series, { width, height = 240 } = {}) {
  const steps = [...new Set(series.flatMap((s) => s.points.map((p) => Number(p.step))))].sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const columns = series.map((s) => {
    const ys = new Array(steps.length).fill(null);
    for (const p of s.points) ys[index.get(Number(p.step))] = typeof p.value === 'number' ? p.value : Number(p.value);
    return ys;
  });
  const box = h('div.chart', { dataset: { metric: title, points: String(steps.length) } });
  holder.append(box);
  const opts = {
    title,
    width: width || Math.max(280, Math.min(holder.clientWidth || 600, 900) - 8),
    height,
    scales: { x: { time: false } },
    axes: [{ label: 'step' }, {}],
    series: [{ label: 'step' }, ...series.map((s, i) => ({ label: s.label, stroke: color(i), width: 1.5, spanGaps: true, points: { show: steps.length < 60 } }))],
    legend: { show: true },
  };
  // uPlot is a classic script (vendor/uPlot.iife.min.js), loaded before the modules run.
  const plot = new window.uPlot(opts, [steps, ...columns], box);
  box.dataset.drawnAt = String(Math.round(performance.now())); // ms since navigation start (benchmark)
  box.dataset.ready = 'true';
  return plot;
}
