// live.js — the customer's live events (replies, changes, typing) over common/sse.js.
// fetch, not EventSource: EventSource cannot send the X-Customer-Token header.

import { EventStream } from '../common/sse.js';
import { batch } from './kit.js';
import * as api from './api.js';
import * as s from './store.js';
import * as actions from './actions.js';

export const TYPING_MS = 6000;

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
        if (m.from === 'customer') actions.settle(m);
        else clearTyping();
        actions.received(m);
      });
    } else if (!(m.from === 'customer' && actions.twinOf(m))) {
      // Begun in another tab: load it (this tab's own first message comes with the send's answer).
      actions.reload();
    }
  } else if (event === 'conversation.updated' && data.conversation) {
    const c = data.conversation;
    if (shown && c.id === shown.id) {
      s.conversation.value = c; // whole: an absent agent_name means nobody holds it now
      if (c.status === 'closed') clearTyping();
    } else if (c.status === 'open') actions.reload();
  } else if (event === 'typing') {
    if (!shown || data.conversation_id !== shown.id) return;
    clearTimeout(typingTimer);
    if (!data.active) return clearTyping();
    s.agentTyping.value = { name: data.agent_name || shown.agent_name || '' };
    typingTimer = setTimeout(clearTyping, TYPING_MS);
  }
}

/** Opens the stream for the saved session (once). */
export function connect() {
  if (stream || !api.token()) return;
  stream = new EventStream({
    url: api.eventsUrl(),
    token: () => null,
    // The customer's token goes in its own header; no cookies cross origins.
    fetch: (url, init) =>
      fetch(url, { ...init, credentials: 'omit', headers: { ...init.headers, ...api.authHeaders() } }),
    onEvent,
    onState: (state) => {
      s.connection.value = state;
    },
    onReset: () => actions.reload(),
    onEnded: () => {
      stream = null;
      actions.sessionEnded();
    },
  });
  stream.start();
}

export function disconnect() {
  stream?.stop();
  stream = null;
  clearTyping();
}
