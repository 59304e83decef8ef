// Line charts over time with uPlot: one figure per chart, a caption, and a legend that shows the values under the
// cursor. A chart with nothing to draw says so instead of drawing empty axes.

import uPlot from '../vendor/uPlot.esm.js';
import { el } from './dom.js';

/** The charts drawn on the current page; uPlot listens on the window, so they must be destroyed, not just dropped. */
const plots = [];

export function destroyCharts() {
  plots.splice(0).forEach(plot => plot.destroy());
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/**
 * @param title    caption
 * @param times    epoch seconds, ascending
 * @param series   [{label, values, color?, spanGaps?}], values aligned with times (null where there is no value);
 *                 spanGaps joins the values across nulls (a percentile has no value where there were no requests)
 * @param format   how a value reads (axis and legend)
 */
export function lineChart(title, times, series, format) {
  const figure = el('figure', { class: 'chart', dataset: { chart: title } }, el('figcaption', {}, title));
  const hasData = series.some(s => s.values.some(v => v !== null && v !== undefined));
  if (times.length === 0 || !hasData) {
    figure.append(el('p', { class: 'muted' }, 'No data in this time range.'));
    return figure;
  }
  const plot = el('div');
  figure.append(plot);
  const options = {
    width: chartWidth(),
    height: 190,
    scales: { x: { time: true } },
    series: [{}, ...series.map((s, i) => ({
      label: s.label, stroke: s.color || COLORS[i % COLORS.length], width: 1.5, spanGaps: Boolean(s.spanGaps),
      points: { show: times.length < 40 },
      value: (u, v) => (v === null || v === undefined ? '–' : format(v)),
    }))],
    axes: [{}, { size: 70, values: (u, values) => values.map(v => format(v)) }],
  };
  // uPlot measures its legend when drawing, so it is created once the figure is in the page.
  queueMicrotask(() => plots.push(new uPlot(options, [times, ...series.map(s => s.values)], plot)));
  return figure;
}

function chartWidth() {
  const main = document.getElementById('page');
  return Math.max(320, Math.floor(((main && main.clientWidth) || 1200) / 3) - 48);
}
