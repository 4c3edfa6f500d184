// preview.js — a canned response as an agent's customer would read it: the placeholders the
// server fills ({{contact.name}}, {{contact.email}}, {{conversation.number}}, {{agent.name}})
// filled with an example, and any unknown one pointed out before saving.

import { html } from '/common/html.js';
import { t } from '/common/i18n.js';
import * as s from './state.js';

const KNOWN = ['contact.name', 'contact.email', 'conversation.number', 'agent.name'];

/** The body with the example values in place, and the placeholders no conversation fills. */
export function fill(body, agentName) {
  const example = {
    'contact.name': 'María López',
    'contact.email': 'maria@example.org',
    'conversation.number': '#1042',
    'agent.name': agentName,
  };
  const unknown = [];
  const text = String(body || '').replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (whole, name) => {
    if (KNOWN.includes(name)) return example[name];
    unknown.push(whole);
    return whole;
  });
  return { text, unknown };
}

export function Preview({ body }) {
  const { text, unknown } = fill(body, s.me.value?.name || 'Ana');
  return html`<div class="preview" aria-live="polite">
    <p class="preview-head">${t('admin.preview')}</p>
    <p class="preview-body">${text || '—'}</p>
    ${unknown.length > 0 && html`<p class="field-error">${t('admin.unknown_placeholders', { list: unknown.join(', ') })}</p>`}
  </div>`;
}
