// clock.js — the present as a signal ticking once a second (times in status and durations
// move in the page, with no polling), and how long a wait may last before its row turns
// amber, then red.

import { signal } from '/common/html.js';

export const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 1000);

/** A wait longer than this is amber. */
export const AMBER_MS = 2 * 60e3;
/** A wait longer than this is red. */
export const RED_MS = 5 * 60e3;

/** `ok`, `amber` or `red` for a wait of `ms`. */
export function level(ms) {
  if (ms >= RED_MS) return 'red';
  if (ms >= AMBER_MS) return 'amber';
  return 'ok';
}
