// contact.js — the customer of the open conversation: name, email, phone, custom
// attributes and the CRM link, all editable, a change seen live by every agent (the
// `contact.updated` event); past conversations with them.

import { html, useState, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { fetchFile, saveBlob } from '/common/files.js';
import { Field } from '/common/field.js';
import { t, currentLang } from '/common/i18n.js';
import { when, initials } from '/common/format.js';
import { describe } from '/common/problem.js';
import { now } from './clock.js';
import * as s from './state.js';

function Edit({ contact, onSaved, onCancel }) {
  const [name, setName] = useState(contact.name || '');
  const [email, setEmail] = useState(contact.email || '');
  const [phone, setPhone] = useState(contact.phone || '');
  const [crm, setCrm] = useState(contact.crm_url || '');
  // Attributes as rows of [name, value]; a name left empty drops the row.
  const [attrs, setAttrs] = useState(Object.entries(contact.attributes || {}).map(([k, v]) => [k, String(v)]));
  const [error, setError] = useState('');
  const setAttr = (i, j, v) => setAttrs(attrs.map((row, n) => (n === i ? (j ? [row[0], v] : [v, row[1]]) : row)));
  async function save(e) {
    e.preventDefault();
    const attributes = {};
    for (const k of Object.keys(contact.attributes || {})) attributes[k] = null;
    for (const [k, v] of attrs) if (k.trim()) attributes[k.trim()] = v;
    try {
      onSaved(await api('PATCH', `/api/v1/contacts/${contact.id}`, { name, email, phone, crm_url: crm, attributes }));
    } catch (err) {
      setError(describe(err));
    }
  }
  return html`<form onSubmit=${save}>
    <${Field} id="contact-name" label=${t('contact.name')} value=${name} set=${setName} type="text" />
    <${Field} id="contact-email" label=${t('contact.email')} value=${email} set=${setEmail} type="email" />
    <${Field} id="contact-phone" label=${t('contact.phone')} value=${phone} set=${setPhone} type="tel" />
    <${Field} id="contact-crm" label=${t('contact.crm_link')} value=${crm} set=${setCrm} type="url" />
    <fieldset class="attrs">
      <legend>${t('contact.attributes')}</legend>
      ${attrs.map(([k, v], i) => html`<div class="attr-row">
        <input aria-label=${t('contact.attribute_name')} value=${k} onInput=${(e) => setAttr(i, 0, e.target.value)} />
        <input aria-label=${t('contact.attribute_value', { name: k })} value=${v} onInput=${(e) => setAttr(i, 1, e.target.value)} />
        <button type="button" class="chip-x" aria-label=${t('contact.attribute_remove', { name: k })}
          onClick=${() => setAttrs(attrs.filter((_, n) => n !== i))}>×</button>
      </div>`)}
      <button type="button" class="btn btn-link" onClick=${() => setAttrs([...attrs, ['', '']])}>${t('contact.attribute_add')}</button>
    </fieldset>
    ${error && html`<p class="field-error" role="alert">${error}</p>`}
    <div class="row">
      <button class="btn btn-primary btn-sm" type="submit">${t('action.save')}</button>
      <button class="btn btn-secondary btn-sm" type="button" onClick=${onCancel}>${t('action.cancel')}</button>
    </div>
  </form>`;
}

/** The files exchanged with the customer, newest first, read when the section opens. */
function Files({ id }) {
  const [files, setFiles] = useState(null);
  const show = (e) => {
    if (e.target.open && files === null) {
      api('GET', `/api/v1/contacts/${id}/attachments`).then((l) => setFiles(l.items || []), () => setFiles([]));
    }
  };
  return html`<details class="past-box" onToggle=${show}>
    <summary><h3>${t('contact.files')}</h3></summary>
    ${files === null ? html`<p class="muted">${t('app.loading')}</p>` : files.length === 0
      ? html`<p class="muted">${t('contact.no_files')}</p>`
      : html`<ul class="past">${files.map((a) => html`<li><${Download} a=${a} /></li>`)}</ul>`}
  </details>`;
}

/** A link that fetches the file with the session's token and saves it. */
function Download({ a }) {
  const save = () => fetchFile(`/api/v1/attachments/${a.id}`).then((f) => saveBlob(f.blob, a.filename), () => {});
  return html`<button type="button" class="btn btn-link" onClick=${save}>${a.filename}</button>`;
}

export function ContactCard() {
  const id = s.conversation.value?.contact?.id;
  const [contact, setContact] = useState(null);
  const [past, setPast] = useState(null);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    setContact(null);
    setEditing(false);
    if (!id) return;
    setPast(null);
    api('GET', `/api/v1/contacts/${id}`).then(setContact, () => setContact(null));
  }, [id, s.contactVersion.value]);
  // The customer's other conversations are read when the section is opened.
  const showPast = (e) => {
    if (e.target.open && past === null) {
      api('GET', `/api/v1/contacts/${id}/conversations?limit=10`).then((p) => setPast(p.items), () => setPast([]));
    }
  };
  if (!id) return null;
  if (!contact) return html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`;
  const attrs = Object.entries(contact.attributes || {});
  return html`<div class="contact">
    <div class="contact-head">
      <span class="avatar avatar-lg" aria-hidden="true">${initials(contact.name)}</span>
      <h2>${contact.name || t('contact.unnamed')}</h2>
    </div>
    ${editing
      ? html`<${Edit} contact=${contact} onSaved=${(c) => { setContact(c); setEditing(false); }} onCancel=${() => setEditing(false)} />`
      : html`<dl class="facts">
          <dt>${t('contact.email')}</dt><dd>${contact.email || '—'}</dd>
          <dt>${t('contact.phone')}</dt><dd>${contact.phone || '—'}</dd>
          ${attrs.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}
          ${contact.crm_url && html`<dt>${t('contact.crm')}</dt><dd><a href=${contact.crm_url} target="_blank" rel="noopener noreferrer">${t('contact.open_crm')}</a></dd>`}
        </dl>
        <button class="btn btn-secondary btn-sm" type="button" onClick=${() => setEditing(true)}>${t('action.edit')}</button>`}
    <${Files} id=${id} />
    <details class="past-box" onToggle=${showPast}>
      <summary><h3>${t('contact.past')}</h3></summary>
      ${past === null ? html`<p class="muted">${t('app.loading')}</p>` : html`<ul class="past">
        ${past.map((p) => html`<li><button type="button" class="btn btn-link" onClick=${() => s.open(p.id)}>
          #${p.number} · ${t(`cstatus.${p.status}`)} · ${when(p.updated_at, now.value, currentLang())}</button></li>`)}
      </ul>`}
    </details>
  </div>`;
}
