// problem.js — an API error (problem+json, see api.js) said in the page's language: the
// server's own words when it gave them, a translated sentence for a lost connection, and how
// long to wait when the server asked for it.

import { t } from './i18n.js';

/** The words to show for `err`, an ApiError (or anything thrown). */
export function describe(err) {
  if (!err || err.network || !err.status) return t('error.network');
  let text = err.detail || err.title || t('error.generic');
  if (err.status === 429 && err.retryAfter != null) text += ` ${t('error.retry_after', { seconds: err.retryAfter })}`;
  return text;
}
