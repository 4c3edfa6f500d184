// Unit tests of static/common/format.js. Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { relative, duration, list, plural, day } from '../../static/common/format.js';

const now = Date.UTC(2026, 11, 5, 12, 0, 0);

test('relative times in three languages', () => {
  assert.equal(relative(now - 2 * 60e3, now, 'en'), '2 minutes ago');
  assert.equal(relative(now - 2 * 60e3, now, 'it'), '2 minuti fa');
  assert.equal(relative(now - 2 * 60e3, now, 'es'), 'hace 2 minutos');
  assert.equal(relative(now - 5e3, now, 'en'), 'now');
  assert.equal(relative(now - 3 * 3600e3, now, 'it'), '3 ore fa');
});

test('ticking durations', () => {
  assert.equal(duration(9e3), '0:09');
  assert.equal(duration(12 * 60e3 + 3e3), '12:03');
  assert.equal(duration(3723e3), '1:02:03');
  assert.equal(duration(2 * 86400e3 + 3723e3), '2 d 1:02:03');
  assert.equal(duration(-5), '0:00');
});

test('lists, plurals and days', () => {
  assert.equal(list(['Ana', 'Marco', 'Lucía'], 'en'), 'Ana, Marco, and Lucía');
  assert.equal(list(['Ana', 'Marco', 'Lucía'], 'it'), 'Ana, Marco e Lucía');
  assert.equal(list(['Ana', 'Marco'], 'es'), 'Ana y Marco');
  assert.equal(plural(1, 'it'), 'one');
  assert.equal(plural(3, 'es'), 'other');
  assert.equal(day(now, now, 'it'), 'oggi');
  assert.equal(day(now - 86400e3, now, 'es'), 'ayer');
});
