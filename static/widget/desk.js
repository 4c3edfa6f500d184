// desk.js — the widget's side of the desk: the customer API client (/api/widget/v1; the token
// lives in localStorage and travels only in X-Customer-Token, never in a URL or a cookie), what the
// customer does (start, write, send files, fill a form, read older messages, rate), and the desk's
// live events, read from a `text/event-stream` with fetch (EventSource cannot send the header).

import * as s from './store.js';
import { batch } from './store.js';
import { merge, tx, bytes, currentLang } from './text.js';

// ---- the customer API ----

let base = '';
let storageKey = '';
let saved = { token: null, customer: '', seen: '' };

/** Points the client at `origin` for inbox `inboxId`, and reads what was saved. */
export function configure(origin, inboxId, customer = '') {
  base = `${origin}/api/widget/v1`;
  storageKey = `switchboard.widget.${inboxId}`;
  saved = read();
  // A token made for another signed-in customer (or one since signed out) is not this visitor's.
  if (saved.token && saved.customer !== customer) forget();
  saved.customer = customer;
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

/** The localStorage key of the saved session (another tab may change it). */
export const tokenKey = () => storageKey;
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
  saved = { ...read(), customer: saved.customer };
  return before !== saved.token;
}

const authHeaders = () => (saved.token ? { 'X-Customer-Token': saved.token } : {});

/**
 * Calls the API; resolves to the response, or throws an Error with the problem's `status` (0
 * when the desk could not be reached), `title`, `detail`, `errors` and `retryAfter` (seconds).
 */
async function request(path, init = {}) {
  let response;
  try {
    response = await fetch(base + path, {
      credentials: 'omit',
      cache: 'no-store',
      ...init,
      headers: { Accept: 'application/json, application/problem+json', ...authHeaders(), ...init.headers },
    });
  } catch {
    throw Object.assign(new Error('network'), { status: 0 });
  }
  if (response.ok) return response;
  const p = (await response.json().catch(() => null)) || {};
  const wait = response.headers.get('Retry-After');
  const problem = {
    status: response.status,
    title: typeof p.title === 'string' ? p.title : '',
    detail: typeof p.detail === 'string' ? p.detail : '',
    errors: Array.isArray(p.errors) ? p.errors : [],
    retryAfter: wait && /^\d+$/.test(wait.trim()) ? Number(wait) : null,
  };
  throw Object.assign(new Error(problem.detail || problem.title || `HTTP ${problem.status}`), problem);
}

