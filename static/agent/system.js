// system.js — system entries of the timeline in the page's language. The server writes
// them in English from fixed sentences (`domain::lifecycle`, `routing`, `handover`) and tags
// each with its event; each sentence is read back here into its parts (who, to whom, the
// note) and said again with the page's strings. A sentence that matches nothing is shown as
// the server wrote it.

import { t, currentLang } from '../common/i18n.js';

/** event, the server's sentence, the string that says it, the names of its parts. */
const SENTENCES = [
  ['assigned', /^(.+) took the conversation$/, 'system.took', ['who']],
  ['assigned', /^(.+) assigned the conversation to (.+)$/, 'system.assigned', ['who', 'to']],
  ['unassigned', /^(.+) put the conversation back in the queue$/, 'system.unassigned', ['who']],
  ['closed', /^Closed automatically after no activity$/, 'system.auto_closed', []],
  ['closed', /^(.+?) closed the conversation(?: \(([^)]*)\))?(?:: ([\s\S]+))?$/, 'system.closed', ['who', 'reason', 'note']],
  ['reopened', /^(.+) reopened the conversation$/, 'system.reopened', ['who']],
  ['transferred', /^(.+?) transferred the conversation to the team (.+?)(?:: ([\s\S]+))?$/, 'system.transferred_team', ['who', 'to', 'note']],
  ['transferred', /^(.+?) transferred the conversation to (.+?)(?:: ([\s\S]+))?$/, 'system.transferred', ['who', 'to', 'note']],
  ['conference_invited', /^(.+) invited (.+) to the conversation$/, 'system.invited', ['who', 'to']],
  ['conference_joined', /^(.+) joined the conversation$/, 'system.joined', ['who']],
  ['conference_ended', /^(.+) ended the conference$/, 'system.conference_ended', ['who']],
  ['offered', /^Offered to (.+)$/, 'system.offered', ['to']],
  ['accepted', /^(.+) accepted the transfer$/, 'system.accepted_transfer', ['who']],
  ['accepted', /^(.+) accepted the conversation$/, 'system.accepted', ['who']],
  ['declined', /^(.+) declined the offer$/, 'system.declined', ['who']],
  ['rona', /^(.+) did not answer the offer in time \(RONA\); back in the queue$/, 'system.rona', ['who']],
  ['offer_withdrawn', /^Offer to (.+) withdrawn: (.+)$/, 'system.withdrawn', ['to', 'why']],
  ['handed_off', /^(.+) handed the conversation over to the team$/, 'system.handed_off', ['who']],
];

/** The text of a system entry in the page's language. */
export function systemText(m) {
  if (currentLang() === 'en') return m.text;
  for (const [event, re, key, names] of SENTENCES) {
    if (event !== m.event) continue;
    const found = re.exec(m.text);
    if (!found) continue;
    const parts = Object.fromEntries(names.map((n, i) => [n, found[i + 1] || '']));
    let text = t(key, parts);
    if (parts.reason) text += ` (${parts.reason})`;
    if (parts.note) text += `: ${parts.note}`;
    return text;
  }
  return m.text;
}
