// actions.js — what the customer does: start, write, fill a form, read older messages, rate.

import { batch } from './kit.js';
import * as api from './api.js';
import * as s from './store.js';
import { merge } from './text.js';
import { tx } from './i18n.js';
import { connect, disconnect } from './live.js';

const PAGE = 50;

/** Shows `state` (WidgetState), loading the conversation's latest messages. */
async function adopt(state) {
  const c = state.conversation || null;
  let page = { items: [] };
  if (c) page = await api.call('GET', `/conversations/${c.id}/messages?limit=${PAGE}`);
  batch(() => {
    s.hasSession.value = true;
    s.conversation.value = c;
    s.messages.value = page.items || [];
    s.older.value = page.next_cursor || null;
  });
}

/** The inbox's settings, read again on each opening (availability changes). */
export async function refreshInbox() {
  s.inbox.value = await api.call('GET', `/inboxes/${encodeURIComponent(s.config.inboxId)}`);
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
    if (api.token()) {
      try {
        await adopt(await api.call('GET', '/session'));
      } catch (err) {
        if (err.status !== 401) throw err;
        api.forget(); // revoked or unknown: start over as a new visitor
      }
    }
    if (!api.token() && s.config.customerId) await newSession({});
    if (api.token()) connect();
    s.seenAt.value = api.seen() ? new Date(api.seen()).getTime() : Date.now();
    s.phase.value = 'ready';
  } catch (err) {
    // A refused signature stops here: no anonymous session instead of the signed-in one.
    const identity = err.status === 422;
    if (identity) console.warn('Switchboard widget: the customer signature was refused:', err.detail);
    batch(() => {
      s.fatal.value = identity ? tx('error.identity') : api.describe(err);
      s.fatalDetail.value = identity ? api.fieldError(err, 'customer_signature') || err.detail : '';
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
  const made = await api.call('POST', '/sessions', body);
  api.keep(made.token, s.config.customerId);
  disconnect();
  await adopt(made.state);
  s.seenAt.value = Date.now();
  connect();
}

let making = null;
/** Makes a session (no pre-chat fields) unless there is one: for the first message or file. */
export function ensureSession() {
  if (api.token()) return Promise.resolve();
  making ??= newSession({}).finally(() => {
    making = null;
  });
  return making;
}

/** The live connection lost the session (revoked): start over as a new visitor. */
export function sessionEnded() {
  api.forget();
  batch(() => {
    s.hasSession.value = false;
    s.conversation.value = null;
    s.messages.value = [];
    s.older.value = null;
  });
}

/** Reloads the session and its messages (another tab started a conversation; a resume gap). */
export async function reload() {
  if (!api.token()) return sessionEnded();
  try {
    await adopt(await api.call('GET', '/session'));
  } catch (err) {
    if (err.status === 401) sessionEnded();
  }
}

/** Puts a message the server stored into the conversation it belongs to. */
export function received(message, conversation) {
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

/** Tries again a message that failed. */
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
    const made = await api.call('POST', '/messages', body);
    batch(() => {
      discard(key);
      received(made.message, made.conversation);
    });
    return null;
  } catch (err) {
    if (err.status === 401) sessionEnded();
    s.pending.value = s.pending.value.map((x) => (x.key === key ? { ...x, failed: true, error: api.describe(err) } : x));
    return err;
  }
}

/** The copy on its way of a message the server stored, if this tab is sending it. */
export function twinOf(message) {
  const n = message.attachments?.length || 0;
  return s.pending.value.find((p) => !p.failed && p.text === message.text && p.attachments.length === n);
}

/** The live stream brought the customer's own message: drop its copy on its way. */
export function settle(message) {
  const twin = twinOf(message);
  if (twin) discard(twin.key);
}

export async function loadOlder() {
  const c = s.conversation.value;
  if (!c || !s.older.value || s.loadingOlder.value) return;
  s.loadingOlder.value = true;
  try {
    const page = await api.call('GET', `/conversations/${c.id}/messages?limit=${PAGE}&cursor=${encodeURIComponent(s.older.value)}`);
    batch(() => {
      s.messages.value = (page.items || []).reduce(merge, s.messages.value);
      s.older.value = page.next_cursor || null;
    });
  } catch (err) {
    s.notice.value = api.describe(err);
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
      s.formError.value = Object.keys(byField).length ? tx('form.fix') : api.describe(err);
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
    const answer = await api.call('POST', `/conversations/${c.id}/rating`, body);
    // The contract answers the rating; the server (for now) answers the whole conversation.
    const rating = answer && 'score' in answer ? answer : answer?.rating;
    s.conversation.value = { ...s.conversation.value, rating, can_rate: false };
  });
}