/** Calls the API with a JSON body (when given); resolves to the JSON answer or null. */
export async function call(method, path, body) {
  const init = { method };
  if (body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await request(path, init);
  const text = response.status === 204 ? '' : await response.text();
  return text ? JSON.parse(text) : null;
}

/** Uploads a file (multipart, part `file`); resolves to the WidgetAttachment. */
async function upload(file) {
  const form = new FormData();
  form.append('file', file, file.name || 'file');
  return (await request('/attachments', { method: 'POST', body: form })).json();
}

/** An attachment's bytes. */
export async function blob(id) {
  return (await request(`/attachments/${encodeURIComponent(id)}`, { headers: { Accept: '*/*' } })).blob();
}

/** The words to show for an error: the server's own, or ours for a lost connection. */
export function describe(err) {
  if (!err?.status) return tx('error.network');
  let text = err.detail || err.title || tx('error.generic');
  if (err.status === 429 && err.retryAfter != null) text = `${text} ${tx('error.retry_after', { count: err.retryAfter })}`;
  return text;
}

/** The message the server gave for one field of a 422, if any. */
function fieldError(err, field) {
  return err?.errors?.find((e) => e.field === field || e.field?.endsWith(`.${field}`))?.message || '';
}

// ---- what the customer does ----

const PAGE = 50;

/** Shows `state` (WidgetState), loading the conversation's latest messages. */
async function adopt(state) {
  const c = state.conversation || null;
  let page = { items: [] };
  if (c) page = await call('GET', `/conversations/${c.id}/messages?limit=${PAGE}`);
  batch(() => {
    s.hasSession.value = true;
    s.conversation.value = c;
    s.messages.value = page.items || [];
    s.older.value = page.next_cursor || null;
  });
}

/** The inbox's settings, read again on each opening (availability changes). */
export async function refreshInbox() {
  s.inbox.value = await call('GET', `/inboxes/${encodeURIComponent(s.config.inboxId)}`);
}

let starting = null;
/** Loads the saved session, or makes one for a signed-in customer; one run at a time. */
export function start() {
  starting ??= run().finally(() => {
    starting = null;
  });
  return starting;
}

async function run() {
  try {
    if (!s.inbox.value) await refreshInbox();
    if (token()) {
      try {
        await adopt(await call('GET', '/session'));
      } catch (err) {
        if (err.status !== 401) throw err;
        forget(); // revoked or unknown: start over as a new visitor
      }
    }
    if (!token() && s.config.customerId) await newSession({});
    if (token()) connect();
    s.seenAt.value = seen() ? new Date(seen()).getTime() : Date.now();
    s.phase.value = 'ready';
  } catch (err) {
    // A refused signature stops here: no anonymous session instead of the signed-in one.
    const identity = err.status === 422;
    if (identity) console.warn('Switchboard widget: the customer signature was refused:', err.detail);
    batch(() => {
      s.fatal.value = identity ? tx('error.identity') : describe(err);
      s.fatalDetail.value = identity ? fieldError(err, 'customer_signature') || err.detail : '';
      s.phase.value = 'fatal';
    });
  }
}

/** POST /sessions with the form's fields and the host's signed identity, if any. */
async function newSession(fields) {
  const body = { inbox_id: s.config.inboxId, ...fields };
  if (s.config.customerId) {
    body.customer_id = s.config.customerId;
    body.customer_signature = s.config.customerSignature;
  }
  const made = await call('POST', '/sessions', body);
  keep(made.token, s.config.customerId);
  disconnect();
  await adopt(made.state);
  s.seenAt.value = Date.now();
  connect();
}

let making = null;
/** Makes a session (no pre-chat fields) unless there is one: for the first message or file. */
function ensureSession() {
  if (token()) return Promise.resolve();
  making ??= newSession({}).finally(() => {
    making = null;
  });
  return making;
}

/** The session was revoked: start over as a new visitor. */
function sessionEnded() {
  forget();
  batch(() => {
    s.hasSession.value = false;
    s.conversation.value = null;
    s.messages.value = [];
    s.older.value = null;
  });
}

/** Reloads the session and its messages (another tab started a conversation; a resume gap). */
export async function reload() {
  if (!token()) return sessionEnded();
  try {
    await adopt(await call('GET', '/session'));
  } catch (err) {
    if (err.status === 401) sessionEnded();
  }
}

/** Puts a message the server stored into the conversation it belongs to. */
function received(message, conversation) {
  batch(() => {
    const shown = s.conversation.value;
    if (conversation && (!shown || shown.id !== conversation.id)) {
      s.conversation.value = conversation;
      s.messages.value = [];
      s.older.value = null;
    } else if (conversation) s.conversation.value = conversation;
    s.messages.value = merge(s.messages.value, message);
  });
}

let counter = 0;

/** Sends the customer's message (text and uploaded files); makes a session first if need be. */
export async function send(text, attachments = []) {
  const key = `p${++counter}`;
  s.pending.value = [...s.pending.value, { key, text, attachments, created_at: new Date().toISOString() }];
  s.notice.value = '';
  return deliver(key);
}

export function retry(key) {
  s.pending.value = s.pending.value.map((p) => (p.key === key ? { ...p, failed: false, error: '' } : p));
  return deliver(key);
}

export function discard(key) {
  s.pending.value = s.pending.value.filter((p) => p.key !== key);
}

/** Sends pending message `key`; resolves to null, or to the error that kept it back. */
async function deliver(key) {
  const p = s.pending.value.find((x) => x.key === key);
  if (!p) return null;
  try {
    await ensureSession();
    const body = { text: p.text };
    if (p.attachments.length) body.attachment_ids = p.attachments.map((a) => a.id);
    const made = await call('POST', '/messages', body);
    batch(() => {
      discard(key);
      received(made.message, made.conversation);
    });
    return null;
  } catch (err) {
    if (err.status === 401) sessionEnded();
    s.pending.value = s.pending.value.map((x) => (x.key === key ? { ...x, failed: true, error: describe(err) } : x));
    return err;
  }
}

/** The copy on its way of a message the server stored, if this tab is sending it. */
function twinOf(message) {
  const n = message.attachments?.length || 0;
  return s.pending.value.find((p) => !p.failed && p.text === message.text && p.attachments.length === n);
}

/** The live stream brought the customer's own message: drop its copy on its way. */
function settle(message) {
  const twin = twinOf(message);
  if (twin) discard(twin.key);
}

export async function loadOlder() {
  const c = s.conversation.value;
  if (!c || !s.older.value || s.loadingOlder.value) return;
  s.loadingOlder.value = true;
  try {
    const page = await call('GET', `/conversations/${c.id}/messages?limit=${PAGE}&cursor=${encodeURIComponent(s.older.value)}`);
    batch(() => {
      s.messages.value = (page.items || []).reduce(merge, s.messages.value);
      s.older.value = page.next_cursor || null;
    });
  } catch (err) {
    s.notice.value = describe(err);
  } finally {
    s.loadingOlder.value = false;
  }
}

/** Runs a form's action with its busy flag and its errors (by field for a 422). */
async function form(run) {
  batch(() => {
    s.formBusy.value = true;
    s.formError.value = '';
    s.fieldErrors.value = {};
  });
  try {
    await run();
    return true;
  } catch (err) {
    const byField = {};
    for (const e of err.errors || []) byField[String(e.field).split('.').pop()] = e.message;
    batch(() => {
      s.fieldErrors.value = byField;
      s.formError.value = Object.keys(byField).length ? tx('form.fix') : describe(err);
    });
    return false;
  } finally {
    s.formBusy.value = false;
  }
}

/** The pre-chat form (or the away form, `away`): a session with name and email, then the message. */
export function begin({ name, email, text }, away = false) {
  return form(async () => {
    const fields = {};
    if (name) fields.name = name;
    if (email) fields.email = email;
    await newSession(fields);
    // The chat shows a failed message with a retry; the away form says the failure itself.
    const failed = await send(text);
    if (failed && away) {
      s.pending.value = [];
      throw failed;
    }
    if (away) s.awaySentTo.value = email;
  });
}

/** Rates the closed conversation: 1–5 stars and an optional comment. */
export function rate(score, comment) {
  const c = s.conversation.value;
  return form(async () => {
    const body = { score };
    if (comment) body.comment = comment;
    const answer = await call('POST', `/conversations/${c.id}/rating`, body);
    // The contract answers the rating; the server (for now) answers the whole conversation.
    const rating = answer && 'score' in answer ? answer : answer?.rating;
    s.conversation.value = { ...s.conversation.value, rating, can_rate: false };
  });
}

// ---- files for the next message (clip, drop or paste), uploaded at once, shown as chips ----

/** Changes file `key` (or drops it: `change` null). */
function updateFile(key, change) {
  s.files.value = change ? s.files.value.map((f) => (f.key === key ? { ...f, ...change } : f)) : s.files.value.filter((f) => f.key !== key);
}

/** Uploads each of `list` (Files); a session is made first if there is none yet. */
export async function addFiles(list) {
  const refuse = (name, reason) => {
    s.fileErrors.value = [...s.fileErrors.value, tx('upload.refused', { name: name || 'file', reason })];
  };
  s.fileErrors.value = [];
  const limit = s.inbox.value?.max_upload_bytes || Infinity;
  for (const file of list) {
    if (file.size > limit) {
      refuse(file.name, tx('upload.too_large', { size: bytes(limit, currentLang()) }));
      continue;
    }
    const key = `f${++counter}`;
    s.files.value = [...s.files.value, { key, name: file.name || 'file', size: file.size, busy: true }];
    try {
      await ensureSession();
      const a = await upload(file);
      updateFile(key, { busy: false, id: a.id, name: a.name, size: a.size, content_type: a.content_type });
    } catch (err) {
      updateFile(key, null);
      refuse(file.name, describe(err));
    }
  }
}

export function removeFile(key) {
  updateFile(key, null);
}

/** The uploaded files, to send with the message; clears the list. */
export function takeFiles() {
  const done = s.files.value.filter((f) => f.id).map(({ id, name, size, content_type }) => ({ id, name, size, content_type }));
  s.files.value = [];
  s.fileErrors.value = [];
  return done;
}

export const uploading = () => s.files.value.some((f) => f.busy);

// ---- the desk's live events ----

export const TYPING_MS = 6000;
/** A drop shows the "reconnecting" banner only when it lasts this long. */
const BANNER_MS = 1500;

let stream = null;
let typingTimer = null;

function clearTyping() {
  clearTimeout(typingTimer);
  s.agentTyping.value = null;
}

/** Handles one event from the stream (exported for the tests). */
export function onEvent({ event, data }) {
  if (!data || typeof data !== 'object') return;
  const shown = s.conversation.value;
  if (event === 'message.created' && data.message) {
    const m = data.message;
    if (shown && m.conversation_id === shown.id) {
      batch(() => {
        if (m.from === 'customer') settle(m);
        else clearTyping();
        received(m);
      });
    } else if (!(m.from === 'customer' && twinOf(m))) {
      // Begun in another tab: load it (this tab's own first message comes with the send's answer).
      reload();
    }
  } else if (event === 'conversation.updated' && data.conversation) {
    const c = data.conversation;
    if (shown && c.id === shown.id) {
      s.conversation.value = c; // whole: an absent agent_name means nobody holds it now
      if (c.status === 'closed') clearTyping();
    } else if (c.status === 'open') reload();
  } else if (event === 'typing') {
    if (!shown || data.conversation_id !== shown.id) return;
    clearTimeout(typingTimer);
    if (!data.active) return clearTyping();
    s.agentTyping.value = { name: data.agent_name || shown.agent_name || '' };
    typingTimer = setTimeout(clearTyping, TYPING_MS);
  }
}

/**
 * Turns chunks of an event stream into calls of `emit({ id, event, data })` (WHATWG HTML § 9.2.6:
 * `data`, `event` and `id` fields, comments; `id` is null when the event has none).
 */
export function parser(emit) {
  let buffer = '';
  let data = [];
  let event = '';
  let id = null;
  return (chunk) => {
    buffer += chunk;
    // A \r at the very end may be the first half of \r\n: it waits for the next chunk.
    const lines = buffer.split(/\r\n|\r(?!$)|\n/);
    buffer = lines.pop();
    for (const line of lines) {
      if (!line) {
        if (data.length) emit({ id, event: event || 'message', data: data.join('\n') });
        [data, event, id] = [[], '', null];
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
  };
}

/** The wait before reconnect attempt `n` (0-based): 0.5 s doubling to 15 s, ±20 %. */
const backoff = (n) => Math.round(Math.min(15000, 500 * 2 ** n) * (0.8 + 0.4 * Math.random()));

/** Opens the stream for the saved session (once); it reconnects by itself until disconnect(). */
export function connect() {
  if (stream || !token()) return;
  const me = (stream = { abort: null, banner: null, attempt: 0, lastId: NaN });
  const mine = () => stream === me;
  // An event already delivered (its id at or below the last one) is dropped; `reset` means
  // the server cannot replay from there: reload, and go on from now.
  const deliver = ({ id, event, data }) => {
    const n = id === null ? NaN : Number(id);
    if (event === 'reset') {
      me.lastId = n;
      return reload();
    }
    if (Number.isFinite(n)) {
      if (n <= me.lastId) return;
      me.lastId = n;
    }
    try {
      data = JSON.parse(data);
    } catch {
      return; // every event of the customer API is JSON
    }
    onEvent({ event, data });
  };
  const dropped = () => {
    if (!mine()) return;
    me.banner ??= setTimeout(() => mine() && (s.reconnecting.value = true), BANNER_MS);
    setTimeout(open, backoff(me.attempt++));
  };
  async function open() {
    if (!mine()) return;
    const headers = { Accept: 'text/event-stream', ...authHeaders() };
    if (Number.isFinite(me.lastId)) headers['Last-Event-ID'] = String(me.lastId);
    me.abort = new AbortController();
    let response;
    try {
      response = await fetch(`${base}/events`, { headers, signal: me.abort.signal, cache: 'no-store', credentials: 'omit' });
    } catch {
      return dropped();
    }
    if (!mine()) return;
    if (response.status === 401 || response.status === 403) {
      disconnect();
      return sessionEnded();
    }
    if (!response.ok || !response.body) return dropped();
    me.attempt = 0;
    clearTimeout(me.banner);
    me.banner = null;
    s.reconnecting.value = false;
    const feed = parser(deliver);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        feed(value);
      }
    } catch {
      /* the connection broke */
    }
    dropped();
  }
  open();
}

export function disconnect() {
  if (stream) {
    stream.abort?.abort();
    clearTimeout(stream.banner);
  }
  stream = null;
  s.reconnecting.value = false;
  clearTyping();
}
