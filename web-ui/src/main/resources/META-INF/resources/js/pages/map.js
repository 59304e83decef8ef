// The service map: services as nodes, client → server edges with their figures. Cytoscape.js lays out and draws the
// graph. At a thousand services a full graph is unreadable and slow to lay out, so the map shows the busiest services
// (by requests in and out, "top N"), or the services whose name matches the filter box with their neighbours.

import cytoscape from '../../vendor/cytoscape.esm.min.js';
import { getJson, servicePath } from '../api.js';
import { currentRange } from '../range.js';
import { href, serviceHref } from '../route.js';
import { el, emptyState, facts, table } from '../dom.js';
import { directionsTable } from '../figures.js';
import * as f from '../format.js';

const TOP_CHOICES = [25, 50, 100, 200, 500];
const DEFAULT_TOP = 50;
const MAX_TABLE_ROWS = 100;
/** An edge with at least this error rate is drawn red. */
const ERROR_RATE_ALERT = 0.05;
/** With more edges drawn than this, edge labels show only under the pointer or when selected: they would overlap. */
const MAX_LABELLED_EDGES = 15;

let current = null;

/** Called when another page replaces this one: the graph's listeners and renderer go with it. */
export function leave() {
  if (current) {
    current.destroy();
    current = null;
    window.tapwire = undefined;
  }
}

export async function render(main, route, ui) {
  const range = currentRange();
  const map = await getJson('/api/v1/service-map', range);
  if (!ui.current()) {
    return;
  }
  const nodes = map.nodes || [];
  const edges = map.edges || [];
  if (nodes.length === 0) {
    main.append(emptyState('No services seen in this time range',
      `Nothing was observed between ${f.time(range.from)} and ${f.time(range.to)}.`,
      'Start the collector (bin/run-local starts the whole stack with it) and generate some traffic between ' +
      'your services, for example curl against a local web server; then press Refresh.',
      'Or pick a longer time range above.'));
    return;
  }

  const traffic = trafficByService(edges);
  const state = {
    filter: route.params.get('filter') || '',
    top: TOP_CHOICES.includes(Number(route.params.get('top'))) ? Number(route.params.get('top')) : DEFAULT_TOP,
  };

  const summary = el('span', { class: 'summary', 'data-testid': 'map-summary' });
  const filterBox = el('input', { type: 'search', placeholder: 'Filter services by name', value: state.filter,
    'aria-label': 'Filter services by name' });
  const topSelect = el('select', { 'aria-label': 'How many services to show' },
    TOP_CHOICES.map(n => el('option', { value: n, selected: n === state.top }, `top ${n}`)));
  const graph = el('div', { class: 'graph', id: 'map-graph' });
  const panel = el('aside', { class: 'figures', 'data-testid': 'figures' });
  const edgeTable = el('div', { class: 'edge-table' });
  main.append(
    el('div', { class: 'toolbar' }, filterBox, topSelect, summary,
      el('span', { class: 'legend' }, el('span', { class: 'dot internal' }), 'service ',
        el('span', { class: 'dot external' }, ''), 'external service ', el('span', { class: 'line alert' }),
        ` error rate ≥ ${f.percent(ERROR_RATE_ALERT)}`)),
    el('div', { class: 'map-body' }, graph, panel),
    el('h2', {}, 'Edges'), edgeTable);
  showHint(panel);

  const cy = cytoscape({
    container: graph,
    style: STYLE,
    minZoom: 0.05,
    maxZoom: 4,
  });
  // The browser tests reach the graph through this to find where an edge is drawn.
  window.tapwire = { map: cy };
  current = cy;

  const byId = new Map(nodes.map(n => [n.id, n]));
  const select = edge => {
    cy.elements().unselect();
    cy.getElementById(edge.key).select();
    showEdge(panel, edge);
  };
  cy.on('tap', 'node', event => showNode(panel, byId.get(event.target.id()), edges, range, ui));
  cy.on('tap', 'edge', event => showEdge(panel, event.target.data('edge')));
  cy.on('mouseover', 'edge', event => event.target.addClass('hover'));
  cy.on('mouseout', 'edge', event => event.target.removeClass('hover'));
  cy.on('tap', event => {
    if (event.target === cy) {
      showHint(panel);
    }
  });

  const draw = () => {
    const shown = chooseServices(nodes, edges, traffic, state);
    const shownIds = new Set(shown.map(n => n.id));
    const shownEdges = edges.filter(e => shownIds.has(e.client) && shownIds.has(e.server));
    cy.batch(() => {
      cy.elements().remove();
      cy.add(shown.map(nodeElement));
      cy.add(shownEdges.map(edgeElement));
      if (shownEdges.length > MAX_LABELLED_EDGES) {
        cy.edges().addClass('quiet');
      }
    });
    // Clients to the left of their servers: calls read left to right and edge labels stay horizontal.
    // breadthfirst stacks levels top to bottom: it lays out in a box of swapped sides, then x and y are swapped.
    // The box leaves room for the labels of the outer nodes, so fitting the graph keeps the labels readable.
    cy.layout({ name: 'breadthfirst', directed: true, animate: false, fit: false, spacingFactor: 1,
      boundingBox: { x1: 0, y1: 0, w: Math.max(200, cy.height() - 80), h: Math.max(300, cy.width() - 320) },
      transform: (node, position) => ({ x: position.y, y: position.x }) }).run();
    cy.fit(cy.nodes(), 50);
    if (cy.zoom() > 1.5) {
      cy.zoom(1.5);
      cy.center();
    }
    summary.textContent = `${shown.length} of ${nodes.length} services, ${shownEdges.length} of ${edges.length} edges` +
      (state.filter ? ` (matching "${state.filter}" and their neighbours)`
        : ' (the busiest by requests; services without a connection in this range only through the filter)');
    edgeTable.replaceChildren(edgesTable(shownEdges, select));
    history.replaceState(null, '', href(['map'], { filter: state.filter, top: state.top === DEFAULT_TOP ? '' : state.top }));
  };
  filterBox.addEventListener('input', () => {
    state.filter = filterBox.value.trim();
    draw();
  });
  topSelect.addEventListener('change', () => {
    state.top = Number(topSelect.value);
    draw();
  });
  draw();
}

