// Overlapping loads applied in the order they were asked for (static/common/order.js): the
// answer to an older reload that comes last must not hide a newer one.
import test from 'node:test';
import assert from 'node:assert/strict';

import { inOrder } from '../../static/common/order.js';

/** A load that answers when the test says so. */
function deferred() {
  let answer;
  const promise = new Promise((resolve) => (answer = resolve));
  return { load: () => promise, answer };
}

test('an older answer that comes last is dropped', async () => {
  const loads = inOrder();
  const shown = [];
  const first = deferred();
  const second = deferred();
  const a = loads.run(first.load, (v) => shown.push(v));
  const b = loads.run(second.load, (v) => shown.push(v));
  assert.equal(loads.running, 2);
  second.answer('closed and rated');
  assert.equal(await b, true);
  first.answer('closed');
  assert.equal(await a, false);
  assert.deepEqual(shown, ['closed and rated']);
  assert.equal(loads.running, 0);
});

test('answers in order are all shown, so a stream of events never starves the page', async () => {
  const loads = inOrder();
  const shown = [];
  const pending = [deferred(), deferred(), deferred()];
  const runs = pending.map((d) => loads.run(d.load, (v) => shown.push(v)));
  // Each answer comes while later loads are still in flight.
  for (const [i, d] of pending.entries()) {
    d.answer(i);
    assert.equal(await runs[i], true);
  }
  assert.deepEqual(shown, [0, 1, 2]);
});

test('a failed load applies nothing and is no longer running', async () => {
  const loads = inOrder();
  const shown = [];
  await assert.rejects(
    loads.run(() => Promise.reject(new Error('offline')), (v) => shown.push(v)),
    /offline/,
  );
  assert.equal(loads.running, 0);
  assert.equal(await loads.run(async () => 'back', (v) => shown.push(v)), true);
  assert.deepEqual(shown, ['back']);
});

test('an answer that no longer fits does not count, so an older one may still apply', async () => {
  // A is open; a load asked for earlier answers last, one asked for later (B, left since)
  // answers first and is refused.
  const loads = inOrder();
  let open = 'A';
  const shown = [];
  const slowA = deferred();
  const fastB = deferred();
  const a = loads.run(slowA.load, (v) => (v.id === open ? shown.push(v.id) : false));
  const b = loads.run(fastB.load, (v) => (v.id === open ? shown.push(v.id) : false));
  fastB.answer({ id: 'B' });
  assert.equal(await b, false);
  slowA.answer({ id: 'A' });
  assert.equal(await a, true);
  assert.deepEqual(shown, ['A']);
});
