// field.js — a labelled text field and a form's footer (its error, submit and cancel), the
// way every form of the pages writes them.
import { html } from './html.js';
import { t } from './i18n.js';

/** A label and its input; `set` receives each new value. */
export function Field({ id, label, value, set, type = 'text', autocomplete }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} type=${type} autocomplete=${autocomplete} value=${value} onInput=${(e) => set(e.target.value)} />
  </div>`;
}

/** A form's error and its submit and cancel buttons. */
export function FormFooter({ error, submit, onDone }) {
  return html`${error && html`<p class="field-error" role="alert">${error}</p>`}
    <div class="row">
      <button class="btn btn-primary btn-sm" type="submit">${submit}</button>
      <button class="btn btn-secondary btn-sm" type="button" onClick=${onDone}>${t('action.cancel')}</button>
    </div>`;
}