function trafficByService(edges) {
  const traffic = new Map();
  for (const edge of edges) {
    traffic.set(edge.client, (traffic.get(edge.client) || 0) + (edge.requests || 0));
    traffic.set(edge.server, (traffic.get(edge.server) || 0) + (edge.requests || 0));
  }
  return traffic;
}

/**
 * The services to draw: the top N by traffic among those with a connection in the range (on a real node most processes
 * talk to nobody, and a column of unconnected dots hides the graph; the filter still finds them), or all when none has
 * one; or those matching the filter first and then their neighbours.
 */
function chooseServices(nodes, edges, traffic, state) {
  const busiestFirst = (a, b) => (traffic.get(b.id) || 0) - (traffic.get(a.id) || 0) || a.id.localeCompare(b.id);
  const needle = state.filter.toLowerCase();
  if (!needle) {
    const connected = nodes.filter(n => traffic.has(n.id));
    return (connected.length ? connected : [...nodes]).sort(busiestFirst).slice(0, state.top);
  }
  const matching = nodes.filter(n => n.id.toLowerCase().includes(needle)).sort(busiestFirst);
  const matchingIds = new Set(matching.map(n => n.id));
  const neighbourIds = new Set();
  for (const edge of edges) {
    if (matchingIds.has(edge.client)) {
      neighbourIds.add(edge.server);
    }
    if (matchingIds.has(edge.server)) {
      neighbourIds.add(edge.client);
    }
  }
  const neighbours = nodes.filter(n => neighbourIds.has(n.id) && !matchingIds.has(n.id)).sort(busiestFirst);
  return [...matching, ...neighbours].slice(0, state.top);
}

function nodeElement(node) {
  const label = f.shortName(node.id, 36) + (node.external ? '\n(external)' : '');
  return { group: 'nodes', data: { id: node.id, label }, classes: node.external ? 'external' : (node.kind || '') };
}

function edgeElement(edge) {
  edge.key = `${edge.client}\u0000${edge.server}`;
  const label = `${(edge.protocols || []).join(', ')}  ${f.rate(edge.requestsPerSecond)}  ` +
    `${f.percent(edge.errorRate)} err  p99 ${f.ms(edge.latencyMs && edge.latencyMs.p99)}`;
  const width = 1 + Math.min(7, Math.log10(1 + (edge.requests || 0)));
  return {
    group: 'edges',
    data: { id: edge.key, source: edge.client, target: edge.server, label, width, edge },
    classes: edge.errorRate >= ERROR_RATE_ALERT ? 'alert' : '',
  };
}

function edgesTable(edges, select) {
  if (edges.length === 0) {
    return el('p', { class: 'muted' }, 'No requests between the services shown in this time range: generate some ' +
      'traffic between them, or pick a longer time range.');
  }
  const rows = [...edges].sort((a, b) => (b.requests || 0) - (a.requests || 0)).slice(0, MAX_TABLE_ROWS)
    .map(edge => ({
      attrs: { class: edge.errorRate >= ERROR_RATE_ALERT ? 'clickable alert' : 'clickable', onclick: () => select(edge),
        title: 'Show the figures of this edge' },
      cells: [serviceLink(edge.client), serviceLink(edge.server), (edge.protocols || []).join(', '),
        f.count(edge.requests), f.rate(edge.requestsPerSecond), f.count(edge.errors), f.percent(edge.errorRate),
        f.ms(edge.latencyMs && edge.latencyMs.p99)],
    }));
  return table(['client', 'server', 'protocols', 'requests', 'rate', 'errors', 'error rate', 'p99'], rows);
}

function serviceLink(service) {
  return el('a', { href: serviceHref(service), title: service, onclick: e => e.stopPropagation() }, f.shortName(service, 48));
}

