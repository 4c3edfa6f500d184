// Unit tests of static/widget/text.js (links in messages, sizes, the list's rows, when
// "typing" goes to the desk) and of the loader's inbox colour.
// Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parts, bytes, rows, merge, clock, day, initials, TypingSignal } from '../../static/widget/text.js';

test('links are found in text; everything else stays text, markup included', () => {
  assert.deepEqual(parts('see https://example.com/a?b=1. thanks'), [
    { text: 'see ' },
    { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
    { text: '. thanks' },
  ]);
  assert.deepEqual(parts('<img src=x onerror=alert(1)>'), [{ text: '<img src=x onerror=alert(1)>' }]);
  assert.deepEqual(parts('javascript:alert(1) and ftp://x'), [{ text: 'javascript:alert(1) and ftp://x' }]);
  assert.deepEqual(parts('(https://en.wikipedia.org/wiki/Foo_(bar))'), [
    { text: '(' },
    { text: 'https://en.wikipedia.org/wiki/Foo_(bar)', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' },
    { text: ')' },
  ]);
  assert.deepEqual(parts('(see http://a.b)'), [{ text: '(see ' }, { text: 'http://a.b', href: 'http://a.b' }, { text: ')' }]);
  assert.deepEqual(parts('https://'), [{ text: 'https://' }]);
  assert.deepEqual(parts(''), []);
  assert.deepEqual(parts(undefined), []);
});

test('file sizes in three languages', () => {
  assert.equal(bytes(820, 'en'), '820 B');
  assert.equal(bytes(0, 'it'), '0 B');
  assert.equal(bytes(14_200, 'en'), '14 kB');
  assert.equal(bytes(2_500_000, 'en'), '2.5 MB');
  assert.equal(bytes(2_500_000, 'it'), '2,5 MB');
  assert.equal(bytes(10_000_000, 'es'), '10 MB');
});

test('times, days and initials in three languages', () => {
  const now = new Date(2026, 11, 5, 15, 30).getTime();
  const at = new Date(2026, 11, 5, 9, 5).toISOString();
  assert.equal(clock(at, 'it'), '09:05');
  assert.match(clock(at, 'en'), /^09:05\sAM$/);
  assert.equal(day(at, now, 'en'), 'today');
  assert.equal(day(new Date(2026, 11, 4, 23).toISOString(), now, 'es'), 'ayer');
  assert.equal(day(new Date(2026, 11, 3, 12).toISOString(), now, 'it'), 'giovedì 3 dicembre');
  assert.equal(initials('Wendy Widget'), 'WW');
  assert.equal(initials('  ana '), 'A');
  assert.equal(initials('<img src=x>'), 'IS');
  assert.equal(initials(''), '?');
});

test('the inbox colour, and a readable colour on it (the loader picks it)', () => {
  const loader = readFileSync(new URL('../../static/widget/widget.js', import.meta.url), 'utf8');
  // The loader is one closure: its pure functions are read out of its text.
  const pick = (name) => {
    const source = new RegExp(`function ${name}\\(\\w+\\) \\{[\\s\\S]*?\\n  \\}`).exec(loader)[0];
    return new Function(`${source}; return ${name};`)();
  };
  const accent = pick('accent');
  const onAccent = pick('onAccent');
  assert.equal(accent('#0E7490'), '#0E7490');
  assert.equal(accent('red'), '#4f46e5');
  assert.equal(accent('#fff'), '#4f46e5');
  assert.equal(accent(undefined), '#4f46e5');
  assert.equal(onAccent('#4f46e5'), '#ffffff');
  assert.equal(onAccent('#0e7490'), '#ffffff');
  assert.equal(onAccent('#fde047'), '#101828');
  assert.equal(onAccent('#ffffff'), '#101828');
});

const at = (min, day = 5) => new Date(Date.UTC(2026, 11, day, 10, min)).toISOString();
const m = (id, from, min, day, author) => ({ id, from, created_at: at(min, day), author_name: author, text: id });

test('rows: a separator per day, runs of one author within five minutes', () => {
  const list = [m('a', 'customer', 0, 4), m('b', 'customer', 1), m('c', 'customer', 2), m('d', 'agent', 3, 5, 'Ana'), m('e', 'agent', 20, 5, 'Ana')];
  const r = rows(list);
  assert.deepEqual(r.map((x) => (x.day ? 'day' : `${x.message.id}${x.first ? 'F' : ''}${x.last ? 'L' : ''}`)), [
    'day', 'aFL', 'day', 'bF', 'c' + 'L', 'dFL', 'eFL',
  ]);
});

test('merge keeps time order and one copy of each message', () => {
  let list = [m('a', 'customer', 0), m('c', 'agent', 5)];
  list = merge(list, m('b', 'agent', 3));
  assert.deepEqual(list.map((x) => x.id), ['a', 'b', 'c']);
  list = merge(list, { ...m('b', 'agent', 3), text: 'edited' });
  assert.deepEqual(list.map((x) => x.text), ['a', 'edited', 'c']);
  assert.deepEqual(merge([], m('z', 'agent', 1)).map((x) => x.id), ['z']);
});

test('typing goes out at most every 3 s, and stops once on send or an empty box', () => {
  let now = 0;
  const sent = [];
  const t = new TypingSignal((active) => sent.push([now, active]), { now: () => now });
  t.input('h');
  now = 1000;
  t.input('he');
  now = 2999;
  t.input('hel');
  now = 3000;
  t.input('hell');
  now = 4000;
  t.stop();
  t.stop();
  now = 4100;
  t.input('again');
  now = 4200;
  t.input('   ');
  t.input('');
  assert.deepEqual(sent, [[0, true], [3000, true], [4000, false], [4100, true], [4200, false]]);
});

test('an empty box never says typing', () => {
  const sent = [];
  const t = new TypingSignal((a) => sent.push(a), { now: () => 0 });
  t.input('  ');
  t.stop();
  assert.deepEqual(sent, []);
});
