// state.js — the agent desk's state as signals, and the actions that change it through the
// API. Components read the signals; only this module calls the API for the desk, so a view
// never holds a stale copy of another view's data.
//
// Live events reload what they touch: the open list (debounced, so a burst of events costs
// one request), the open conversation and its timeline, and the offers waiting for me; a
// customer's typing only marks its conversation for a few seconds (typing.js).

import { api } from '/common/api.js';
import { signal, computed, batch } from '/common/html.js';
import { inOrder } from '/common/order.js';
import { TypingWatch, TypingSender } from './typing.js';

export const me = signal(null);
/** `mine`, `unassigned`, `all`, `closed` or `search`. */
export const view = signal('mine');
export const sort = signal('waiting');
/** The list filters (F4), as query parameters (plus the days typed, for the fields). */
export const filters = signal({});
/** Whether All and Closed show as a table. */
export const tableMode = signal(false);
/** The open list's conversations, its cursor, and whether it is loading. */
export const items = signal([]);
export const nextCursor = signal(null);
export const listLoading = signal(false);
export const listError = signal('');
/** Conversations per view, as far as the first page tells (`+` when there are more). */
export const counts = signal({});
export const selectedId = signal(null);
export const conversation = signal(null);
export const timeline = signal([]);
export const timelineLoading = signal(false);
/** Conversations offered to me, waiting for an answer. */
export const offers = signal([]);
/** Inboxes, users and wrap-up reasons by id, for names. */
export const directory = signal({ inboxes: {}, users: {}, labels: {}, teams: {}, wrapUps: [] });
/** The event stream's state: connecting, open, down, reconnecting, ended. */
export const connection = signal('connecting');
/** Bumped when the open conversation's contact changes (someone edited the card). */
export const contactVersion = signal(0);
/** On phones, whether the conversation (not the list) is shown. */
export const showingConversation = signal(false);

export const offerCount = computed(() => offers.value.length);
/** Conversations a colleague invited me to (conferences), not joined yet. */
export const invitations = signal([]);
/** Whether the new-conversation dialog is open. */
export const composing = signal(false);
/** The message the composer's next message replies to. */
export const replyTo = signal(null);
/** `r` was pressed before the composer was on screen: it takes the focus when it comes. */
export const replyWanted = signal(false);
/** The conversations whose customer is typing now, by id. */
export const customerTyping = signal({});
const typingWatch = new TypingWatch({ onChange: (typing) => (customerTyping.value = typing) });
/** Tells the customer this agent is typing a reply (the composer calls it; never for notes). */
export const typingSender = new TypingSender({
  post: (id, active) => api('POST', `/api/v1/conversations/${id}/typing`, { active }).catch(() => {}),
});

/** Puts a changed message in the open timeline. */
export function replaceMessage(m) {
  timeline.value = timeline.value.map((x) => (x.id === m.id ? m : x));
}

const PAGE = 50;
/** Where the last open conversation is remembered. */
export const OPEN_KEY = 'switchboard.open';

/** The query of a view with the filters (also what its export takes). */
export function listQuery(name) {
  const q = new URLSearchParams({ limit: String(PAGE), sort: sort.value });
  if (name === 'closed') {
    q.set('view', 'all');
    q.set('status', 'closed');
  } else {
    q.set('view', name);
  }
  if (name === view.value) {
    for (const [k, v] of Object.entries(filters.value)) {
      if (v && !k.endsWith('_day') && k !== 'dates' && !(k === 'status' && name === 'closed')) q.set(k, v);
    }
  }
  return q;
}

/** From a table row to the conversation, in the list. */
export function openFromTable(id) {
  tableMode.value = false;
  open(id);
}

/** Loads of the open list's first page, of the open conversation, and of my offers. */
const listLoads = inOrder();
const openLoads = inOrder();
const offerLoads = inOrder();

/** Loads the first page of the open list (or the next page with `more`). */
export async function loadList(more = false) {
  const name = view.value;
  if (name === 'search') return;
  const q = listQuery(name);
  if (more) {
    if (!nextCursor.value) return;
    q.set('cursor', nextCursor.value);
  }
  listLoading.value = true;
  // The first page of another view, sort or filter, asked for later, wins over this one.
  const show = (page) => {
    if (view.value !== name) return;
    batch(() => {
      items.value = more ? [...items.value, ...page.items] : page.items;
      nextCursor.value = page.next_cursor || null;
      listError.value = '';
    });
    if (!more) setCount(name, page);
  };
  try {
    const read = () => api('GET', `/api/v1/conversations?${q}`);
    if (more) show(await read());
    else await listLoads.run(read, show);
  } catch (e) {
    listError.value = e.detail || e.message;
  } finally {
    listLoading.value = false;
  }
}

