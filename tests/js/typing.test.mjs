// "Is typing" both ways (static/agent/typing.js), on a fake clock: the customer's hint and
// its expiry, and what the agent's composer tells the server, and how often.
import test from 'node:test';
import assert from 'node:assert/strict';

import { TypingWatch, TypingSender, HINT_MS, SEND_EVERY_MS } from '../../static/agent/typing.js';

/** Timers that run when the test moves the clock. */
function fakeTimers() {
  let now = 0;
  let next = 1;
  const due = new Map();
  return {
    setTimeout: (f, ms) => (due.set(next, { f, at: now + ms }), next++),
    clearTimeout: (id) => due.delete(id),
    advance(ms) {
      now += ms;
      for (const [id, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now && due.has(id)) {
          due.delete(id);
          t.f();
        }
      }
    },
    now: () => now,
  };
}

test('a customer typing shows until they stop, write, or fall silent for 6 s', () => {
  const clock = fakeTimers();
  let shown = {};
  const w = new TypingWatch({ onChange: (m) => (shown = m), setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  w.event({ type: 'typing', conversation_id: 'c1', active: true, from: 'customer' });
  assert.deepEqual(shown, { c1: true });
  // Agents' typing (a colleague's, or this agent's own echo) is not a customer's.
  w.event({ type: 'typing', conversation_id: 'c2', active: true, from: 'agent', agent_id: 'u1' });
  assert.deepEqual(shown, { c1: true });
  // A new `active: true` keeps it for another 6 s.
  clock.advance(HINT_MS - 1000);
  w.event({ type: 'typing', conversation_id: 'c1', active: true, from: 'customer' });
  clock.advance(HINT_MS - 1000);
  assert.deepEqual(shown, { c1: true });
  clock.advance(1000);
  assert.deepEqual(shown, {}, 'gone 6 s after the last active:true');
  // active:false ends it at once; so does their message.
  w.event({ type: 'typing', conversation_id: 'c1', active: true, from: 'customer' });
  w.event({ type: 'typing', conversation_id: 'c3', active: true, from: 'customer' });
  w.event({ type: 'typing', conversation_id: 'c1', active: false, from: 'customer' });
  assert.deepEqual(shown, { c3: true });
  w.stop('c3');
  assert.deepEqual(shown, {});
  clock.advance(HINT_MS * 2);
  assert.deepEqual(shown, {});
});

test('the agent tells the server at most every 3 s, only for replies, and says when it stops', () => {
  const clock = fakeTimers();
  const sent = [];
  const t = new TypingSender({ post: (id, active) => sent.push([id, active]), now: clock.now });
  t.typed('c1', 'reply', 'H');
  clock.advance(500);
  t.typed('c1', 'reply', 'He');
  clock.advance(SEND_EVERY_MS - 600);
  t.typed('c1', 'reply', 'Hel');
  assert.deepEqual(sent, [['c1', true]], 'one active:true within 3 s');
  clock.advance(100);
  t.typed('c1', 'reply', 'Hell');
  assert.deepEqual(sent, [['c1', true], ['c1', true]]);
  // Sent: active:false, once.
  t.stopped();
  t.stopped();
  assert.deepEqual(sent.slice(2), [['c1', false]]);
  // A note is never announced; turning a reply into a note ends the typing.
  t.typed('c1', 'note', 'internal remark');
  assert.equal(sent.length, 3);
  t.typed('c1', 'reply', 'x');
  t.typed('c1', 'note', 'x');
  assert.deepEqual(sent.slice(3), [['c1', true], ['c1', false]]);
  // Clearing the text ends it; blank text never starts it.
  t.typed('c1', 'reply', '   ');
  assert.equal(sent.length, 5);
  t.typed('c1', 'reply', 'a');
  t.typed('c1', 'reply', '');
  assert.deepEqual(sent.slice(5), [['c1', true], ['c1', false]]);
  // Another conversation: the first one stops, the second starts at once.
  t.typed('c1', 'reply', 'a');
  t.typed('c2', 'reply', 'b');
  assert.deepEqual(sent.slice(7), [['c1', true], ['c1', false], ['c2', true]]);
});
