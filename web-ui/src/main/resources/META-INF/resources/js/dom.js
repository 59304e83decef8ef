// Building DOM nodes without innerHTML, so that service names, SQL statements and paths from the data are always
// text, never markup.

/** el('a', {href: '#/x', class: 'y'}, 'text', childNode, ...) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? '' : value);
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(node, child);
    } else {
      node.append(child instanceof Node ? child : String(child));
    }
  }
}

/** A table from column titles and rows of cells (each cell text or a node); rows may carry attributes. */
export function table(columns, rows, className = 'grid') {
  return el('table', { class: className },
    el('thead', {}, el('tr', {}, columns.map(c => el('th', {}, c)))),
    el('tbody', {}, rows.map(row => el('tr', row.attrs || {}, row.cells.map(c => el('td', {}, c))))));
}

/** A definition list of [term, value, key] triples, skipping undefined values; key names the figure (data-figure). */
export function facts(pairs) {
  return el('dl', { class: 'facts' }, pairs.filter(([, value]) => value !== undefined)
    .map(([term, value, key]) => [el('dt', {}, term), el('dd', { dataset: key ? { figure: key } : {} }, value)]));
}

/** The message a page shows when the range holds nothing, with what to do about it. */
export function emptyState(title, ...advice) {
  return el('div', { class: 'empty' }, el('h2', {}, title), advice.map(a => el('p', {}, a)));
}
