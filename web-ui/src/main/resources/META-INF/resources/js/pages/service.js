// A service's page: what it served (inbound) and what it asked of others (outbound) over time — requests and
// errors, responses by status, latency percentiles — its TCP connections both ways, and its events.

import { getJson, servicePath } from '../api.js';
import { currentRange } from '../range.js';
import { href, serviceHref } from '../route.js';
import { el, table } from '../dom.js';
import { directionsTable } from '../figures.js';
import { destroyCharts, lineChart } from '../chart.js';
import * as s from '../series.js';
import * as f from '../format.js';
import { eventsTable } from './events.js';

/** With more peers than this, the latency chart shows the p99 of the busiest ones only. */
const MAX_LATENCY_LINES = 6;

export function leave() {
  destroyCharts();
}

export async function render(main, route, ui) {
  const id = route.segments[1];
  if (!id) {
    throw new Error('No service named in the address: open a service from the map.');
  }
  const range = currentRange();
  const service = await getJson(servicePath(id), range);
  if (!ui.current()) {
    return;
  }
  main.append(
    el('h1', { class: 'service-name', title: id }, id),
    el('p', { class: 'badges' },
      el('span', { class: `badge ${service.external ? 'external' : (service.kind || '')}` },
        service.external ? 'external service' : (service.kind || 'unknown kind')),
      (service.nodes || []).length ? ` on ${service.nodes.join(', ')}` : '',
      (service.protocols || []).length ? ` · ${service.protocols.join(', ')}` : ''),
    el('p', { class: 'links' }, el('a', { href: href(['map'], { filter: id }) }, 'On the map'), ' · ',
      el('a', { href: href(['spans'], { service: id }) }, 'Spans'), ' · ',
      el('a', { href: href(['events'], { service: id }) }, 'Events')),
    directionsTable(service));
  if (!service.inbound?.requests && !service.outbound?.requests) {
    main.append(el('p', { class: 'muted' }, 'No requests to or from this service in this time range. ' +
      'Generate some traffic, or pick a longer time range.'));
  }

  const sections = {
    inbound: el('section', { class: 'direction', dataset: { section: 'inbound' } }, el('h2', {}, 'Inbound: requests it served')),
    outbound: el('section', { class: 'direction', dataset: { section: 'outbound' } }, el('h2', {}, 'Outbound: requests it made')),
    tcp: el('section', { dataset: { section: 'tcp' } }, el('h2', {}, 'TCP')),
    events: el('section', { dataset: { section: 'events' } }, el('h2', {}, 'Events')),
  };
  main.append(...Object.values(sections));

  const loads = [
    load(sections.inbound, getJson('/api/v1/metrics/l7', { ...range, server: id }), body => redCharts(body, 'client')),
    load(sections.outbound, getJson('/api/v1/metrics/l7', { ...range, client: id }), body => redCharts(body, 'server')),
    load(sections.tcp, Promise.all([
      getJson('/api/v1/metrics/tcp', { ...range, server: id }),
      getJson('/api/v1/metrics/tcp', { ...range, client: id })]),
    ([inbound, outbound]) => [tcpCharts('Connections to it', inbound, 'client'),
      tcpCharts('Connections it made', outbound, 'server')]),
    load(sections.events, getJson('/api/v1/events', { ...range, service: id }), body => eventsTable(body.items || [])),
  ];
  await Promise.all(loads);

  // Each part fails on its own: the figures that did load stay, the failure is shown in its place and on top.
  async function load(section, request, build) {
    try {
      const body = await request;
      if (ui.current()) {
        section.append(...[build(body)].flat());
      }
    } catch (error) {
      section.append(el('p', { class: 'error-inline' }, error.message));
      ui.report(error);
    }
  }
}

