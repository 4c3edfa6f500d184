// attachment.js — a file in a message: images shown inline, other files saved on request.
// The token is a header, so an <img src> or <a href> could not fetch them: blob URLs instead.

import { html, signal } from './kit.js';
import * as api from './api.js';
import { tx, currentLang } from './i18n.js';
import { bytes } from './text.js';
import { FileIcon, Download } from './icons.js';

/** What the widget knows of each attachment, by id: `{ busy }`, `{ url }` or `{ error }`. */
const got = signal({});
/** The fetches, by id: each file is fetched once and resolves to its blob URL (or null). */
const fetches = new Map();

function note(id, value) {
  got.value = { ...got.value, [id]: value };
}

function fetchOnce(id) {
  if (!fetches.has(id)) {
    note(id, { busy: true });
    const answer = api.blob(id).then(
      (b) => {
        const url = URL.createObjectURL(b);
        note(id, { url });
        return url;
      },
      (err) => {
        fetches.delete(id); // asked again, it is fetched again
        note(id, { error: api.describe(err) });
        return null;
      },
    );
    fetches.set(id, answer);
  }
  return fetches.get(id);
}

/** Saves a file: fetched (once), then handed to the browser as a download. */
async function save(a, event) {
  const host = event.currentTarget.parentNode;
  const url = await fetchOnce(a.id);
  if (!url) return;
  const link = document.createElement('a');
  link.href = url;
  link.download = a.name || 'file';
  link.hidden = true;
  host.append(link);
  link.click();
  link.remove();
}

const isImage = (a) => /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i.test(a.content_type || '');

export function Attachment({ a }) {
  const file = got.value[a.id];
  if (isImage(a)) {
    // Asked for during the render; the answer lands in a signal, which redraws.
    if (!file) queueMicrotask(() => fetchOnce(a.id));
    if (file?.url) {
      return html`<a class="att-image" href=${file.url} target="_blank" rel="noopener" title=${a.name}>
        <img src=${file.url} alt=${a.name} /></a>`;
    }
    if (file?.error) return html`<span class="att-file att-missing">${tx('attachment.unavailable', { name: a.name })}</span>`;
    return html`<span class="att-image att-loading" role="img" aria-label=${tx('attachment.loading', { name: a.name })}></span>`;
  }
  const size = bytes(a.size || 0, currentLang());
  return html`<span class="att-file">
    <span class="att-icon"><${FileIcon} /></span>
    <span class="att-meta"><span class="att-name">${a.name}</span><span class="att-size">${file?.error || size}</span></span>
    <button type="button" class="att-save" aria-label=${tx('attachment.save', { name: a.name })} onClick=${(e) => save(a, e)}>
      ${file?.busy ? html`<span class="mini-spinner" aria-hidden="true"></span>` : html`<${Download} />`}
    </button>
  </span>`;
}
