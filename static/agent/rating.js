// rating.js — the customer's rating of a conversation, as stars: the timeline's entry for it
// (the system entry whose `says.key` is `rated`, with the score and the customer's comment
// as text) and the compact stars of the conversation's header.

import { html } from '/common/html.js';
import { t } from '/common/i18n.js';
import { Time } from './entry.js';

/** A score from 1 to 5 (a string in `says` parts), or null when there is none. */
export function score(v) {
  const n = Math.round(Number(v));
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 5) : null;
}

/** ★★★★☆ read aloud as "Rated 4 out of 5". */
export function Stars({ value, title }) {
  const n = score(value);
  if (n === null) return null;
  return html`<span class="stars" role="img" aria-label=${t('rating.label', { score: n })} title=${title}>
    <span class="stars-on" aria-hidden="true">${'★'.repeat(n)}</span><span class="stars-off" aria-hidden="true">${'☆'.repeat(5 - n)}</span></span>`;
}

/** The timeline's entry for a rating: who rated, the stars, the comment as the customer wrote it. */
export function RatingEntry({ m }) {
  const parts = m.says?.parts || {};
  return html`<li class="entry entry-system entry-rating" id=${`m-${m.id}`}>
    <span class="rating-what">${t('rating.entry')}</span>
    <${Stars} value=${parts.score} />
    ${parts.note && html`<q class="rating-note">${parts.note}</q>`}
    <${Time} at=${m.created_at} />
  </li>`;
}
