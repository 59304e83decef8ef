// Turning the series of /api/v1/metrics/l7 and /metrics/tcp into what the charts draw.

/**
 * One series per (client, server, protocol) that counts each request once: the client's view where the client was
 * observed, else the server's (the topology's counting-side rule, which the service map follows too).
 */
export function countingSeries(series) {
  const chosen = new Map();
  for (const s of series) {
    const key = `${s.client}\u0000${s.server}\u0000${s.protocol}`;
    const previous = chosen.get(key);
    if (!previous || (previous.side !== 'client' && s.side === 'client')) {
      chosen.set(key, s);
    }
  }
  return [...chosen.values()];
}

/** The union of the points' times, ascending, in epoch seconds (uPlot's x). */
export function timeAxis(series) {
  const times = new Set();
  for (const s of series) {
    for (const p of s.points || []) {
      times.add(Date.parse(p.time) / 1000);
    }
  }
  return [...times].sort((a, b) => a - b);
}

/** Per time on the axis, the sum over all series of what pick(point) gives; 0 where a series has no point. */
export function sumOver(series, times, pick) {
  const index = new Map(times.map((t, i) => [t, i]));
  const sums = new Array(times.length).fill(0);
  for (const s of series) {
    for (const p of s.points || []) {
      sums[index.get(Date.parse(p.time) / 1000)] += pick(p) || 0;
    }
  }
  return sums;
}

/** One series' values on the axis (null where it has no point or no value). */
export function valuesOf(s, times, pick) {
  const values = new Array(times.length).fill(null);
  const index = new Map(times.map((t, i) => [t, i]));
  for (const p of s.points || []) {
    const v = pick(p);
    values[index.get(Date.parse(p.time) / 1000)] = v === undefined ? null : v;
  }
  return values;
}

/** Per time, the mean of the non-null values pick(point) of all series (null when none has one). */
export function meanOver(series, times, pick) {
  const sums = sumOver(series, times, p => (pick(p) === null || pick(p) === undefined ? 0 : pick(p)));
  const counts = sumOver(series, times, p => (pick(p) === null || pick(p) === undefined ? 0 : 1));
  return sums.map((sum, i) => (counts[i] === 0 ? null : sum / counts[i]));
}

/** The statuses seen in the points' byStatus, most frequent first. */
export function statuses(series) {
  const totals = new Map();
  for (const s of series) {
    for (const p of s.points || []) {
      for (const [status, n] of Object.entries(p.byStatus || {})) {
        totals.set(status, (totals.get(status) || 0) + n);
      }
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([status]) => status);
}

/** The total of pick(point) over a series. */
export function total(s, pick) {
  return (s.points || []).reduce((sum, p) => sum + (pick(p) || 0), 0);
}

/** Seconds in an ISO-8601 duration such as PT1M, PT30S or PT1H30M (what the API answers as "step"). */
export function stepSeconds(step) {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(step || '');
  if (!match) {
    return null;
  }
  const [, d = 0, h = 0, m = 0, s = 0] = match;
  const seconds = Number(d) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
  return seconds > 0 ? seconds : null;
}