function setCount(name, page) {
  counts.value = { ...counts.value, [name]: { n: page.items.length, more: Boolean(page.next_cursor) } };
}

/** Refreshes the counts of the views that are not open. */
export async function loadCounts() {
  for (const name of ['mine', 'unassigned']) {
    if (name === view.value) continue;
    try {
      setCount(name, await api('GET', `/api/v1/conversations?${listQuery(name)}`));
    } catch {
      /* a count is a hint: the list itself shows errors */
    }
  }
}

/** Reads the conversations offered to me (the answer asked for last wins). */
export async function loadOffers() {
  try {
    await offerLoads.run(
      () => api('GET', '/api/v1/conversations?view=offered&limit=20'),
      (page) => (offers.value = page.items.filter((c) => c.offer && c.offer.agent_id === me.value?.id)),
    );
  } catch {
    /* shown again on the next event */
  }
}

export async function loadDirectory() {
  const none = () => ({ items: [] });
  // Agents may not list users: the directory then has none (names come from elsewhere).
  const [inboxes, users, labels, wrapUps, teams] = await Promise.all([
    api('GET', '/api/v1/inboxes').catch(none),
    me.value?.role === 'agent' ? none() : api('GET', '/api/v1/users?limit=500').catch(none),
    api('GET', '/api/v1/labels').catch(none),
    api('GET', '/api/v1/wrap-up-reasons').catch(none),
    api('GET', '/api/v1/teams').catch(none),
  ]);
  const byId = (list) => Object.fromEntries((list.items || []).map((x) => [x.id, x]));
  directory.value = {
    inboxes: byId(inboxes),
    users: byId(users),
    labels: byId(labels),
    teams: byId(teams),
    wrapUps: wrapUps.items || [],
  };
}

/** Entries read when a conversation opens, and per step back. */
const TIMELINE_PAGE = 100;
/** The index of the first timeline entry loaded (earlier ones load on scroll). */
export const timelineStart = signal(0);
/** The conversation whose timeline `timelineStart` counts in. */
let startOf = null;

/** Where the latest entries of `c` start. */
const latestFrom = (c) => Math.max(0, (c.timeline_len || 0) - TIMELINE_PAGE);

/**
 * Opens a conversation: its latest timeline entries, and the conversation itself unless the
 * list just read it (so opening from the list is one request, plus the read mark when unread).
 */
export async function open(id) {
  const listed = items.value.find((c) => c.id === id);
  try {
    // After a session ends, signing in again comes back here.
    localStorage.setItem(OPEN_KEY, id);
  } catch {
    /* storage disabled */
  }
  batch(() => {
    selectedId.value = id;
    showingConversation.value = true;
    replyWanted.value = false;
    if (conversation.value?.id !== id) {
      conversation.value = listed || null;
      timeline.value = [];
      startOf = null;
    }
  });
  timelineLoading.value = true;
  try {
    // The list's copy tells where the latest entries start; without it, the conversation is
    // read first. A reload for a live event, asked for after this, wins over it.
    let read = null;
    await openLoads.run(async () => (read = await readLatest(id, listed)), (r) => show(id, ...r));
    const c = read?.[0];
    if (selectedId.value === id && c?.unread_count > 0) api('POST', `/api/v1/conversations/${id}/read`).catch(() => {});
  } finally {
    timelineLoading.value = false;
  }
}

/** Conversation `id` (unless `known`), where its latest entries start, and those entries. */
async function readLatest(id, known) {
  const c = known || (await api('GET', `/api/v1/conversations/${id}`));
  return [c, latestFrom(c), await readTimeline(id, latestFrom(c))];
}

/** The timeline from entry `from` to its end, page by page. */
async function readTimeline(id, from = 0) {
  let out = [];
  let cursor = from;
  for (let i = 0; i < 10 && cursor !== null; i++) {
    const page = await api('GET', `/api/v1/conversations/${id}/timeline?limit=500&cursor=${cursor}`);
    out = out.concat(page.items);
    cursor = page.next_cursor ?? null;
  }
  return out;
}

let loadingEarlier = false;
/** Loads the page of entries before those shown; resolves to how many came. */
export async function loadEarlier() {
  const id = selectedId.value;
  const start = timelineStart.value;
  if (!id || start === 0 || loadingEarlier) return 0;
  loadingEarlier = true;
  try {
    const from = Math.max(0, start - TIMELINE_PAGE);
    const page = await api('GET', `/api/v1/conversations/${id}/timeline?limit=${start - from}&cursor=${from}`);
    // Another conversation opened, or the window moved (a reload) meanwhile.
    if (selectedId.value !== id || startOf !== id || timelineStart.value !== start) return 0;
    batch(() => {
      timeline.value = [...page.items.filter((m) => m.index < start), ...timeline.value];
      timelineStart.value = from;
    });
    return page.items.length;
  } finally {
    loadingEarlier = false;
  }
}

