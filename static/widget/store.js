// store.js — the widget's state, as signals; components read them, the actions write them.

import { signal, computed } from './kit.js';

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
/** The conversation shown: the open one, else the last closed one. */
export const conversation = signal(null);
/** Its messages, oldest first, and the cursor to older ones. */
export const messages = signal([]);
export const older = signal(null);
export const loadingOlder = signal(false);
/** Messages on their way: `{ key, text, attachments, failed?, error? }`. */
export const pending = signal([]);
/** The agent typing now: `{ name }`, or null. */
export const agentTyping = signal(null);
/** The event stream: idle, connecting, open, down, reconnecting, ended. */
export const connection = signal('idle');
/** A passing problem to show above the composer (a refused send, a full upload …). */
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
