// boot.js — the first script the agent page runs. It depends only on the API client, the
// strings and the formatters (no framework), so it runs as soon as those few files arrive,
// while the rest of the page's code still loads. Meanwhile it starts the requests a signed-in
// desk opens with, the strings of the page's language and the formatters the first screen
// uses. app.js and state.js then take those answers (see `prefetch` in /common/api.js)
// instead of asking again; the browser tests check that no request is made twice.

import { prefetch } from '/common/api.js';
import { pickLang, loadLang } from '/common/i18n.js';
import { warm } from '/common/format.js';

prefetch([
  '/api/v1/me',
  '/api/v1/inboxes',
  '/api/v1/labels',
  '/api/v1/wrap-up-reasons',
  '/api/v1/teams',
  '/api/v1/conversations?limit=50&sort=waiting&view=mine',
  '/api/v1/conversations?limit=50&sort=waiting&view=unassigned',
  '/api/v1/conversations?view=offered&limit=20',
  '/api/v1/canned-responses',
]);
const lang = pickLang();
loadLang(lang).catch(() => {});
warm(lang);
