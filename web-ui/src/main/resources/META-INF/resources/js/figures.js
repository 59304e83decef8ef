// Tables of figures shown on more than one page.

import { table } from './dom.js';
import * as f from './format.js';

/** Inbound and outbound RED of a service (an item of /api/v1/services), one row each. */
export function directionsTable(service) {
  const row = (name, d = {}) => ({
    attrs: { dataset: { direction: name } },
    cells: [name, f.count(d.requests), f.rate(d.requestsPerSecond), f.count(d.errors), f.percent(d.errorRate),
      f.ms(d.latencyMs && d.latencyMs.p50), f.ms(d.latencyMs && d.latencyMs.p95), f.ms(d.latencyMs && d.latencyMs.p99)],
  });
  return table(['', 'requests', 'rate', 'errors', 'error rate', 'p50', 'p95', 'p99'],
    [row('inbound', service.inbound || {}), row('outbound', service.outbound || {})], 'grid compact');
}
