// rating.js — after the desk closes the conversation: one to five stars and an optional comment.

import { html, Component, createRef, signal } from './kit.js';
import * as s from './store.js';
import * as actions from './actions.js';
import { tx } from './i18n.js';
import { Star } from './icons.js';

/** The customer chose not to rate this conversation (by id). */
export const skipped = signal('');

export class Rating extends Component {
  constructor() {
    super();
    this.box = createRef();
  }

  componentDidMount() {
    this.box.current?.querySelector('input')?.focus({ preventScroll: true });
  }

  submit(e) {
    e.preventDefault();
    if (!s.stars.value) return;
    const comment = String(new FormData(e.target).get('comment') || '').trim();
    actions.rate(s.stars.value, comment);
  }

  render() {
    const score = s.stars.value;
    return html`<form class="rating" ref=${this.box} onSubmit=${(e) => this.submit(e)}>
      <fieldset>
        <legend>${tx('rating.title')}</legend>
        <div class="stars">
          ${[1, 2, 3, 4, 5].map((n) => html`<label class="star" title=${tx('rating.stars', { count: n })}>
            <input type="radio" name="score" value=${n} class="star-input" checked=${score === n}
              aria-label=${tx('rating.stars', { count: n })} onChange=${() => (s.stars.value = n)} />
            <${Star} on=${n <= score} />
          </label>`)}
        </div>
        <p class="star-word" aria-hidden="true">${score ? tx(`rating.word.${score}`) : '\u00a0'}</p>
      </fieldset>
      <label class="sr-only" for="sb-comment">${tx('rating.comment')}</label>
      <textarea id="sb-comment" name="comment" rows="2" placeholder=${tx('rating.comment')}></textarea>
      ${s.formError.value && html`<p class="inline-error" role="alert">${s.formError.value}</p>`}
      <div class="rating-actions">
        <button type="button" class="link" onClick=${() => (skipped.value = s.conversation.value.id)}>${tx('rating.skip')}</button>
        <button type="submit" class="primary" disabled=${!score || s.formBusy.value}>
          ${s.formBusy.value ? tx('form.sending') : tx('rating.submit')}</button>
      </div>
    </form>`;
  }
}
