// The time range picker in the header: a preset relative to now ("last 15 minutes", the API's default too) or a
// custom from/to. Its state is the range/from/to parameters of the hash, see route.js.

import { currentRoute, setParams } from './route.js';

const PRESETS = { '5m': 5, '15m': 15, '1h': 60, '6h': 360, '24h': 1440, '7d': 10080 };
const DEFAULT_PRESET = '15m';

/** The range to query, as ISO-8601 UTC strings; a preset ends at the moment this is called. */
export function currentRange() {
  const params = currentRoute().params;
  if (params.has('from') && params.has('to')) {
    return { from: params.get('from'), to: params.get('to') };
  }
  const minutes = PRESETS[params.get('range')] || PRESETS[DEFAULT_PRESET];
  const to = new Date();
  return { from: new Date(to.getTime() - minutes * 60_000).toISOString(), to: to.toISOString() };
}

/** Wires the header form; reload() runs when the user asks for the same range again. */
export function initRangePicker(reload) {
  const form = document.getElementById('range');
  const preset = form.elements.preset;
  const custom = form.querySelector('.custom');

  const show = () => {
    const params = currentRoute().params;
    const isCustom = params.has('from') && params.has('to');
    preset.value = isCustom ? 'custom' : (PRESETS[params.get('range')] ? params.get('range') : DEFAULT_PRESET);
    custom.hidden = !isCustom;
    if (isCustom) {
      form.elements.from.value = toLocalInput(params.get('from'));
      form.elements.to.value = toLocalInput(params.get('to'));
    }
  };

  preset.addEventListener('change', () => {
    if (preset.value === 'custom') {
      const { from, to } = currentRange();
      form.elements.from.value = toLocalInput(from);
      form.elements.to.value = toLocalInput(to);
      custom.hidden = false;
    } else {
      setParams({ range: preset.value, from: null, to: null });
    }
  });
  form.addEventListener('submit', event => {
    event.preventDefault();
    const from = fromLocalInput(form.elements.from.value);
    const to = fromLocalInput(form.elements.to.value);
    if (from && to) {
      setParams({ range: null, from, to });
    }
  });
  form.elements.refresh.addEventListener('click', reload);
  window.addEventListener('hashchange', show);
  show();
}

// datetime-local inputs hold local time without a zone; the API wants UTC.
function toLocalInput(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

function fromLocalInput(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
