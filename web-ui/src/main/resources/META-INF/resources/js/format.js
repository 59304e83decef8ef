// How figures read on every page. A missing figure (no requests, so no latency) shows as "–", never as 0.

const DASH = '–';

export function count(value) {
  return value === undefined || value === null ? DASH : Number(value).toLocaleString('en-US');
}

export function rate(perSecond) {
  if (perSecond === undefined || perSecond === null) {
    return DASH;
  }
  if (perSecond === 0) {
    return '0/s';
  }
  return `${perSecond >= 10 ? perSecond.toFixed(0) : perSecond >= 0.1 ? perSecond.toFixed(2) : perSecond.toFixed(3)}/s`;
}

export function percent(ratio) {
  if (ratio === undefined || ratio === null) {
    return DASH;
  }
  const value = ratio * 100;
  return `${value === 0 || value >= 10 ? value.toFixed(0) : value.toFixed(1)}%`;
}

export function ms(value) {
  if (value === undefined || value === null) {
    return DASH;
  }
  if (value >= 1000) {
    return `${(value / 1000).toFixed(2)} s`;
  }
  return `${value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(2)} ms`;
}

export function bytes(value) {
  if (value === undefined || value === null) {
    return DASH;
  }
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let scaled = Number(value);
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit]}`;
}

/** An ISO time as local date and time to the second (the API's nanoseconds are kept in the detail views). */
export function time(iso) {
  if (!iso) {
    return DASH;
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('sv-SE');
}

export function text(value) {
  return value === undefined || value === null || value === '' ? DASH : String(value);
}

/** Long ids (container ids, Kubernetes names) shortened in the middle for labels; the full id stays in titles. */
export function shortName(name, max = 40) {
  if (!name || name.length <= max) {
    return name;
  }
  const keep = Math.floor((max - 1) / 2);
  return `${name.slice(0, keep)}…${name.slice(name.length - keep)}`;
}
