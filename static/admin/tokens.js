// tokens.js — API tokens for integrations: create one (its secret is shown once, to copy),
// list them with when they were last used and when they expire, and revoke one.

import { html, useState, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { t, currentLang } from '/common/i18n.js';
import { dateTime } from '/common/format.js';
import { describe } from '/common/problem.js';
import { RecordForm, Said } from './form.js';
import { Secret } from './users.js';

const FIELDS = [
  { name: 'name', label: 'admin.f.token_name', required: true, max: 100 },
  { name: 'expires_in_days', label: 'admin.f.expires_in_days', type: 'number', min: 1, maxValue: 3650, hint: 'admin.h.expires' },
];

export function Tokens() {
  const [items, setItems] = useState(null);
  const [adding, setAdding] = useState(false);
  const [said, setSaid] = useState(null);
  const load = () => api('GET', '/api/v1/tokens').then((p) => setItems(p.items || []), (err) => setSaid({ ok: false, text: describe(err) }));
  useEffect(() => {
    load();
  }, []);
  const when = (at) => (at ? dateTime(at, currentLang()) : '—');
  async function revoke(tk) {
    try {
      await api('DELETE', `/api/v1/tokens/${tk.id}`);
      setSaid({ ok: true, text: t('admin.revoked', { name: tk.name }) });
      load();
    } catch (err) {
      setSaid({ ok: false, text: describe(err) });
    }
  }
  return html`<section class="admin-section" aria-labelledby="h-tokens">
    <div class="section-head"><h2 id="h-tokens">${t('admin.s.tokens')}</h2>
      <button type="button" class="btn btn-primary btn-sm" onClick=${() => setAdding(true)}>${t('admin.new.tokens')}</button></div>
    <${Said} said=${said}>${said?.secret && html`<${Secret} label=${t('admin.token_secret')} value=${said.secret} />`}<//>
    ${adding && html`<${RecordForm} fields=${FIELDS} record=${null} idPrefix="token" submit=${t('admin.create')}
      onDone=${() => setAdding(false)}
      save=${async (body) => {
        const made = await api('POST', '/api/v1/tokens', body);
        setSaid({ ok: true, text: t('admin.created'), secret: made.token });
        load();
      }} />`}
    ${items && items.length === 0 && html`<div class="empty"><p>${t('admin.empty')}</p></div>`}
    ${items && items.length > 0 && html`<div class="table-wrap"><table class="grid">
      <thead><tr>${['admin.f.token_name', 'admin.c.created', 'admin.c.last_used', 'admin.c.expires', 'monitor.col.actions'].map((k) => html`<th>${t(k)}</th>`)}</tr></thead>
      <tbody>${items.map((tk) => html`<tr key=${tk.id}><td><strong>${tk.name}</strong></td><td>${when(tk.created_at)}</td>
        <td>${when(tk.last_used_at)}</td><td>${when(tk.expires_at)}</td>
        <td><button type="button" class="btn btn-secondary btn-sm" aria-label=${`${t('admin.revoke')}: ${tk.name}`}
          onClick=${() => revoke(tk)}>${t('admin.revoke')}</button></td></tr>`)}</tbody>
    </table></div>`}
  </section>`;
}
