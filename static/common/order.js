// order.js — overlapping loads of the same thing, applied in the order they were asked for.
//
// A page reloads what a live event touched, and events come in bursts: two reloads of the
// open conversation can be in flight at once, and on a busy server the one asked for first may
// answer last. Applied as they answer, the older answer would overwrite the newer one (a
// rating would vanish from the timeline until the next event). `inOrder` drops an answer when
// one asked for later was already applied, and never waits for a load that is superseded, so
// a steady stream of events still shows each answer as it comes.

/**
 * A sequence of loads of one thing. `run(load, apply)` calls `load()`, then `apply(value)`
 * unless a load started after this one was applied meanwhile; it resolves to whether it
 * applied. `apply` returns `false` when the answer no longer fits (another conversation is
 * open): it then does not count, and an older load may still apply. `running` counts the
 * loads in flight: a change the page shows by itself (a sent message) asks for one more load
 * while it is above 0, since an answer asked for before the change may come after it and
 * would hide it.
 */
export function inOrder() {
  let issued = 0;
  let applied = 0;
  let running = 0;
  return {
    async run(load, apply) {
      const n = ++issued;
      running++;
      try {
        const value = await load();
        if (n < applied || apply(value) === false) return false;
        applied = n;
        return true;
      } finally {
        running--;
      }
    },
    /** Loads in flight. */
    get running() {
      return running;
    },
  };
}
