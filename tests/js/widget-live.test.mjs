// The widget's live events (static/widget/desk.js) on its state (store.js): replies land
// once, the customer's own message replaces its "sending" copy, the typing hint goes after
// 6 s or with the reply, a closed conversation asks for stars, and the stream (parsed in
// desk.js) sends the customer's token in X-Customer-Token (never Authorization, never
// cookies), resumes with Last-Event-ID after a drop with backoff, delivers each event once,
// shows the banner only when a drop lasts, and ends with the session. Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import * as s from '../../static/widget/store.js';
import * as desk from '../../static/widget/desk.js';
import { onEvent, connect, disconnect, parser, TYPING_MS } from '../../static/widget/desk.js';

const at = (sec) => new Date(Date.UTC(2026, 11, 5, 10, 0, sec)).toISOString();
const msg = (id, from, sec, text = id) => ({ id, conversation_id: 'c1', from, text, attachments: [], created_at: at(sec) });
const created = (m) => ({ event: 'message.created', data: { seq: 1, type: 'message.created', conversation_id: m.conversation_id, message: m } });

function fresh() {
  s.conversation.value = { id: 'c1', number: 7, status: 'open', can_rate: false, created_at: at(0) };
  s.messages.value = [];
  s.pending.value = [];
  s.agentTyping.value = null;
}

test('a reply lands once, in time order', () => {
  fresh();
  onEvent(created(msg('m2', 'agent', 20)));
  onEvent(created(msg('m1', 'customer', 10)));
  onEvent(created(msg('m2', 'agent', 20)));
  assert.deepEqual(s.messages.value.map((m) => m.id), ['m1', 'm2']);
});

test("the customer's own message, arriving live, replaces its sending copy", () => {
  fresh();
  s.pending.value = [{ key: 'p1', text: 'hello', attachments: [] }, { key: 'p2', text: 'other', attachments: [] }];
  onEvent(created(msg('m1', 'customer', 1, 'hello')));
  assert.deepEqual(s.pending.value.map((p) => p.key), ['p2']);
  assert.equal(s.messages.value.length, 1);
});

test('the typing hint shows, goes after 6 s, and goes with the reply', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  fresh();
  const typing = (active) => ({ event: 'typing', data: { type: 'typing', conversation_id: 'c1', active, agent_name: 'Ana' } });
  onEvent(typing(true));
  assert.deepEqual(s.agentTyping.value, { name: 'Ana' });
  t.mock.timers.tick(TYPING_MS - 1);
  onEvent(typing(true)); // still typing: the 6 s start again
  t.mock.timers.tick(TYPING_MS - 1);
  assert.ok(s.agentTyping.value);
  t.mock.timers.tick(1);
  assert.equal(s.agentTyping.value, null);
  onEvent(typing(true));
  onEvent(created(msg('m9', 'agent', 9)));
  assert.equal(s.agentTyping.value, null, 'the reply ends the hint');
  onEvent(typing(true));
  onEvent(typing(false));
  assert.equal(s.agentTyping.value, null);
  onEvent({ event: 'typing', data: { type: 'typing', conversation_id: 'other', active: true } });
  assert.equal(s.agentTyping.value, null, "another conversation's typing is not shown");
});

test('a closed conversation asks for stars, until rated', () => {
  fresh();
  assert.equal(s.asksRating.value, false);
  onEvent({ event: 'conversation.updated', data: { seq: 2, type: 'conversation.updated', conversation: { id: 'c1', number: 7, status: 'closed', can_rate: true, created_at: at(0) } } });
  assert.equal(s.conversation.value.status, 'closed');
  assert.equal(s.asksRating.value, true);
  s.conversation.value = { ...s.conversation.value, rating: { score: 5, created_at: at(9) }, can_rate: false };
  assert.equal(s.asksRating.value, false);
});

test('unread counts the desk messages after the last look', () => {
  fresh();
  s.seenAt.value = new Date(at(15)).getTime();
  s.messages.value = [msg('a', 'agent', 10), msg('b', 'customer', 20), msg('c', 'agent', 30), msg('d', 'bot', 40)];
  assert.equal(s.unread.value, 2);
});

