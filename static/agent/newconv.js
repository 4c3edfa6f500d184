// newconv.js — starting an outbound conversation (F6) with an existing or new contact: the
// contact is found by email or phone, or created; the conversation lands open and assigned
// to the agent, with the first message sent at once.

import { html, useState, useEffect, useRef } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { Field } from '/common/field.js';
import * as s from './state.js';

export function NewConversation() {
  const ref = useRef(null);
  const inboxes = Object.values(s.directory.value.inboxes);
  const [inbox, setInbox] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // Read while rendering, so that a change renders this again.
  const open = s.composing.value;
  useEffect(() => {
    const d = ref.current;
    if (open && d && !d.open) d.showModal();
    if (!open && d?.open) d.close();
  }, [open]);
  async function submit(e) {
    e.preventDefault();
    if (!inbox) return setError(t('new.pick_inbox'));
    if (!email.trim() && !phone.trim()) return setError(t('new.need_contact'));
    setBusy(true);
    setError('');
    try {
      const contact = { name: name.trim() || undefined, email: email.trim() || undefined, phone: phone.trim() || undefined };
      const c = await api('POST', '/api/v1/conversations', { inbox_id: inbox, contact, subject: subject.trim() });
      if (text.trim()) await api('POST', `/api/v1/conversations/${c.id}/messages`, { kind: 'reply', text });
      s.composing.value = false;
      s.view.value = 'mine';
      s.loadList();
      s.open(c.id);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }
  return html`<dialog ref=${ref} class="help card new-conversation" aria-labelledby="new-title" onClose=${() => (s.composing.value = false)}>
    ${open && html`<form onSubmit=${submit}>
      <h2 id="new-title">${t('new.title')}</h2>
      <div class="field">
        <label for="new-inbox">${t('new.inbox')}</label>
        <select id="new-inbox" value=${inbox} onChange=${(e) => setInbox(e.target.value)}>
          <option value="">${t('new.choose_inbox')}</option>
          ${inboxes.map((i) => html`<option value=${i.id}>${i.name}</option>`)}
        </select>
      </div>
      <${Field} id="new-name" label=${t('contact.name')} value=${name} set=${setName} />
      <${Field} id="new-email" label=${t('contact.email')} value=${email} set=${setEmail} type="email" />
      <${Field} id="new-phone" label=${t('contact.phone')} value=${phone} set=${setPhone} type="tel" />
      <${Field} id="new-subject" label=${t('details.subject')} value=${subject} set=${setSubject} />
      <div class="field">
        <label for="new-text">${t('new.message')}</label>
        <textarea id="new-text" rows="3" value=${text} onInput=${(e) => setText(e.target.value)} />
      </div>
      ${error && html`<p class="field-error" role="alert">${error}</p>`}
      <div class="row">
        <button class="btn btn-primary btn-sm" type="submit" disabled=${busy}>${t('new.start')}</button>
        <button class="btn btn-secondary btn-sm" type="button" onClick=${() => (s.composing.value = false)}>${t('action.cancel')}</button>
      </div>
    </form>`}
  </dialog>`;
}
