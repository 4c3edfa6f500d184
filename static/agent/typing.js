// typing.js — "is typing" both ways, as two small machines with their clock and timers passed
// in (so node tests drive them without a browser):
//
// `TypingWatch` keeps which conversations have a customer typing now, from the `typing` live
// events: a hint lasts until `active: false`, until the customer's message arrives, or until
// 6 s pass without a new `active: true` (the server does not promise a closing event).
//
// `TypingSender` tells the server that this agent is typing a reply: `active: true` on the first
// keystroke and then at most once every 3 s while the keys go on, `active: false` once the text
// is sent or cleared, the composer turns to an internal note (never announced), or another
// conversation opens.

/** How long a customer's hint lasts without a new `active: true`. */
export const HINT_MS = 6000;
/** The shortest time between two `active: true` the page sends for one conversation. */
export const SEND_EVERY_MS = 3000;

export class TypingWatch {
  /**
   * @param {object} o
   * @param {(typing: Record<string, true>) => void} o.onChange  the conversations with a customer typing
   * @param {(f: () => void, ms: number) => any} [o.setTimeout]
   * @param {(t: any) => void} [o.clearTimeout]
   */
  constructor(o) {
    this.onChange = o.onChange;
    this.setTimeout = o.setTimeout || ((f, ms) => setTimeout(f, ms));
    this.clearTimeout = o.clearTimeout || ((t) => clearTimeout(t));
    this.timers = new Map();
  }

  /** Applies a `typing` event's data; only the customer's typing is shown. */
  event(data) {
    if (!data || data.from !== 'customer' || !data.conversation_id) return;
    if (data.active) this.start(data.conversation_id);
    else this.stop(data.conversation_id);
  }

  start(id) {
    const known = this.timers.has(id);
    this.clearTimeout(this.timers.get(id));
    this.timers.set(id, this.setTimeout(() => this.stop(id), HINT_MS));
    if (!known) this.changed();
  }

  /** The customer stopped, wrote, or went quiet: the hint goes. */
  stop(id) {
    if (!this.timers.has(id)) return;
    this.clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.changed();
  }

  changed() {
    this.onChange(Object.fromEntries([...this.timers.keys()].map((id) => [id, true])));
  }
}

export class TypingSender {
  /**
   * @param {object} o
   * @param {(conversationId: string, active: boolean) => void} o.post
   * @param {() => number} [o.now]
   */
  constructor(o) {
    this.post = o.post;
    this.now = o.now || (() => Date.now());
    /** The conversation told `active: true` last, and when. */
    this.id = null;
    this.at = 0;
  }

  /** The composer of conversation `id`, in `mode` ('reply' or 'note'), now holds `text`. */
  typed(id, mode, text) {
    if (mode !== 'reply' || !String(text).trim()) return this.stopped();
    if (this.id !== id) this.stopped();
    const now = this.now();
    if (this.id === id && now - this.at < SEND_EVERY_MS) return;
    this.id = id;
    this.at = now;
    this.post(id, true);
  }

  /** The reply was sent or dropped: the customer no longer sees this agent typing. */
  stopped() {
    if (this.id === null) return;
    const id = this.id;
    this.id = null;
    this.at = 0;
    this.post(id, false);
  }
}
