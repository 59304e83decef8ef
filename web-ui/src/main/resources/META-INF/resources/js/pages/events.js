// Events of services: OOM kills, crashes, restarts and exits with an error, newest first, each linked to its service.

import { getJson } from '../api.js';
import { currentRange } from '../range.js';
import { setParams, serviceHref } from '../route.js';
import { el, emptyState, table } from '../dom.js';
import * as f from '../format.js';

const TYPES = { oom_kill: 'OOM kill', crash: 'crash', restart: 'restart', exit_error: 'exit with error' };

export async function render(main, route, ui) {
  const type = route.params.get('type') || '';
  const service = route.params.get('service') || '';
  main.append(filterForm(type, service));
  const body = await getJson('/api/v1/events', { ...currentRange(), type, service });
  if (!ui.current()) {
    return;
  }
  const items = body.items || [];
  if (items.length === 0) {
    main.append(emptyState('No events in this time range',
      'No OOM kills, crashes, restarts or exits with an error were seen' + (type || service ? ' that match.' : '.'),
      'Events come from the collector watching processes: if it is not running, start the collector (bin/run-local).'));
    return;
  }
  main.append(el('p', { class: 'summary' }, `${items.length} events, newest first`), eventsTable(items));
}

/** The events table, also on the service page. */
export function eventsTable(items) {
  if (items.length === 0) {
    return el('p', { class: 'muted' }, 'No OOM kills, crashes, restarts or exits with an error in this time range.');
  }
  return table(['time', 'event', 'service', 'node', 'pid', 'process', 'exit code', 'signal', 'detail'],
    items.map(e => ({
      attrs: { dataset: { event: e.type } },
      cells: [f.time(e.time), el('span', { class: `badge event ${e.type}` }, TYPES[e.type] || e.type),
        el('a', { href: serviceHref(e.service), title: e.service }, f.shortName(e.service, 50)), f.text(e.node),
        f.text(e.pid), f.text(e.comm), f.text(e.exitCode), f.text(e.signal), f.text(e.detail)],
    })), 'grid events');
}

function filterForm(type, service) {
  const form = el('form', { class: 'filters', 'aria-label': 'Event filters' },
    el('label', {}, 'Event ', el('select', { name: 'type' }, el('option', { value: '' }, 'any'),
      Object.entries(TYPES).map(([value, label]) => el('option', { value, selected: value === type }, label)))),
    el('label', {}, 'Service ', el('input', { name: 'service', value: service, size: 30, placeholder: 'exact id' })),
    el('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    setParams({ type: form.elements.type.value, service: form.elements.service.value.trim() });
  });
  return form;
}