/** Leaves the open conversation (back to the list on a phone). */
export function closeConversation() {
  try {
    localStorage.removeItem(OPEN_KEY);
  } catch {
    /* storage disabled */
  }
  batch(() => {
    selectedId.value = null;
    conversation.value = null;
    timeline.value = [];
    startOf = null;
    showingConversation.value = false;
  });
}

/** Runs a conversation action; the answer replaces the open conversation. */
export async function act(id, path, body) {
  const c = await api('POST', `/api/v1/conversations/${id}/${path}`, body ?? {});
  if (c && c.id === selectedId.value) {
    conversation.value = c;
    if (openLoads.running > 0) refreshOpen(id);
  }
  scheduleRefresh();
  return c;
}

/** Sends `what` ({ text } or { canned_response_id }) as a reply or a note. */
export async function send(id, kind, what) {
  const m = await api('POST', `/api/v1/conversations/${id}/messages`, { kind, ...what });
  if (selectedId.value === id && !timeline.value.some((x) => x.id === m.id)) {
    timeline.value = [...timeline.value, m];
    // A reload asked for before the message was stored may still answer without it.
    if (openLoads.running > 0) refreshOpen(id);
  }
  return m;
}

export async function setStatus(status) {
  me.value = await api('PUT', '/api/v1/me/status', { status });
}

let refreshTimer = null;
/** Reloads the open list, the counts and the offers soon, once for a burst of changes. */
export function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    loadList();
    loadCounts();
    loadOffers();
  }, 150);
}

/** Applies one live event. */
export function onEvent({ event, data }) {
  if (event === 'typing') {
    typingWatch.event(data);
    return;
  }
  if (event === 'contact.updated') {
    if (data.contact_id === conversation.value?.contact?.id) contactVersion.value++;
    scheduleRefresh();
    return;
  }
  const id = data?.conversation?.id;
  if (event === 'conversation.updated' && id && String(data.action).startsWith('conference_')) checkInvitation(id);
  if (event === 'agent.status_changed' && data.agent_id === me.value?.id) {
    me.value = { ...me.value, status: data.to_status };
    return;
  }
  // The customer's message ends their typing.
  if (event === 'message.created' && id && data.message?.kind === 'customer') typingWatch.stop(id);
  if (event === 'message.created' && id && id === selectedId.value && data.message) {
    if (!timeline.value.some((m) => m.id === data.message.id)) refreshOpen(id);
  } else if (id && id === selectedId.value) {
    refreshOpen(id);
  }
  if (id) scheduleRefresh();
}

async function checkInvitation(id) {
  try {
    const c = await api('GET', `/api/v1/conversations/${id}`);
    const others = invitations.value.filter((x) => x.id !== id);
    invitations.value = (c.invited || []).includes(me.value?.id) ? [...others, c] : others;
  } catch {
    invitations.value = invitations.value.filter((x) => x.id !== id);
  }
}

/**
 * Shows conversation `c` with its timeline from entry `from`; `false` (the answer does not
 * count) when another conversation is open by now. Earlier entries loaded meanwhile stay.
 */
function show(id, c, from, entries) {
  if (selectedId.value !== id) return false;
  batch(() => {
    const kept = startOf === id ? timeline.value.filter((m) => m.index < from) : [];
    conversation.value = c;
    timeline.value = [...kept, ...entries];
    timelineStart.value = kept.length ? kept[0].index : from;
    startOf = id;
  });
  return true;
}

/**
 * Reads the open conversation and its timeline again. Reloads overlap when events come in a
 * burst; an answer older than one already shown is dropped (`inOrder`). While the
 * conversation is still opening, its latest entries are read, as opening does.
 */
async function refreshOpen(id) {
  try {
    const from = startOf === id ? timelineStart.value : null;
    const read = async () => {
      if (from === null) return readLatest(id);
      const [c, entries] = await Promise.all([api('GET', `/api/v1/conversations/${id}`), readTimeline(id, from)]);
      return [c, from, entries];
    };
    await openLoads.run(read, (r) => show(id, ...r));
  } catch {
    /* hidden from me now (transferred away): the list refresh removes it */
  }
}

/** After the server could not resume the stream: reload everything shown. */
export function reloadAll() {
  scheduleRefresh();
  if (selectedId.value) refreshOpen(selectedId.value);
}
