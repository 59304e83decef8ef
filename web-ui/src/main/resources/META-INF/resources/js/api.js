// The one way the pages talk to the query API: JSON over GET, and every failure turned into an ApiError whose
// message says which request failed and what the API answered, so the page can show it as it is.

export class ApiError extends Error {
  constructor(message, status, parameter) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.parameter = parameter;
  }
}

/** GET path with the non-empty params as a query; resolves to the parsed JSON body. */
export async function getJson(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(name, value);
    }
  }
  const shown = url.pathname + url.search;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(`The query API could not be reached (GET ${shown}): ${e.message}. Is it running?`, 0);
  }
  const text = await response.text();
  if (!response.ok) {
    let body = null;
    try {
      body = JSON.parse(text);
    } catch (ignored) {
      // not JSON: the text itself is shown below
    }
    const detail = body && body.error ? body.error : (text.trim().slice(0, 300) || response.statusText);
    const parameter = body && body.parameter ? ` (parameter "${body.parameter}")` : '';
    throw new ApiError(`GET ${shown} failed with ${response.status}: ${detail}${parameter}`, response.status,
      body && body.parameter);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(`GET ${shown} answered ${response.status} with something that is not JSON: ${e.message}`,
      response.status);
  }
}

/** A service id as one path segment (ids contain slashes). */
export function servicePath(service) {
  return `/api/v1/services/${encodeURIComponent(service)}`;
}
