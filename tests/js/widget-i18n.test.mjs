// The widget's strings (static/widget/i18n/{en,it,es}.json): the three files have the same
// keys and placeholders, every `tx('key')` the widget's code asks for exists, so do the
// loader's launcher words in each language, and the language follows data-lang, then the
// browser. Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { setStrings, tx } from '../../static/widget/text.js';

const dir = new URL('../../static/widget/', import.meta.url);
const read = (name) => readFileSync(new URL(name, dir), 'utf8');
const langs = Object.fromEntries(['en', 'it', 'es'].map((l) => [l, JSON.parse(read(`i18n/${l}.json`))]));
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('English, Italian and Spanish have the same keys and placeholders', () => {
  const keys = Object.keys(langs.en).sort();
  for (const l of ['it', 'es']) {
    assert.deepEqual(Object.keys(langs[l]).sort(), keys, `${l}.json`);
    for (const k of keys) {
      assert.deepEqual(placeholders(langs[l][k]), placeholders(langs.en[k]), `${l}: ${k}`);
      assert.ok(langs[l][k].trim(), `${l}: ${k} is empty`);
    }
  }
  // Real translations, not copies (a few words are the same in every language).
  const same = keys.filter((k) => langs.it[k] === langs.en[k] || langs.es[k] === langs.en[k]);
  assert.ok(same.length <= 4, `untranslated: ${same}`);
});

test('every string the widget asks for exists', () => {
  const code = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => [f, read(f)]);
  let asked = 0;
  for (const [file, text] of code) {
    for (const m of text.matchAll(/\btx\('([^']+)'/g)) {
      const key = m[1];
      assert.ok(key in langs.en || (`${key}.one` in langs.en && `${key}.other` in langs.en), `${file} asks for ${key}`);
      asked++;
    }
    // Keys built at run time: `tx(\`rating.word.${score}\`)` for one to five stars.
    if (text.includes('tx(`rating.word.${score}`)')) for (let n = 1; n <= 5; n++) assert.ok(`rating.word.${n}` in langs.en);
  }
  assert.ok(asked > 50, `${asked} strings`);
});

const loader = read('widget.js');
const words = JSON.parse(loader.slice(loader.indexOf('/*words*/') + 9, loader.indexOf('/*end words*/')));

test("the loader's launcher words: the same keys and placeholders in each language", () => {
  const keys = Object.keys(words.en).sort();
  assert.deepEqual(Object.keys(words).sort(), ['en', 'es', 'it']);
  for (const l of ['it', 'es']) {
    assert.deepEqual(Object.keys(words[l]).sort(), keys, l);
    for (const k of keys) {
      assert.deepEqual(placeholders(words[l][k]), placeholders(words.en[k]), `${l}: ${k}`);
      assert.notEqual(words[l][k], words.en[k], `${l}: ${k} is untranslated`);
    }
  }
  let asked = 0;
  for (const m of loader.matchAll(/\bsay\('([^']+)'/g)) {
    assert.ok(m[1] in words.en || `${m[1]}.other` in words.en, `the loader asks for ${m[1]}`);
    asked++;
  }
  assert.ok(asked >= 5, `${asked} strings`);
  // Only the loader shows them: the panel's files do not carry copies.
  for (const l of ['en', 'it', 'es']) assert.deepEqual(Object.keys(langs[l]).filter((k) => k.startsWith('launcher.')), [], l);
});

test('the language: data-lang, else the browser, else English', () => {
  // The loader is one closure: its pickLang is read out of its text.
  const source = /function pickLang\(tags\) \{[\s\S]*?\n  \}/.exec(loader)[0];
  const pickLang = new Function('WORDS', `${source}; return pickLang;`)(words);
  assert.equal(pickLang(['it', 'es-ES']), 'it');
  assert.equal(pickLang(['', 'de-DE', 'es-MX', 'en']), 'es');
  assert.equal(pickLang(['fr', 'pt-BR']), 'en');
  assert.equal(pickLang([undefined, 'IT_it']), 'it');
});

test('placeholders and plurals', () => {
  setStrings('it', langs.it, langs.en);
  assert.equal(tx('typing.named', { name: 'Ana' }), 'Ana sta scrivendo…');
  assert.equal(tx('rating.stars', { count: 1 }), '1 stella');
  assert.equal(tx('rating.stars', { count: 4 }), '4 stelle');
  assert.equal(tx('rating.thanks', { score: 4 }), 'Hai dato 4 su 5 a questa conversazione. Grazie!');
  assert.equal(tx('no.such.key'), 'no.such.key');
  setStrings('es', { 'only.es': 'sí' }, langs.en);
  assert.equal(tx('composer.send'), 'Send', 'English fills what a language lacks');
  assert.equal(tx('error.retry_after', { count: 1000000 }), 'Try again in 1000000 seconds.');
});
