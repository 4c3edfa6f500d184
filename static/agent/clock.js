// clock.js — the present as a signal, ticking once a second, so waiting timers and offer
// countdowns move without asking the server anything.
import { signal, computed } from '/common/html.js';

export const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 1000);

/** The day, which changes at midnight only: what reads it renders once a day, not every second. */
export const today = computed(() => new Date(now.value).toDateString());
