// field.js — a labelled text field, the way every form of the pages writes one.
import { html } from './html.js';

/** A label and its input; `set` receives each new value. */
export function Field({ id, label, value, set, type = 'text', autocomplete }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} type=${type} autocomplete=${autocomplete} value=${value} onInput=${(e) => set(e.target.value)} />
  </div>`;
}
