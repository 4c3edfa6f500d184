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

test('system entries are said in the page language, their names and notes kept', async () => {
  await loadLang('it');
  assert.equal(systemText({ event: 'assigned', text: 'Ana Ruiz took the conversation' }), 'Ana Ruiz ha preso la conversazione');
  assert.equal(
    systemText({ event: 'closed', text: 'Ana Ruiz closed the conversation (Solved): customer happy' }),
    'Ana Ruiz ha chiuso la conversazione (Solved): customer happy',
  );
  assert.equal(
    systemText({ event: 'transferred', text: 'Ana transferred the conversation to the team Support: VIP' }),
    'Ana ha trasferito la conversazione al team Support: VIP',
  );
  await loadLang('es');
  assert.equal(systemText({ event: 'offered', text: 'Offered to Marco Bianchi' }), 'Ofrecida a Marco Bianchi');
  assert.equal(systemText({ event: 'something_new', text: 'A new kind of entry' }), 'A new kind of entry', 'unknown: as written');
  await loadLang('en');
  assert.equal(systemText({ event: 'assigned', text: 'Ana Ruiz took the conversation' }), 'Ana Ruiz took the conversation');
});
