// The widget's live events (static/widget/live.js) on its state (store.js): replies land
// once, the customer's own message replaces its "sending" copy, the typing hint goes after
// 6 s or with the reply, a closed conversation asks for stars, and the stream sends the
// customer's token in X-Customer-Token (never Authorization, never cookies) and resumes
// with Last-Event-ID. Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import * as s from '../../static/widget/store.js';
import * as api from '../../static/widget/api.js';
import { onEvent, connect, disconnect, TYPING_MS } from '../../static/widget/live.js';

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
    api.configure('https://desk.example.com', 'in_1');
    api.keep('wt_secret');
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
    api.forget();
  }
});
