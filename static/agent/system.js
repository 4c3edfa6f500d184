// system.js — system entries of the timeline in the page's language. The server keeps what
// each entry says as a sentence's key and its parts (`says`: who, to whom, the note …; see
// `domain::says`), and its English sentences are these pages' own `system.*` strings, so the
// page says the same thing in any language. Codes among the parts (a priority) are said
// through their strings; a reason and a note follow the sentence. An entry written before
// the server kept `says` is shown as the server wrote it.

import { t } from '../common/i18n.js';

/** Parts holding a code, said through the strings `{name}.{code}`. */
const CODED = ['priority', 'status'];

/** The text of a system entry in the page's language. */
export function systemText(m) {
  const says = m.says;
  if (!says || !says.key) return m.text;
  const parts = { ...says.parts };
  for (const name of CODED) {
    if (parts[name]) parts[name] = t(`${name}.${parts[name]}`);
  }
  let text = t(`system.${says.key}`, parts);
  if (text === `system.${says.key}`) return m.text; // a sentence this page does not know yet
  if (parts.reason) text += ` (${parts.reason})`;
  if (parts.note) text += `: ${parts.note}`;
  return text;
}
