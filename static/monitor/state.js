// state.js — the monitor's state as signals: the tab, search and filters (kept in the URL,
// so a view can be bookmarked and shared), the counts at the top, the rows of both tabs, and
// what each row's last action said. Live events reload what they may have changed: at once
// after a quiet spell, at most four times a second in a burst, so a busy desk costs a few
// requests rather than one per event.

import { api } from '/common/api.js';
import { signal, batch } from '/common/html.js';
import { describe } from '/common/problem.js';

/** The filters the URL keeps, and their defaults. */
const KEYS = ['tab', 'q', 'status', 'agent_id', 'team_id', 'channel', 'wall'];

export const me = signal(null);
/** `conversations` or `agents`, plus the search and filters, as in the URL. */
export const view = signal(readUrl());
export const summary = signal(null);
export const conversations = signal([]);
export const agents = signal([]);
export const loading = signal(false);
export const error = signal('');
/** Names for the filters (users, teams), the wrap-up reasons an end may give, and the inboxes
 * (with their wait thresholds) by id. */
export const directory = signal({ users: [], teams: [], wrapUps: [], inboxes: {} });
/** What the last action on a row said, by conversation id: `{ ok, text }`. */
export const outcomes = signal({});
/** What the last bulk action said, above the table. */
export const notice = signal('');
/** Ids of the conversations ticked for a bulk action. */
export const selected = signal(new Set());
/** The event stream's state (connecting, open, reconnecting, ended). */
export const connection = signal('connecting');

function readUrl() {
  const q = new URLSearchParams(location.search);
  const v = Object.fromEntries(KEYS.map((k) => [k, q.get(k) || '']));
  if (v.tab !== 'agents') v.tab = 'conversations';
  return v;
}

/** Changes the view (tab, search, filters) and keeps it in the URL. */
export function setView(changes) {
  const next = { ...view.value, ...changes };
  view.value = next;
  const q = new URLSearchParams();
  for (const k of KEYS) if (next[k] && !(k === 'tab' && next[k] === 'conversations')) q.set(k, next[k]);
  const url = `${location.pathname}${q.toString() ? `?${q}` : ''}`;
  history.replaceState(null, '', url);
  load();
}

/** The query of the open tab. */
function query(v) {
  const q = new URLSearchParams({ limit: '500' });
  for (const k of ['q', 'agent_id', 'team_id', 'channel']) if (v[k]) q.set(k, v[k]);
  if (v.status) for (const st of v.status.split(',')) q.append('status', st);
  return q;
}

let generation = 0;
/** Loads the counts and the open tab's rows. */
export async function load() {
  const v = view.value;
  const mine = ++generation;
  loading.value = true;
  try {
    const [sum, page] = await Promise.all([
      api('GET', '/api/v1/monitor/summary'),
      api('GET', `/api/v1/monitor/${v.tab}?${query(v)}`),
    ]);
    if (mine !== generation) return;
    batch(() => {
      summary.value = sum;
      if (v.tab === 'agents') agents.value = page.items;
      else conversations.value = page.items;
      error.value = '';
    });
  } catch (err) {
    if (mine === generation) error.value = describe(err);
  } finally {
    if (mine === generation) loading.value = false;
  }
}

/** The names the filters offer. */
export async function loadDirectory() {
  const none = () => ({ items: [] });
  const [users, teams, wrapUps, inboxes] = await Promise.all([
    api('GET', '/api/v1/users?limit=500').catch(none),
    api('GET', '/api/v1/teams').catch(none),
    api('GET', '/api/v1/wrap-up-reasons').catch(none),
    api('GET', '/api/v1/inboxes').catch(none),
  ]);
  const reasons = (wrapUps.items || []).filter((r) => !r.archived);
  const byId = Object.fromEntries((inboxes.items || []).map((i) => [i.id, i]));
  directory.value = { users: users.items || [], teams: teams.items || [], wrapUps: reasons, inboxes: byId };
}

let timer = null;
let last = 0;
/** Fewest milliseconds between two reloads while events arrive. */
const RELOAD_MS = 250;
/**
 * An event: the rows and counts are read again at once after a quiet spell, and at most every
 * RELOAD_MS during a burst (the events in between are covered by the next read).
 */
export function onEvent() {
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    last = Date.now();
    load();
  }, Math.max(0, last + RELOAD_MS - Date.now()));
}

/** Records what an action on conversation `id` said. */
export function said(id, ok, text) {
  outcomes.value = { ...outcomes.value, [id]: { ok, text } };
}
