// The server's English system sentences, said again in Italian and Spanish.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// i18n.js fetches its strings; here they are read from the files.
const strings = (lang) => JSON.parse(readFileSync(new URL(`../../static/i18n/${lang}.json`, import.meta.url)));
globalThis.document = { documentElement: {} };
globalThis.localStorage = { getItem: () => null, setItem: () => {} };
globalThis.navigator = { languages: ['it'] };
globalThis.fetch = async (url) => ({ ok: true, json: async () => strings(url.match(/(\w+)\.json$/)[1]) });

const { loadLang } = await import('../../static/common/i18n.js');
const { systemText } = await import('../../static/agent/system.js');

const says = (key, parts = {}) => ({ key, parts });

test('system entries are said in the page language from their sentence and parts', async () => {
  await loadLang('it');
  assert.equal(systemText({ text: 'Ana Ruiz took the conversation', says: says('took', { who: 'Ana Ruiz' }) }), 'Ana Ruiz ha preso la conversazione');
  assert.equal(
    systemText({ text: '…', says: says('closed', { who: 'Ana Ruiz', reason: 'Solved', note: 'customer happy' }) }),
    'Ana Ruiz ha chiuso la conversazione (Solved): customer happy',
  );
  assert.equal(
    systemText({ text: '…', says: says('transferred_team', { who: 'Ana', to: 'Support', note: 'VIP' }) }),
    'Ana ha trasferito la conversazione al team Support: VIP',
  );
  // A name that looks like the English sentence changes nothing.
  assert.equal(
    systemText({ text: '…', says: says('joined', { who: 'Bob took the conversation' }) }),
    'Bob took the conversation è entrato nella conversazione',
  );
  assert.equal(systemText({ text: '…', says: says('priority_set', { who: 'Ana', priority: 'high' }) }), 'Ana ha impostato la priorità a Alta');
  await loadLang('es');
  assert.equal(systemText({ text: 'Offered to Marco Bianchi', says: says('offered', { to: 'Marco Bianchi' }) }), 'Ofrecida a Marco Bianchi');
  assert.equal(systemText({ text: 'Offer to Ana withdrawn', says: says('withdrawn_away', { to: 'Ana' }) }), 'Oferta a Ana retirada: se ausentó');
  assert.equal(systemText({ text: 'A new kind of entry', says: says('something_new') }), 'A new kind of entry', 'unknown: as written');
  assert.equal(systemText({ text: '…', says: says('rated', { score: '4', note: 'muy amable' }) }), 'El cliente valoró la conversación con 4 de 5: muy amable');
  assert.equal(systemText({ text: 'Written before says existed' }), 'Written before says existed');
});

test('in English the page says exactly what the server wrote', async () => {
  await loadLang('en');
  // The same examples as domain::says's unit test.
  assert.equal(systemText({ text: '', says: says('took', { who: 'Ana Ruiz' }) }), 'Ana Ruiz took the conversation');
  assert.equal(
    systemText({ text: '', says: says('closed', { who: 'Ana', reason: 'Solved', note: 'all good' }) }),
    'Ana closed the conversation (Solved): all good',
  );
  assert.equal(systemText({ text: '', says: says('priority_set', { who: 'Ana', priority: 'high' }) }), 'Ana set the priority to High');
  assert.equal(systemText({ text: '', says: says('rated', { score: '5' }) }), 'The customer rated the conversation 5 out of 5');
});