test('the stream carries the token in its own header and resumes with Last-Event-ID', async () => {
  const calls = [];
  const realFetch = globalThis.fetch;
  let answer;
  globalThis.fetch = async (url, init) => {
    calls.push({ url, init });
    if (calls.length === 1) {
      const body = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('id: 41\nevent: message.created\ndata: {"seq":41}\n\n'));
          c.close();
        },
      });
      return { ok: true, status: 200, body };
    }
    return new Promise((resolve) => (answer = resolve));
  };
  try {
    desk.configure('https://desk.example.com', 'in_1');
    desk.keep('wt_secret');
    connect();
    for (let i = 0; i < 100 && calls.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(calls[0].url, 'https://desk.example.com/api/widget/v1/events');
    assert.equal(calls[0].init.headers['X-Customer-Token'], 'wt_secret');
    assert.equal(calls[0].init.headers.Authorization, undefined);
    assert.equal(calls[0].init.credentials, 'omit');
    assert.equal(calls[1].init.headers['Last-Event-ID'], '41', 'resumed after the drop');
  } finally {
    disconnect();
    answer?.({ ok: false, status: 500, body: null });
    globalThis.fetch = realFetch;
    desk.forget();
  }
});

test('the parser joins chunks, lines and data fields', () => {
  const got = [];
  const feed = parser((e) => got.push(e));
  feed(': keep-alive\n\nid: 7\nevent: message.created\nda');
  feed('ta: {"a":\r\ndata: 1}\r');
  assert.deepEqual(got, []);
  feed('\n\r\n');
  assert.deepEqual(got, [{ id: '7', event: 'message.created', data: '{"a":\n1}' }]);
  feed('data:x\n\ndata\n\nid\n\n');
  assert.deepEqual(got.slice(1), [
    { id: null, event: 'message', data: 'x' },
    { id: null, event: 'message', data: '' },
  ]);
});

test('after drops the stream resumes where it stopped, each event once, and ends with the session', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  t.mock.method(Math, 'random', () => 0); // backoff without jitter: 0.4 s, 0.8 s, 1.6 s …
  fresh();
  const ev = (id, m) => `id: ${id}\nevent: message.created\ndata: ${JSON.stringify(created(m).data)}\n\n`;
  const script = [
    { chunks: [ev(1, msg('m1', 'agent', 1)), ev(2, msg('m2', 'agent', 2))] },
    { error: true },
    { error: true },
    { chunks: [ev(2, msg('m2', 'agent', 2)), ev(3, msg('m3', 'agent', 3)), 'id: 9\nevent: reset\ndata: {}\n\n'] },
    { status: 401 },
  ];
  const streams = [];
  let reloads = 0;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    if (!String(url).endsWith('/events')) {
      reloads++; // the reset's reload of the session: refused here, so nothing changes
      return { ok: false, status: 500, headers: new Headers(), json: async () => ({}) };
    }
    streams.push(init.headers);
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
  const turns = async () => {
    for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
  };
  try {
    desk.configure('https://desk.example.com', 'in_1');
    desk.keep('wt_secret');
    connect();
    await turns();
    assert.deepEqual(s.messages.value.map((m) => m.id), ['m1', 'm2']);
    assert.equal(streams[0]['Last-Event-ID'], undefined);
    t.mock.timers.tick(400); // the first retry fails, and the second at 1.2 s
    await turns();
    t.mock.timers.tick(800);
    await turns();
    assert.equal(streams.length, 3);
    assert.deepEqual(streams.slice(1).map((h) => h['Last-Event-ID']), ['2', '2']);
    assert.equal(s.reconnecting.value, false, 'a short drop shows nothing');
    t.mock.timers.tick(300); // down for 1.5 s: the banner
    assert.equal(s.reconnecting.value, true);
    t.mock.timers.tick(1300); // the third retry, at 2.8 s, gets through
    await turns();
    assert.equal(s.reconnecting.value, false);
    assert.deepEqual(s.messages.value.map((m) => m.id), ['m1', 'm2', 'm3'], 'm2 came again and was dropped');
    assert.equal(reloads, 1, 'a reset reloads the session');
    t.mock.timers.tick(400); // dropped again: the server refuses the session now
    await turns();
    assert.equal(streams[4]['Last-Event-ID'], '9', 'after a reset, from the reset on');
    assert.equal(desk.token(), null, 'the refused session is forgotten');
    t.mock.timers.tick(60_000);
    await turns();
    assert.equal(streams.length, 5, 'and the stream stays shut');
  } finally {
    disconnect();
    globalThis.fetch = realFetch;
    desk.forget();
  }
});
