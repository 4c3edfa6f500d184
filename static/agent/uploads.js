// uploads.js — files for the next message: picked with a button, dropped on the composer or
// pasted. Each is uploaded at once (its kind guessed from its type, a sticker when the agent
// says so) and listed with its name; the server's refusal (too large, a sticker that is not
// 512×512, not transparent or over 100 KB) is shown in its words, and the file left out.

import { html, useState } from '/common/html.js';
import { api, getToken } from '/common/api.js';
import { t } from '/common/i18n.js';

function kindOf(file, forced) {
  if (forced) return forced;
  const type = file.type || '';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  return 'document';
}

async function upload(file, kind) {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', file, file.name || 'file');
  const r = await fetch('/api/v1/attachments', {
    method: 'POST',
    headers: { Authorization: `Bearer ${getToken()}` },
    body: form,
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.detail || body.title || `HTTP ${r.status}`);
  return body;
}

/** The files of the next message: `{ files, add, remove, clear, errors }`. */
export function useUploads() {
  const [files, setFiles] = useState([]);
  const [errors, setErrors] = useState([]);
  /** Uploads `list`; `forced` names the kind (`sticker`, `voice`) instead of guessing it. */
  async function add(list, forced = null) {
    setErrors([]);
    for (const file of list) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      setFiles((f) => [...f, { key, name: file.name, busy: true }]);
      try {
        const a = await upload(file, kindOf(file, forced));
        setFiles((f) => f.map((x) => (x.key === key ? { key, name: a.filename || file.name, id: a.id } : x)));
      } catch (err) {
        setFiles((f) => f.filter((x) => x.key !== key));
        setErrors((e) => [...e, t('upload.refused', { name: file.name, reason: err.message })]);
      }
    }
  }
  return {
    files,
    errors,
    add,
    remove: (key) => setFiles((f) => f.filter((x) => x.key !== key)),
    clear: () => {
      setFiles([]);
      setErrors([]);
    },
    /** Adds a file already on the server (from the library). */
    reuse: (a) => setFiles((f) => (f.some((x) => x.id === a.id) ? f : [...f, { key: a.id, name: a.filename, id: a.id }])),
    ids: () => files.filter((f) => f.id).map((f) => f.id),
    busy: () => files.some((f) => f.busy),
  };
}

export function Uploads({ u }) {
  return html`${u.files.length > 0 && html`<ul class="uploads" aria-label=${t('upload.files')}>
      ${u.files.map((f) => html`<li class="chip" key=${f.key}>${f.busy ? t('upload.sending', { name: f.name }) : f.name}
        <button type="button" class="chip-x" aria-label=${t('upload.remove', { name: f.name })} onClick=${() => u.remove(f.key)}>×</button></li>`)}
    </ul>`}
    ${u.errors.map((e) => html`<p class="action-error" role="alert">${e}</p>`)}`;
}

/** The library's files and stickers, to add to the next message. */
function Library({ u }) {
  const [items, setItems] = useState(null);
  const [open, setOpen] = useState(false);
  const toggle = () => {
    setOpen(!open);
    if (!items) api('GET', '/api/v1/library').then((l) => setItems(l.items || []), () => setItems([]));
  };
  return html`<span class="library">
    <button type="button" class="btn btn-secondary btn-sm" aria-expanded=${String(open)} onClick=${toggle}>${t('upload.library')}</button>
    ${open && html`<div class="popover card library-list" role="group" aria-label=${t('upload.library')}>
      ${items === null && html`<p class="muted">${t('app.loading')}</p>`}
      ${items && items.length === 0 && html`<p class="muted">${t('upload.library_empty')}</p>`}
      ${items && items.map((a) => html`<button type="button" class="btn btn-link" onClick=${() => { u.reuse(a); setOpen(false); }}>
        ${a.filename} <span class="muted">· ${t(`upload.kind.${a.kind}`)}</span></button>`)}
    </div>`}
  </span>`;
}

/** The attach buttons: files of any kind, a sticker, or a file of the library. */
export function AttachButtons({ u }) {
  const pick = (sticker) => (e) => {
    u.add([...e.target.files], sticker ? 'sticker' : null);
    e.target.value = '';
  };
  return html`<label class="btn btn-secondary btn-sm attach">${t('upload.attach')}
      <input type="file" multiple class="sr-only" onChange=${pick(false)} /></label>
    <label class="btn btn-secondary btn-sm attach">${t('upload.sticker')}
      <input type="file" accept="image/png,image/webp" class="sr-only" onChange=${pick(true)} /></label>
    <${Library} u=${u} />`;
}
