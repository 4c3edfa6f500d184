// api.js — the widget's client of the customer API (/api/widget/v1 on the desk's origin).
// The token lives in localStorage and travels only in X-Customer-Token: never in a URL or a cookie.

import { tx } from './i18n.js';

let base = '';
let storageKey = '';
let saved = { token: null, customer: '', seen: '' };

export class WidgetError extends Error {
  constructor(o = {}) {
    super(o.detail || o.title || (o.network ? 'network' : `HTTP ${o.status}`));
    Object.assign(this, { status: 0, title: '', detail: '', errors: [], retryAfter: null, network: false }, o);
  }
}

/** Points the client at `origin` for inbox `inboxId`, and reads what was saved. */
export function configure(origin, inboxId, customer = '') {
  base = `${origin}/api/widget/v1`;
  storageKey = `switchboard.widget.${inboxId}`;
  saved = read();
  // A token made for another signed-in customer (or one since signed out) is not this visitor's.
  if (saved.token && (saved.customer || '') !== (customer || '')) forget();
  saved.customer = customer || '';
}

function read() {
  try {
    const value = JSON.parse(localStorage.getItem(storageKey) || '{}');
    return { token: typeof value.token === 'string' ? value.token : null, customer: value.customer || '', seen: value.seen || '' };
  } catch {
    return { token: null, customer: '', seen: '' };
  }
}

function write() {
  try {
    if (saved.token) localStorage.setItem(storageKey, JSON.stringify(saved));
    else localStorage.removeItem(storageKey);
  } catch {
    /* storage disabled: the conversation lasts as long as the page */
  }
}

export const key = () => storageKey;
export const token = () => saved.token;
/** When the customer last saw the conversation (an RFC 3339 time, or ''). */
export const seen = () => saved.seen;

export function keep(newToken, customer = saved.customer) {
  saved = { token: newToken, customer, seen: saved.seen || new Date().toISOString() };
  write();
}

export function markSeen(at) {
  if (!saved.token || !at || (saved.seen && new Date(saved.seen) >= new Date(at))) return;
  saved.seen = at;
  write();
}

export function forget() {
  saved = { token: null, customer: saved.customer, seen: '' };
  write();
}

/** Re-reads storage after another tab wrote it; true when the token changed. */
export function reread() {
  const before = saved.token;
  const now = read();
  saved = { ...now, customer: saved.customer };
  return before !== saved.token;
}

function headers(extra = {}) {
  const h = { Accept: 'application/json, application/problem+json', ...extra };
  if (saved.token) h['X-Customer-Token'] = saved.token;
  return h;
}

async function problem(response) {
  let p = {};
  try {
    p = await response.json();
  } catch {
    /* not JSON */
  }
  const wait = response.headers.get('Retry-After');
  return new WidgetError({
    status: response.status,
    title: typeof p.title === 'string' ? p.title : '',
    detail: typeof p.detail === 'string' ? p.detail : '',
    errors: Array.isArray(p.errors) ? p.errors : [],
    retryAfter: wait && /^\d+$/.test(wait.trim()) ? Number(wait) : null,
  });
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(base + path, { credentials: 'omit', cache: 'no-store', ...init });
  } catch {
    throw new WidgetError({ network: true });
  }
  if (!response.ok) throw await problem(response);
  return response;
}

/** Calls the API with a JSON body (when given); resolves to the JSON answer or null. */
export async function call(method, path, body) {
  const init = { method, headers: headers() };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await send(path, init);
  const text = response.status === 204 ? '' : await response.text();
  return text ? JSON.parse(text) : null;
}

/** Uploads a file (multipart, part `file`); resolves to the WidgetAttachment. */
export async function upload(file) {
  const form = new FormData();
  form.append('file', file, file.name || 'file');
  const response = await send('/attachments', { method: 'POST', headers: headers(), body: form });
  return response.json();
}

/** An attachment's bytes (the token is a header, so an <img src> could not fetch them). */
export async function blob(id) {
  const response = await send(`/attachments/${encodeURIComponent(id)}`, { headers: headers({ Accept: '*/*' }) });
  return response.blob();
}

/** The URL and headers of the event stream. */
export function eventsUrl() {
  return `${base}/events`;
}
export function authHeaders() {
  return saved.token ? { 'X-Customer-Token': saved.token } : {};
}

/** The words to show for an error: the server's own, or ours for a lost connection. */
export function describe(err) {
  if (!err || err.network || !err.status) return tx('error.network');
  let text = err.detail || err.title || tx('error.generic');
  if (err.status === 429 && err.retryAfter != null) text = `${text} ${tx('error.retry_after', { count: err.retryAfter })}`;
  return text;
}

/** The message the server gave for one field of a 422, if any. */
export function fieldError(err, field) {
  return err?.errors?.find((e) => e.field === field || e.field?.endsWith(`.${field}`))?.message || '';
}