/** Requests and errors per second, responses by status, latency; then one row per peer. */
function redCharts(body, peerRole) {
  const series = s.countingSeries(body.series || []);
  if (series.length === 0) {
    return el('p', { class: 'muted' }, 'No requests in this time range.');
  }
  const times = s.timeAxis(series);
  const seconds = s.stepSeconds(body.step) || 60;
  const perSecond = v => v / seconds;

  const requests = lineChart(`Requests and errors per second (step ${body.step})`, times, [
    { label: 'requests', values: s.sumOver(series, times, p => p.requests).map(perSecond), color: '#2563eb' },
    { label: 'errors', values: s.sumOver(series, times, p => p.errors).map(perSecond), color: '#dc2626' },
  ], f.rate);
  const byStatus = lineChart('Responses by status, per second', times, s.statuses(series).map(status => ({
    label: status, values: s.sumOver(series, times, p => (p.byStatus || {})[status]).map(perSecond),
  })), f.rate);

  const busiest = [...series].sort((a, b) => s.total(b, p => p.requests) - s.total(a, p => p.requests));
  const latencyLines = busiest.length === 1
    ? ['p50', 'p95', 'p99'].map(q => ({ label: q, spanGaps: true,
      values: s.valuesOf(busiest[0], times, p => p.latencyMs && p.latencyMs[q]) }))
    : busiest.slice(0, MAX_LATENCY_LINES).map(one => ({
      label: `p99 ${f.shortName(one[peerRole], 30)} (${one.protocol})`, spanGaps: true,
      values: s.valuesOf(one, times, p => p.latencyMs && p.latencyMs.p99),
    }));
  const latency = lineChart(busiest.length === 1 ? 'Latency percentiles' :
    `Latency p99 by peer${busiest.length > MAX_LATENCY_LINES ? ` (the ${MAX_LATENCY_LINES} busiest)` : ''}`,
  times, latencyLines, f.ms);

  const peers = table([peerRole, 'protocol', 'side counted', 'requests', 'errors', 'error rate'],
    busiest.map(one => {
      const n = s.total(one, p => p.requests);
      const errors = s.total(one, p => p.errors);
      return { cells: [el('a', { href: serviceHref(one[peerRole]), title: one[peerRole] }, f.shortName(one[peerRole], 60)),
        one.protocol, one.side, f.count(n), f.count(errors), f.percent(n ? errors / n : null)] };
    }), 'grid compact peers');
  return [el('div', { class: 'charts' }, requests, byStatus, latency), peers];
}

function tcpCharts(title, body, peerRole) {
  const series = body.series || [];
  const part = el('div', { class: 'tcp-part' }, el('h3', {}, title));
  if (series.length === 0) {
    part.append(el('p', { class: 'muted' }, 'No TCP connections in this time range.'));
    return part;
  }
  const times = s.timeAxis(series);
  const counts = lineChart(`Connects, failures, retransmits per step (step ${body.step})`, times, [
    { label: 'connects', values: s.sumOver(series, times, p => p.connects), color: '#2563eb' },
    { label: 'failed connects', values: s.sumOver(series, times, p => p.failedConnects), color: '#dc2626' },
    { label: 'retransmits', values: s.sumOver(series, times, p => p.retransmits), color: '#ea580c' },
    { label: 'active connections', values: s.sumOver(series, times, p => p.activeConnections), color: '#16a34a' },
  ], v => f.count(Math.round(v * 100) / 100));
  const rtt = lineChart('Round-trip time (mean over peers)', times, [
    { label: 'RTT', values: s.meanOver(series, times, p => p.rttMs), color: '#9333ea', spanGaps: true },
  ], f.ms);
  const bytes = lineChart('Bytes per step', times, [
    { label: 'sent', values: s.sumOver(series, times, p => p.bytesSent), color: '#0891b2' },
    { label: 'received', values: s.sumOver(series, times, p => p.bytesReceived), color: '#ca8a04' },
  ], f.bytes);
  const peers = table([peerRole, 'connects', 'failed', 'retransmits'], series.map(one => ({
    cells: [el('a', { href: serviceHref(one[peerRole]), title: one[peerRole] }, f.shortName(one[peerRole], 60)),
      f.count(s.total(one, p => p.connects)), f.count(s.total(one, p => p.failedConnects)),
      f.count(s.total(one, p => p.retransmits))],
  })), 'grid compact peers');
  part.append(el('div', { class: 'charts' }, counts, rtt, bytes), peers);
  return part;
}
