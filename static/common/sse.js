// sse.js — the desk's live events: one `text/event-stream` per tab, read with `fetch`
// streaming (EventSource cannot send the Authorization header), resumed with
// `Last-Event-ID` after a drop so that what was missed arrives once, in order.
//
// `SseParser` turns chunks of the stream into events (pure: unit-tested with node).
// `EventStream` keeps the connection: it reconnects with backoff, drops an event it has
// already delivered (a sequence number at or below the last one), reports its state
// ('connecting', 'open', 'down' just after a drop, 'reconnecting' once it lasts longer
// than `bannerAfterMs`,
// 'ended' when the server refuses the session), and asks the page to reload its lists
// (`onReset`) when the server cannot resume from where the page stopped. Timers and
// `fetch` are injectable for tests.

/** Parses the event-stream format (WHATWG HTML § 9.2.6) from text chunks. */
export class SseParser {
  constructor() {
    this.buffer = '';
    this.reset();
  }

  reset() {
    this.data = [];
    this.event = '';
    this.id = null;
  }

  /** Feeds a chunk; returns the events it completed, as `{ id, event, data }`. */
  feed(chunk) {
    this.buffer += chunk;
    const out = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (this.data.length) out.push({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
        this.reset();
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id' && !value.includes('\0')) this.id = value;
    }
    return out;
  }
}

/** The delay before reconnect attempt `n` (0-based): 0.5 s doubling to 15 s, ±20 %. */
export function backoff(n, random = Math.random) {
  const base = Math.min(15000, 500 * 2 ** n);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export class EventStream {
  /**
   * @param {object} o
   * @param {string} o.url
   * @param {() => string|null} o.token  the bearer token, read at each connect
   * @param {(e: {id: number, event: string, data: any}) => void} o.onEvent
   * @param {(state: string) => void} [o.onState]
   * @param {() => void} [o.onReset]  the page must reload its lists
   * @param {(status: number) => void} [o.onEnded]  the server refused the session
   */
  constructor(o) {
    this.o = o;
    this.fetch = o.fetch || ((...a) => fetch(...a));
    this.setTimeout = o.setTimeout || ((f, ms) => setTimeout(f, ms));
    this.clearTimeout = o.clearTimeout || ((t) => clearTimeout(t));
    this.bannerAfterMs = o.bannerAfterMs ?? 1500;
    this.lastId = null;
    this.attempt = 0;
    this.state = 'idle';
    this.stopped = false;
    this.controller = null;
    this.banner = null;
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.o.onState?.(state);
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
    this.clearTimeout(this.banner);
    this.setState('idle');
  }

  async connect() {
    if (this.stopped) return;
    if (this.state === 'idle') this.setState('connecting');
    const headers = { Accept: 'text/event-stream' };
    const token = this.o.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.lastId !== null) headers['Last-Event-ID'] = String(this.lastId);
    this.controller = new AbortController();
    let response;
    try {
      response = await this.fetch(this.o.url, { headers, signal: this.controller.signal, cache: 'no-store' });
    } catch {
      return this.dropped();
    }
    if (response.status === 401 || response.status === 403) {
      this.stopped = true;
      this.setState('ended');
      this.o.onEnded?.(response.status);
      return;
    }
    if (!response.ok || !response.body) return this.dropped();
    this.opened();
    const parser = new SseParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parser.feed(value)) this.deliver(e);
      }
    } catch {
      /* the connection broke */
    }
    this.dropped();
  }

  opened() {
    this.attempt = 0;
    this.clearTimeout(this.banner);
    this.banner = null;
    this.setState('open');
  }

  deliver(e) {
    const id = e.id === null ? null : Number(e.id);
    if (e.event === 'reset') {
      // The server cannot replay from our position: start over from now.
      this.lastId = id;
      this.o.onReset?.();
      return;
    }
    if (id !== null && Number.isFinite(id)) {
      if (this.lastId !== null && id <= this.lastId) return;
      this.lastId = id;
    }
    let data = e.data;
    try {
      data = JSON.parse(e.data);
    } catch {
      /* not JSON: pass it as text */
    }
    this.o.onEvent({ id, event: e.event, data });
  }

  dropped() {
    if (this.stopped) return;
    // Down, silently for now: the banner shows only if it lasts.
    if (this.state === 'open') this.setState('down');
    if (this.banner === null && this.state !== 'reconnecting') {
      this.banner = this.setTimeout(() => {
        if (!this.stopped && this.state !== 'open') this.setState('reconnecting');
      }, this.bannerAfterMs);
    }
    const wait = backoff(this.attempt++);
    this.setTimeout(() => this.connect(), wait);
  }
}
