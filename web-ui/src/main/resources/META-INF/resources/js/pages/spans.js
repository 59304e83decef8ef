// Span search: the requests seen one by one, newest first, filtered by service, protocol, status, minimum duration
// and the time range; a span opens its details. The filters live in the address, so a search can be shared.

import { getJson } from '../api.js';
import { currentRange } from '../range.js';
import { setParams, serviceHref } from '../route.js';
import { el, emptyState, facts, table } from '../dom.js';
import * as f from '../format.js';

// The protocol tokens the API accepts (its Protocol table); a token not listed here still works typed in the address.
const PROTOCOLS = ['http', 'http2', 'grpc', 'postgres', 'mysql', 'redis', 'memcached', 'mongo', 'cassandra', 'kafka',
  'rabbitmq', 'nats', 'dns'];
const LIMITS = [50, 100, 200, 500, 1000];
const FILTERS = ['service', 'protocol', 'status', 'minDurationMs'];

export async function render(main, route, ui) {
  const params = route.params;
  const filters = Object.fromEntries(FILTERS.map(name => [name, params.get(name) || '']));
  const limit = params.get('limit') || '100';
  main.append(filterForm(filters, limit));

  const body = await getJson('/api/v1/spans', { ...currentRange(), ...filters, limit });
  if (!ui.current()) {
    return;
  }
  const spans = body.items || [];
  if (spans.length === 0) {
    const filtered = FILTERS.some(name => filters[name]);
    main.append(emptyState(filtered ? 'No spans match these filters in this time range' : 'No spans in this time range',
      filtered ? 'Loosen a filter or pick a longer time range.' : 'Pick a longer time range, or generate some traffic.',
      'If no spans show up at all: start the collector (bin/run-local starts the whole stack with it) and send ' +
      'requests between your services.'));
    return;
  }
  const detail = el('section', { class: 'span-detail', 'data-testid': 'span-detail', hidden: true });
  let selectedRow = null;
  const rows = spans.map(span => ({
    attrs: { class: span.error ? 'clickable alert' : 'clickable', title: 'Show the details of this span',
      onclick: event => {
        if (selectedRow) {
          selectedRow.classList.remove('selected');
        }
        selectedRow = event.currentTarget;
        selectedRow.classList.add('selected');
        showDetail(detail, span);
      } },
    cells: [f.time(span.startTime), f.ms(span.durationMs), span.side, serviceLink(span.clientService),
      serviceLink(span.serverService), span.protocol, f.text(span.operation),
      el('span', { class: 'resource', title: span.resource || '' }, f.shortName(f.text(span.resource), 80)),
      el('span', { class: span.error ? 'status error' : 'status' }, f.text(span.status))],
  }));
  main.append(
    el('p', { class: 'summary', 'data-testid': 'span-count' }, `${spans.length} spans, newest first` +
      (spans.length >= Number(limit) ? ` (the limit of ${limit} was reached: narrow the filters or raise the limit)` : '')),
    detail,
    table(['time', 'duration', 'seen by', 'client', 'server', 'protocol', 'operation', 'statement or path', 'status'],
      rows, 'grid spans'));
}

function filterForm(filters, limit) {
  const form = el('form', { class: 'filters', 'aria-label': 'Span filters' },
    el('label', {}, 'Service ', el('input', { name: 'service', value: filters.service, size: 30,
      placeholder: 'client or server, exact id' })),
    el('label', {}, 'Protocol ', el('select', { name: 'protocol' }, el('option', { value: '' }, 'any'),
      PROTOCOLS.map(p => el('option', { value: p, selected: p === filters.protocol }, p)))),
    el('label', {}, 'Status ', el('input', { name: 'status', value: filters.status, size: 8, placeholder: '503, failed' })),
    el('label', {}, 'Min. duration (ms) ', el('input', { name: 'minDurationMs', type: 'number', min: 0, step: 'any',
      value: filters.minDurationMs, size: 6 })),
    el('label', {}, 'Show ', el('select', { name: 'limit' }, LIMITS.map(n =>
      el('option', { value: n, selected: String(n) === limit }, String(n))))),
    el('button', { type: 'submit' }, 'Search'),
    el('button', { type: 'button', onclick: () => setParams({ service: null, protocol: null, status: null,
      minDurationMs: null, limit: null }) }, 'Clear'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const values = Object.fromEntries(['service', 'protocol', 'status', 'minDurationMs', 'limit']
      .map(name => [name, form.elements[name].value.trim()]));
    setParams(values);
  });
  return form;
}

function serviceLink(service) {
  return el('a', { href: serviceHref(service), title: service, onclick: e => e.stopPropagation() }, f.shortName(service, 40));
}

const SHOWN = new Set(['resource', 'operation', 'status', 'error', 'errorDetail', 'side', 'clientService', 'serverService',
  'destination', 'protocol', 'startTime', 'durationMs', 'firstByteMs', 'requestBytes', 'responseBytes', 'connectionId']);

function showDetail(detail, span) {
  const more = Object.entries(span).filter(([name]) => !SHOWN.has(name));
  detail.hidden = false;
  detail.replaceChildren(
    el('h3', {}, `${span.protocol} ${f.text(span.operation)}`),
    el('pre', { class: 'statement', 'data-testid': 'span-resource' }, f.text(span.resource)),
    facts([
      ['Status', `${f.text(span.status)}${span.error ? ' (an error)' : ''}`, 'status'],
      ['Error detail', span.errorDetail ? span.errorDetail : undefined, 'errorDetail'],
      ['Duration (request to last response byte)', f.ms(span.durationMs), 'durationMs'],
      ['Time to first response byte', f.ms(span.firstByteMs), 'firstByteMs'],
      ['Request size', f.bytes(span.requestBytes), 'requestBytes'],
      ['Response size', f.bytes(span.responseBytes), 'responseBytes'],
      ['Client', serviceLink(span.clientService), 'clientService'],
      ['Server', serviceLink(span.serverService), 'serverService'],
      ['Destination', f.text(span.destination), 'destination'],
      ['Seen by', span.side, 'side'],
      ['Connection', f.text(span.connectionId), 'connectionId'],
      ['Started', f.text(span.startTime), 'startTime'],
      ...more.map(([name, value]) => [name, value !== null && typeof value === 'object' ? JSON.stringify(value)
        : f.text(value), name]),
    ]),
    el('button', { type: 'button', onclick: () => { detail.hidden = true; } }, 'Close'));
  detail.scrollIntoView({ block: 'nearest' });
}
