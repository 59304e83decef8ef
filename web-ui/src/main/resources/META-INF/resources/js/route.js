// The page and its parameters live in the URL's hash (#/service/<id>?range=1h&...), so every view, filter and time
// range can be bookmarked, shared and reloaded; the time range travels along with every link.

const RANGE_PARAMS = ['range', 'from', 'to'];

/** The current route: its path segments (decoded) and its query parameters. */
export function currentRoute() {
  const hash = window.location.hash.replace(/^#/, '') || '/map';
  const [path, query = ''] = hash.split('?', 2);
  const segments = path.split('/').filter(s => s !== '').map(decodeSegment);
  return { segments, params: new URLSearchParams(query) };
}

// A hand-edited address may hold a lone '%': the segment is then taken as it is rather than failing the page.
function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch (e) {
    return segment;
  }
}

/** A hash link to a page, carrying the current time range and the given parameters. */
export function href(segments, params = {}) {
  const query = new URLSearchParams();
  const current = currentRoute().params;
  for (const name of RANGE_PARAMS) {
    if (current.has(name)) {
      query.set(name, current.get(name));
    }
  }
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      query.set(name, value);
    } else {
      query.delete(name);
    }
  }
  const path = segments.map(encodeURIComponent).join('/');
  const text = query.toString();
  return `#/${path}${text ? '?' + text : ''}`;
}

/** Goes to the current page with some parameters changed (empty values removed). */
export function setParams(params) {
  window.location.hash = href(currentRoute().segments, params);
}

/** A link to a service's page. */
export function serviceHref(service) {
  return href(['service', service]);
}
