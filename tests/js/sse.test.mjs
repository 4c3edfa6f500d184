// Unit tests of static/common/sse.js: parsing, resume with Last-Event-ID, no duplicates,
// the reconnecting banner, the end of a session. Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, EventStream, backoff } from '../../static/common/sse.js';

test('the parser joins chunks, lines and data fields', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed(': keep-alive\n\nid: 7\nevent: message.created\nda'), []);
  assert.deepEqual(p.feed('ta: {"a":\r\ndata: 1}\r'), []);
  assert.deepEqual(p.feed('\n\r\n'), [{ id: '7', event: 'message.created', data: '{"a":\n1}' }]);
  assert.deepEqual(p.feed('data:x\n\ndata\n\n'), [
    { id: null, event: 'message', data: 'x' },
    { id: null, event: 'message', data: '' },
  ]);
});

test('backoff doubles to a ceiling with jitter', () => {
  assert.equal(backoff(0, () => 0.5), 500);
  assert.equal(backoff(3, () => 0.5), 4000);
  assert.equal(backoff(20, () => 0.5), 15000);
  assert.equal(backoff(0, () => 0), 400);
});

/** A fetch that answers each call with the next script: a status, or chunks then a drop. */
function fakeServer(script) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push(init.headers);
    const step = script.shift();
    if (!step) return new Promise(() => {});
    if (step.error) throw new TypeError('network');
    if (step.status) return { ok: false, status: step.status, body: null };
    const body = new ReadableStream({
      start(c) {
        for (const chunk of step.chunks) c.enqueue(new TextEncoder().encode(chunk));
        c.close();
      },
    });
    return { ok: true, status: 200, body };
  };
  return { fetch, calls };
}

function fakeTimers() {
  const pending = [];
  return {
    pending,
    setTimeout: (f, ms) => (pending.push({ f, ms }), pending.length),
    clearTimeout: () => {},
    async run() {
      const next = pending.shift();
      next.f();
      await new Promise((r) => setTimeout(r, 5));
      return next.ms;
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

test('a dropped stream resumes from the last event, delivering each event once', async () => {
  const ev = (id, n) => `id: ${id}\nevent: message.created\ndata: {"n":${n}}\n\n`;
  const server = fakeServer([
    { chunks: [ev(1, 1), ev(2, 2)] },
    { error: true },
    { chunks: [ev(2, 2), ev(3, 3)] },
  ]);
  const timers = fakeTimers();
  const seen = [];
  const states = [];
  const s = new EventStream({
    url: '/api/v1/events',
    token: () => 'tok',
    onEvent: (e) => seen.push(e.data.n),
    onState: (st) => states.push(st),
    fetch: server.fetch,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
  });
  s.start();
  await settle();
  assert.deepEqual(seen, [1, 2]);
  assert.equal(server.calls[0].Authorization, 'Bearer tok');
  assert.equal(server.calls[0]['Last-Event-ID'], undefined);
  // The drop: a banner timer (1.5 s) and a reconnect timer.
  assert.deepEqual(timers.pending.map((t) => t.ms >= 1500), [true, false]);
  await timers.run(); // the banner fires: still down
  assert.equal(states.at(-1), 'reconnecting');
  await timers.run(); // reconnect: network error, try again later
  await timers.run(); // reconnect: resumes after 2
  await settle();
  assert.equal(server.calls[2]['Last-Event-ID'], '2');
  assert.deepEqual(seen, [1, 2, 3], 'event 2 replayed by the server is dropped');
  assert.ok(states.includes('open'));
  s.stop();
});

test('a refused session ends the stream', async () => {
  const server = fakeServer([{ status: 401 }]);
  let ended = 0;
  const s = new EventStream({
    url: '/e',
    token: () => null,
    onEvent: () => {},
    onEnded: (status) => (ended = status),
    fetch: server.fetch,
    setTimeout: () => 0,
    clearTimeout: () => {},
  });
  s.start();
  await settle();
  assert.equal(ended, 401);
  assert.equal(s.state, 'ended');
});

test('a reset event asks for a reload and moves the position', async () => {
  const server = fakeServer([{ chunks: ['id: 9\nevent: reset\ndata: {}\n\n', 'id: 10\nevent: x\ndata: 1\n\n'] }]);
  let resets = 0;
  const seen = [];
  const s = new EventStream({
    url: '/e',
    token: () => null,
    onEvent: (e) => seen.push(e.id),
    onReset: () => resets++,
    fetch: server.fetch,
    setTimeout: () => 0,
    clearTimeout: () => {},
  });
  s.start();
  await settle();
  assert.equal(resets, 1);
  assert.deepEqual(seen, [10]);
  s.stop();
});
