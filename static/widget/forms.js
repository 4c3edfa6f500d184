// forms.js — the pre-chat and away ("we'll reply by email") forms, checked here, then by the server.

import { html, Component, createRef } from './kit.js';
import * as s from './store.js';
import * as actions from './actions.js';
import { tx } from './i18n.js';
import { Mail, Bubble } from './icons.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Typing in a field takes its complaint away. */
function clear(name) {
  if (!s.fieldErrors.value[name]) return;
  const { [name]: gone, ...rest } = s.fieldErrors.value;
  s.fieldErrors.value = rest;
}

function Field({ name, label, need, type = 'text', auto }) {
  if (need === 'off') return null;
  const error = s.fieldErrors.value[name];
  return html`<div class="field">
    <label for=${`sb-${name}`}>${label}${need === 'optional' && html` <span class="optional">${tx('form.optional')}</span>`}</label>
    ${type === 'textarea'
      ? html`<textarea id=${`sb-${name}`} name=${name} rows="3" onInput=${() => clear(name)} aria-required=${need === 'required' ? 'true' : undefined}
          aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? `sb-${name}-error` : undefined}></textarea>`
      : html`<input id=${`sb-${name}`} name=${name} type=${type} onInput=${() => clear(name)} autocomplete=${auto} aria-required=${need === 'required' ? 'true' : undefined}
          aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? `sb-${name}-error` : undefined} />`}
    ${error && html`<p class="field-error" id=${`sb-${name}-error`}>${error}</p>`}
  </div>`;
}

/** What is wrong with the form's values, by field (empty when nothing is). */
export function check(values, needs) {
  const errors = {};
  if (needs.name === 'required' && !values.name) errors.name = tx('form.need_name');
  if (needs.email === 'required' && !values.email) errors.email = tx('form.need_email');
  else if (values.email && !EMAIL.test(values.email)) errors.email = tx('form.bad_email');
  if (!values.text) errors.text = tx('form.need_message');
  return errors;
}

export class StartForm extends Component {
  constructor() {
    super();
    this.form = createRef();
  }

  componentDidMount() {
    this.form.current?.querySelector('input, textarea')?.focus({ preventScroll: true });
  }

  async submit(e, needs) {
    e.preventDefault();
    const data = new FormData(e.target);
    const values = Object.fromEntries(['name', 'email', 'text'].map((k) => [k, String(data.get(k) || '').trim()]));
    const errors = check(values, needs);
    s.fieldErrors.value = errors;
    s.formError.value = '';
    const first = Object.keys(errors)[0];
    if (first) {
      e.target.querySelector(`[name=${first}]`)?.focus();
      return;
    }
    await actions.begin(values, this.props.away);
  }

  render({ away }) {
    const i = s.inbox.value;
    const needs = away ? { name: 'required', email: 'required' } : { name: i.prechat_name, email: i.prechat_email };
    return html`<form class="start" ref=${this.form} novalidate onSubmit=${(e) => this.submit(e, needs)}>
      <div class="intro">
        <span class="avatar big" aria-hidden="true">${away ? html`<${Mail} />` : html`<${Bubble} />`}</span>
        <h3>${away ? tx('away.title') : i.greeting || tx('empty.greeting')}</h3>
        <p>${away ? tx('away.text') : tx('prechat.text')}</p>
      </div>
      <${Field} name="name" label=${tx('form.name')} need=${needs.name} auto="name" />
      <${Field} name="email" label=${tx('form.email')} need=${needs.email} type="email" auto="email" />
      <${Field} name="text" label=${tx('form.message')} need="required" type="textarea" />
      ${s.formError.value && html`<p class="inline-error" role="alert">${s.formError.value}</p>`}
      <button type="submit" class="primary" disabled=${s.formBusy.value}>
        ${s.formBusy.value ? tx('form.sending') : away ? tx('away.submit') : tx('prechat.submit')}</button>
    </form>`;
  }
}
