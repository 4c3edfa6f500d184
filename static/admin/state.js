// state.js — what the admin pages read once and share: the signed-in admin, the users and
// the teams (for names, members and choices), and the open section, kept in the URL.

import { api } from '/common/api.js';
import { signal } from '/common/html.js';

export const SECTIONS = ['users', 'teams', 'inboxes', 'labels', 'canned', 'wrapups', 'settings', 'tokens', 'webhooks', 'files'];

export const me = signal(null);
export const users = signal([]);
export const teams = signal([]);
/** The open section. */
export const section = signal(readSection());

function readSection() {
  const s = new URLSearchParams(location.search).get('s');
  return SECTIONS.includes(s) ? s : 'users';
}

/** Opens a section and keeps it in the URL. */
export function open(name) {
  section.value = name;
  history.replaceState(null, '', `${location.pathname}?s=${name}`);
}

/** Reads the users and teams again (after any change that may touch them). */
export async function loadDirectory() {
  const none = () => ({ items: [] });
  const [u, tm] = await Promise.all([api('GET', '/api/v1/users?limit=500').catch(none), api('GET', '/api/v1/teams').catch(none)]);
  users.value = u.items || [];
  teams.value = tm.items || [];
}

/** A one-time password: 16 characters from an alphabet without look-alikes. */
export function oneTimePassword() {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
