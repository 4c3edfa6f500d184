// files.js — the file library agents send from (documents, images, stickers): the list with
// kind, size and when it was added, and an upload that keeps the workspace's limits (a
// refusal says which, in the server's words).

import { html, useState, useEffect } from '/common/html.js';
import { api, getToken } from '/common/api.js';
import { t, currentLang } from '/common/i18n.js';
import { dateTime } from '/common/format.js';
import { describe } from '/common/problem.js';
import { ApiError } from '/common/api.js';
import { Said } from './form.js';

const KINDS = ['document', 'image', 'sticker', 'audio', 'video'];

/** Bytes in words: "12 KB", "3.4 MB". */
export function size(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

async function upload(file, kind) {
  const form = new FormData();
  form.append('file', file);
  form.append('kind', kind);
  const r = await fetch('/api/v1/library', { method: 'POST', headers: { Authorization: `Bearer ${getToken()}` }, body: form });
  if (!r.ok) {
    const p = await r.json().catch(() => ({}));
    throw new ApiError({ status: r.status, title: p.title || '', detail: p.detail || '', errors: p.errors || [] });
  }
}

export function Files() {
  const [items, setItems] = useState(null);
  const [kind, setKind] = useState('document');
  const [said, setSaid] = useState(null);
  const load = () => api('GET', '/api/v1/library').then((p) => setItems(p.items || []), (err) => setSaid({ ok: false, text: describe(err) }));
  useEffect(() => {
    load();
  }, []);
  async function onFile(e) {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    try {
      await upload(file, kind);
      setSaid({ ok: true, text: t('admin.uploaded', { name: file.name }) });
      load();
    } catch (err) {
      setSaid({ ok: false, text: describe(err) });
    }
  }
  return html`<section class="admin-section" aria-labelledby="h-files">
    <div class="section-head"><h2 id="h-files">${t('admin.s.files')}</h2>
      <div class="row">
        <label class="sr-only" for="file-kind">${t('admin.f.kind')}</label>
        <select id="file-kind" value=${kind} onChange=${(e) => setKind(e.target.value)}>
          ${KINDS.map((k) => html`<option value=${k}>${t(`admin.kind.${k}`)}</option>`)}</select>
        <label class="btn btn-primary btn-sm file-pick">${t('admin.upload')}<input type="file" class="sr-only" onChange=${onFile} /></label>
      </div></div>
    <${Said} said=${said} />
    ${items && items.length === 0 && html`<div class="empty"><p>${t('admin.empty')}</p></div>`}
    ${items && items.length > 0 && html`<div class="table-wrap"><table class="grid">
      <thead><tr>${['admin.c.file', 'admin.f.kind', 'admin.c.size', 'admin.c.created'].map((k) => html`<th>${t(k)}</th>`)}</tr></thead>
      <tbody>${items.map((f) => html`<tr key=${f.id}><td><strong>${f.filename}</strong><div class="muted small">${f.mime}</div></td>
        <td>${t(`admin.kind.${f.kind}`)}</td><td class="num">${size(f.size)}</td><td>${dateTime(f.created_at, currentLang())}</td></tr>`)}</tbody>
    </table></div>`}
  </section>`;
}
