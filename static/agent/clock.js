// clock.js — the present as a signal, ticking once a second, so waiting timers and offer
// countdowns move without asking the server anything.
import { signal } from '/common/html.js';

export const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 1000);