function showHint(panel) {
  panel.dataset.kind = 'none';
  panel.replaceChildren(el('p', { class: 'muted' },
    'Click a service or an edge to see its figures. Drag to pan, scroll to zoom.'));
}

function showEdge(panel, edge) {
  const latency = edge.latencyMs || {};
  const tcp = edge.tcp || {};
  panel.dataset.kind = 'edge';
  panel.replaceChildren(
    el('h3', {}, 'Edge'),
    el('p', { class: 'edge-ends' }, serviceLink(edge.client), ' → ', serviceLink(edge.server)),
    facts([
      ['Protocols', (edge.protocols || []).join(', ') || '–', 'protocols'],
      ['Requests', f.count(edge.requests), 'requests'],
      ['Rate', f.rate(edge.requestsPerSecond), 'rate'],
      ['Errors', f.count(edge.errors), 'errors'],
      ['Error rate', f.percent(edge.errorRate), 'errorRate'],
      ['Latency p50', f.ms(latency.p50), 'p50'],
      ['Latency p95', f.ms(latency.p95), 'p95'],
      ['Latency p99', f.ms(latency.p99), 'p99'],
    ]),
    el('h4', {}, 'TCP'),
    facts([
      ['Connects', f.count(tcp.connects), 'connects'],
      ['Failed connects', f.count(tcp.failedConnects), 'failedConnects'],
      ['Retransmits', f.count(tcp.retransmits), 'retransmits'],
      ['Active connections', f.count(tcp.activeConnections), 'activeConnections'],
      ['RTT', f.ms(tcp.rttMs), 'rtt'],
    ]),
    el('p', {}, el('a', { href: href(['spans'], { service: edge.client, protocol: singleProtocol(edge) }) },
      'Spans of the client')));
}

/** A protocol filter for the span list only when the edge has one L7 protocol ("tcp" is not one). */
function singleProtocol(edge) {
  const l7 = (edge.protocols || []).filter(p => p !== 'tcp');
  return l7.length === 1 ? l7[0] : '';
}

async function showNode(panel, node, edges, range, ui) {
  panel.dataset.kind = 'service';
  const details = el('div', { class: 'loading' }, 'Loading its figures…');
  panel.replaceChildren(
    el('h3', { title: node.id }, f.shortName(node.id, 60)),
    facts([
      ['Kind', node.external ? 'external service (no observed process)' : f.text(node.kind), 'kind'],
      ['Clients', String(edges.filter(e => e.server === node.id).length), 'clients'],
      ['Servers it calls', String(edges.filter(e => e.client === node.id).length), 'servers'],
    ]),
    details,
    el('p', {}, el('a', { href: serviceHref(node.id) }, 'Open the service page'), ' · ',
      el('a', { href: href(['spans'], { service: node.id }) }, 'Spans'), ' · ',
      el('a', { href: href(['events'], { service: node.id }) }, 'Events')));
  try {
    const service = await getJson(servicePath(node.id), range);
    if (panel.dataset.kind === 'service' && panel.contains(details)) {
      details.replaceWith(directionsTable(service));
    }
  } catch (error) {
    details.replaceWith(el('p', { class: 'error-inline' }, error.message));
    ui.report(error);
  }
}

const STYLE = [
  { selector: 'node', style: {
    label: 'data(label)', 'text-valign': 'bottom', 'text-margin-y': 4, 'text-wrap': 'wrap', 'text-max-width': 260,
    'font-size': 11, color: '#1f2933', width: 26, height: 26, 'background-color': '#3b82f6',
    'border-width': 1, 'border-color': '#1e40af', 'min-zoomed-font-size': 6,
  } },
  { selector: 'node.kubernetes', style: { 'background-color': '#6366f1' } },
  { selector: 'node.container', style: { 'background-color': '#0ea5e9' } },
  { selector: 'node.systemd', style: { 'background-color': '#10b981' } },
  { selector: 'node.host', style: { 'background-color': '#3b82f6' } },
  { selector: 'node.external', style: {
    shape: 'round-rectangle', 'background-color': '#f8fafc', 'border-style': 'dashed', 'border-width': 2,
    'border-color': '#64748b', color: '#475569',
  } },
  { selector: 'edge', style: {
    width: 'data(width)', 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.9,
    'line-color': '#94a3b8', 'target-arrow-color': '#94a3b8', label: 'data(label)', 'font-size': 9,
    'text-rotation': 'autorotate', 'text-background-color': '#ffffff', 'text-background-opacity': 0.85,
    'text-background-padding': 1, color: '#334155', 'min-zoomed-font-size': 7,
  } },
  { selector: 'edge.alert', style: { 'line-color': '#dc2626', 'target-arrow-color': '#dc2626', color: '#b91c1c' } },
  { selector: 'edge.quiet', style: { 'text-opacity': 0, 'text-background-opacity': 0 } },
  { selector: 'edge.quiet.hover, edge.quiet:selected', style: { 'text-opacity': 1, 'text-background-opacity': 0.85, 'z-index': 10 } },
  { selector: ':selected', style: { 'overlay-color': '#f59e0b', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
];
