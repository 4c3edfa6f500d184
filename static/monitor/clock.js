// clock.js — the present as a signal ticking once a second (times in status and durations
// move in the page, with no polling), and how long a wait may last before its row turns
// amber, then red (each inbox says; these are the defaults).

import { signal } from '/common/html.js';

export const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 1000);

/** The default thresholds, seconds (an inbox without its own). */
export const DEFAULT_WAITS = { wait_amber_secs: 120, wait_red_secs: 300 };

/** `ok`, `amber` or `red` for a wait of `ms` against an inbox's thresholds. */
export function level(ms, waits = DEFAULT_WAITS) {
  if (ms >= waits.wait_red_secs * 1000) return 'red';
  if (ms >= waits.wait_amber_secs * 1000) return 'amber';
  return 'ok';
}
