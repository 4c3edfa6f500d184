// store.js — the widget's state as signals: values that rerun the effects which read them (a small
// stand-in for Preact's signals). Components read the state, the actions write it.

let running = null; // the effect being run: the signals it reads note it
let depth = 0; // open batches: the effects they wake wait for the outermost one to end
let flushing = false;
const due = new Set();

class Signal {
  constructor(value) {
    this.current = value;
    this.readers = new Set();
  }

  get value() {
    if (running) {
      this.readers.add(running);
      running.reads.add(this);
    }
    return this.current;
  }

  set value(next) {
    if (Object.is(next, this.current)) return;
    this.current = next;
    batch(() => this.readers.forEach((e) => due.add(e)));
  }

  /** The value, without making the running effect depend on it. */
  peek() {
    return this.current;
  }
}

export const signal = (value) => new Signal(value);

/** A value worked out from signals at each read (so whoever reads it depends on those). */
export const computed = (fn) => ({
  get value() {
    return fn();
  },
});

/** Runs `fn` now and again whenever a signal it read last time changes (its own writes wait for its end). */
export function effect(fn) {
  const e = {
    reads: new Set(),
    run() {
      e.reads.forEach((s) => s.readers.delete(e));
      e.reads.clear();
      const outer = running;
      running = e;
      try {
        fn();
      } finally {
        running = outer;
      }
    },
  };
  batch(e.run);
}

/** Runs `fn`; the effects its writes wake run once, when it ends (a write alone runs them at once). */
export function batch(fn) {
  depth++;
  try {
    return fn();
  } finally {
    if (--depth === 0 && !flushing) {
      flushing = true;
      try {
        // An effect's own writes may wake more effects (itself included): run until none is due.
        for (let n = 0; due.size; n++) {
          const [e] = due;
          due.delete(e);
          if (n > 1000) {
            due.clear();
            throw new Error('Switchboard widget: effects keep waking each other');
          }
          e.run();
        }
      } finally {
        flushing = false;
      }
    }
  }
}

/** What the loader (widget.js) passed in: inbox id, identity, launcher hooks. */
export const config = { inboxId: '', customerId: '', customerSignature: '', host: null };

/** The inbox as the widget sees it (GET /inboxes/{id}): colour, greeting, pre-chat, availability. */
export const inbox = signal(null);
/** `loading`, `ready`, or `fatal` (the chat cannot work: say why, offer nothing else). */
export const phase = signal('loading');
export const fatal = signal('');
/** The server's words behind `fatal`, for the site's developers (shown small). */
export const fatalDetail = signal('');
/** Whether this visitor has a customer token (a session). */
export const hasSession = signal(false);
/** The conversation shown (the open one, else the last closed one), its messages, oldest
 * first, and the cursor to older ones. */
export const conversation = signal(null);
export const messages = signal([]);
export const older = signal(null);
export const loadingOlder = signal(false);
/** Messages on their way: `{ key, text, attachments, failed?, error? }`. */
export const pending = signal([]);
/** The agent typing now: `{ name }`, or null. */
export const agentTyping = signal(null);
/** The event stream has been down for a while (it reconnects by itself). */
export const reconnecting = signal(false);
/** A passing problem shown above the composer (a refused send, a full upload …). */
export const notice = signal('');
/** The address an away message's answer will go to, once sent through the email form. */
export const awaySentTo = signal('');

/** Whether the panel is open, and when the customer last saw the conversation (ms). */
export const isOpen = signal(false);
export const seenAt = signal(0);

/** The composer: its text, the emoji picker, files being or done uploading. */
export const draft = signal('');
export const emojiOpen = signal(false);
export const files = signal([]);
export const fileErrors = signal([]);

/** The forms (pre-chat, away, rating): busy, an error line, and errors by field. */
export const formBusy = signal(false);
export const formError = signal('');
export const fieldErrors = signal({});
export const stars = signal(0);

export const view = computed(() => {
  if (phase.value !== 'ready') return phase.value;
  if (conversation.value) return 'chat';
  const i = inbox.value;
  if (!i.available && i.offline === 'email_form') return 'away';
  const asks = i.prechat_name !== 'off' || i.prechat_email !== 'off';
  if (asks && !hasSession.value && !config.customerId) return 'prechat';
  return 'chat';
});

/** The desk's messages newer than what the customer saw, while the panel was shut. */
export const unread = computed(() => {
  const since = seenAt.value;
  return messages.value.filter((m) => m.from !== 'customer' && new Date(m.created_at).getTime() > since).length;
});

/** Whether the conversation waits for the customer's stars. */
export const asksRating = computed(() => {
  const c = conversation.value;
  return !!c && c.status === 'closed' && c.can_rate && !c.rating;
});
