// entry.js — one message of the timeline: its author and time, the message it replies to
// (a quote that jumps to it), its text, its attachments shown inline (images, audio, video;
// documents to download), and its reactions with counts and who reacted, which a click
// adds or takes back.

import { html, useState, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { fetchFile } from '/common/files.js';
import { t, currentLang } from '/common/i18n.js';
import { clock, dateTime } from '/common/format.js';
import * as s from './state.js';

export const EMOJI = ['👍', '❤️', '😄', '🎉', '🙏', '👀'];

/** An attachment, fetched with the session's token (an <img src> could not send it). */
function Attachment({ id }) {
  const [file, setFile] = useState(null);
  useEffect(() => {
    let url = null;
    let gone = false;
    fetchFile(`/api/v1/attachments/${id}`)
      .then(({ blob, name }) => {
        url = URL.createObjectURL(blob);
        if (!gone) setFile({ url, type: blob.type, name: name || id });
      })
      .catch(() => !gone && setFile({ error: true }));
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [id]);
  if (!file) return html`<span class="attachment muted">${t('app.loading')}</span>`;
  if (file.error) return html`<span class="attachment muted">${t('attachment.unavailable')}</span>`;
  if (file.type.startsWith('image/')) return html`<img class="attachment attachment-image" src=${file.url} alt=${file.name} />`;
  if (file.type.startsWith('audio/')) return html`<audio class="attachment" controls src=${file.url} aria-label=${file.name}></audio>`;
  if (file.type.startsWith('video/')) return html`<video class="attachment attachment-video" controls src=${file.url} aria-label=${file.name}></video>`;
  return html`<a class="attachment attachment-file" href=${file.url} download=${file.name}>${file.name}</a>`;
}

function Reactions({ m, picking, setPicking }) {
  const me = s.me.value.id;
  const toggle = async (emoji) => {
    const mine = (m.reactions?.[emoji] || []).includes(me);
    const path = `/api/v1/conversations/${m.conversation_id}/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`;
    try {
      await api(mine ? 'DELETE' : 'PUT', path);
      const who = new Set(m.reactions?.[emoji] || []);
      if (mine) who.delete(me);
      else who.add(me);
      s.replaceMessage({ ...m, reactions: { ...m.reactions, [emoji]: [...who] } });
    } catch {
      /* the next refresh shows the truth */
    }
    setPicking(false);
  };
  const names = (ids) =>
    ids.map((id) => (id === me ? t('reaction.you') : s.directory.value.users[id]?.name || t('timeline.colleague'))).join(', ');
  const shown = Object.entries(m.reactions || {}).filter(([, ids]) => ids.length);
  if (!shown.length && !picking) return null;
  return html`<div class="reactions">
    ${shown.map(([emoji, ids]) => html`
      <button type="button" class="reaction" aria-pressed=${String(ids.includes(me))} title=${names(ids)}
        aria-label=${t('reaction.count', { emoji, count: ids.length, who: names(ids) })} onClick=${() => toggle(emoji)}>
        ${emoji} ${ids.length}</button>`)}
    ${picking && html`<span class="palette" role="group" aria-label=${t('reaction.add')}>
      ${EMOJI.map((e) => html`<button type="button" onClick=${() => toggle(e)}>${e}</button>`)}</span>`}
  </div>`;
}

function Quote({ id }) {
  const quoted = s.timeline.value.find((x) => x.id === id);
  const jump = () => {
    const el = document.getElementById(`m-${id}`);
    el?.scrollIntoView({ block: 'center' });
    el?.classList.add('is-flash');
    setTimeout(() => el?.classList.remove('is-flash'), 1200);
  };
  return html`<button type="button" class="quote" onClick=${jump}>${quoted ? quoted.text : t('timeline.earlier')}</button>`;
}

/** The time of an entry (the day is in the separator above it). */
export function Time({ at }) {
  const text = clock(at, currentLang());
  return html`<time datetime=${at} title=${dateTime(at, currentLang())}>${text}</time>`;
}

export function Entry({ m, author }) {
  const [picking, setPicking] = useState(false);
  return html`<li class=${`entry entry-${m.kind}`} id=${`m-${m.id}`}>
    <div class="entry-tools">
      <button type="button" aria-expanded=${String(picking)} aria-label=${t('reaction.add')} title=${t('reaction.add')}
        onClick=${() => setPicking(!picking)}>☺+</button>
      <button type="button" onClick=${() => (s.replyTo.value = m)}>${t('timeline.reply_to')}</button>
    </div>
    <div class="entry-head">
      <span class="entry-author">${author}</span>
      ${m.kind === 'note' && html`<span class="chip chip-note">${t('timeline.note')}</span>`}
      <${Time} at=${m.created_at} />
    </div>
    ${m.reply_to && html`<${Quote} id=${m.reply_to} />`}
    ${m.text && html`<p class="entry-text">${m.text}</p>`}
    ${(m.attachments || []).map((id) => html`<${Attachment} key=${id} id=${id} />`)}
    <${Reactions} m=${m} picking=${picking} setPicking=${setPicking} />
  </li>`;
}
