// typing.js — when to tell the desk that the customer is typing: `active: true` at most once
// every 3 seconds while the text changes (the agent's page drops the hint 6 s after the
// last one), and `active: false` once when the message is sent or the text is emptied.
// Pure (the clock and the sender are passed in): unit-tested with node.

export class TypingSignal {
  /**
   * @param {(active: boolean) => void} send
   * @param {{ every?: number, now?: () => number }} [o]
   */
  constructor(send, o = {}) {
    this.send = send;
    this.every = o.every ?? 3000;
    this.now = o.now || (() => Date.now());
    this.last = null;
    this.active = false;
  }

  /** The text changed; `text` is what the box holds now. */
  input(text) {
    if (!String(text).trim()) return this.stop();
    const now = this.now();
    if (this.last !== null && now - this.last < this.every) return;
    this.last = now;
    this.active = true;
    this.send(true);
  }

  /** The message was sent or the box emptied: one `active: false` if the desk heard `true`. */
  stop() {
    this.last = null;
    if (!this.active) return;
    this.active = false;
    this.send(false);
  }
}
