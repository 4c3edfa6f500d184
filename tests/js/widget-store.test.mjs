// The widget's small signals (static/widget/store.js, in place of @preact/signals-core): an
// effect reruns when what it read changes, only for what it read last time, once per batch;
// peek() reads without depending; computed values follow their signals; effects woken by an
// effect's writes run after it, not inside it. Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { signal, computed, effect, batch } from '../../static/widget/store.js';

test('an effect reruns when a signal it read changes, and only then', () => {
  const a = signal(1);
  const b = signal('x');
  const seen = [];
  effect(() => seen.push(a.value));
  a.value = 2;
  a.value = 2; // the same value wakes nobody
  b.value = 'y'; // not read
  assert.deepEqual(seen, [1, 2]);
});

test('what an effect depends on is what it read on its last run', () => {
  const flag = signal(true);
  const a = signal('a');
  const b = signal('b');
  const seen = [];
  effect(() => seen.push(flag.value ? a.value : b.value));
  b.value = 'b2'; // not read yet
  flag.value = false;
  a.value = 'a2'; // no longer read
  b.value = 'b3';
  assert.deepEqual(seen, ['a', 'b2', 'b3']);
});

test('a batch wakes each effect once, at its end; peek() does not subscribe', () => {
  const a = signal(1);
  const b = signal(1);
  const quiet = signal(0);
  const seen = [];
  effect(() => seen.push(a.value + b.value + quiet.peek()));
  const out = batch(() => {
    a.value = 2;
    b.value = 3;
    assert.deepEqual(seen, [2], 'not yet');
    return 'done';
  });
  assert.equal(out, 'done');
  quiet.value = 10;
  assert.deepEqual(seen, [2, 5]);
});

test('computed values follow their signals', () => {
  const list = signal([1, 2, 3]);
  const big = computed(() => list.value.filter((n) => n > 1).length);
  const seen = [];
  effect(() => seen.push(big.value));
  list.value = [5, 6, 7, 8];
  assert.equal(big.value, 4);
  assert.deepEqual(seen, [2, 4]);
});

test("an effect's writes run the effects they wake after it, itself included", () => {
  const count = signal(0);
  const doubled = signal(0);
  const order = [];
  effect(() => {
    order.push(`double ${count.value}`);
    doubled.value = count.value * 2;
    order.push('double done');
  });
  effect(() => order.push(`show ${doubled.value}`));
  order.length = 0;
  count.value = 1;
  assert.deepEqual(order, ['double 1', 'double done', 'show 2']);
  // An effect that keeps waking itself is stopped, not left to spin.
  const loop = signal(0);
  assert.throws(() => effect(() => (loop.value = loop.value + 1)), /keep waking/);
});
