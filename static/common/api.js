// api.js — the tiny client every Switchboard page uses to speak the REST API.
//
// `api(method, path, body)` sends JSON with the bearer token from localStorage,
// returns the parsed JSON body (or null for 204 No Content) and, on any non-2xx
// answer, throws an ApiError carrying the problem+json fields (RFC 9457):
// `status`, `title`, `detail`, `errors`, plus `retryAfter` (seconds) when the
// server sent a Retry-After header. A network failure throws an ApiError with
// `status` 0 and `network` true so pages can show a translated message.

export const TOKEN_KEY = 'switchboard.token';

/** English fallback for a request that never reached the server. */
export const NETWORK_MESSAGE = 'Could not reach the server. Check your connection and try again.';

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token) {
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    /* storage disabled: the session lasts as long as the page */
  }
}

export function clearToken() {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* nothing to clear */
  }
}

/** An error answer from the API, shaped like application/problem+json. */
export class ApiError extends Error {
  constructor({ status = 0, type = '', title = '', detail = '', errors = [], retryAfter = null, network = false } = {}) {
    super(detail || title || (network ? NETWORK_MESSAGE : `HTTP ${status}`));
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
    this.retryAfter = retryAfter;
    this.network = network;
  }
}

function parseRetryAfter(value) {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const when = Date.parse(text); // the HTTP-date form
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

/** GETs started before the page's code had loaded, by path, with when they started. */
const early = new Map();
/** How long a prefetched answer may wait for the page to ask for it. */
const EARLY_MS = 10000;

/**
 * Starts GETs of `paths` now (a page's boot script, while the rest of its code still loads);
 * the first `api('GET', path)` for each takes that answer instead of asking again.
 */
export function prefetch(paths) {
  if (!getToken()) return;
  for (const path of paths) {
    const answer = send('GET', path);
    answer.catch(() => {}); // an unused failure is not an unhandled one
    early.set(path, { answer, at: Date.now() });
  }
}

/**
 * Call the API. `body`, when given, is sent as JSON.
 * Resolves to the parsed JSON answer, or null when there is none (204).
 */
export function api(method, path, body) {
  const got = method === 'GET' && early.get(path);
  if (got) {
    early.delete(path);
    if (Date.now() - got.at < EARLY_MS) return got.answer;
  }
  return send(method, path, body);
}

async function send(method, path, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError({ network: true, detail: NETWORK_MESSAGE });
  }

  let data = null;
  if (response.status !== 204) {
    const text = await response.text().catch(() => '');
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (response.ok) return data;

  const problem = data && typeof data === 'object' ? data : {};
  throw new ApiError({
    status: response.status,
    type: typeof problem.type === 'string' ? problem.type : '',
    title: typeof problem.title === 'string' ? problem.title : response.statusText,
    detail: typeof problem.detail === 'string' ? problem.detail : '',
    errors: Array.isArray(problem.errors) ? problem.errors : [],
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
  });
}
