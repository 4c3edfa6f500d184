// app.js — the agent page: sign in, first-time password change, and the desk shell.
//
// Views are sections of index.html toggled with `hidden`. Everything that comes
// from users or the server (names, emails, error details) is set with
// textContent, never as HTML.

import { api, getToken, setToken, clearToken } from '/common/api.js';
import { pickLang, loadLang, setLang, currentLang, applyI18n, t } from '/common/i18n.js';

const MIN_PASSWORD = 8;
const VIEWS = ['loading', 'login', 'password', 'desk'];
const ROLES = ['admin', 'supervisor', 'agent'];
const STATUSES = ['available', 'away', 'offline', 'rona'];

const $ = (id) => document.getElementById(id);
const state = { view: 'loading', user: null, loginPassword: '' };

// ---- helpers ---------------------------------------------------------------

function show(view) {
  state.view = view;
  for (const name of VIEWS) $(`view-${name}`).hidden = name !== view;
  document.body.dataset.view = view;
  updateTitle();
}

function updateTitle() {
  document.title = state.view === 'loading' ? t('app.name') : t(`${state.view}.doc_title`);
}

/** Show a message in an alert/notice box (`id` + `id-text`); empty hides it. */
function setMessage(id, text) {
  $(`${id}-text`).textContent = text || '';
  $(id).hidden = !text;
}

/** A user-facing sentence for an ApiError (or anything thrown). */
function describeError(err) {
  if (!err || err.network || !err.status) return t('error.network');
  let text = err.detail || err.title || t('error.generic');
  if (err.status === 429 && err.retryAfter != null) text += ` ${t('error.retry_after', { seconds: err.retryAfter })}`;
  return text;
}

function setBusy(button, busy, labelKey) {
  button.disabled = busy;
  button.setAttribute('aria-busy', String(busy));
  const label = button.querySelector('.btn-label');
  label.dataset.i18n = labelKey;
  label.textContent = t(labelKey);
}

function initials(name, email) {
  const words = String(name || '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return String(email || '?').charAt(0).toUpperCase();
  const first = words[0].charAt(0);
  const last = words.length > 1 ? words[words.length - 1].charAt(0) : '';
  return (first + last).toUpperCase();
}

function roleLabel(role) {
  return ROLES.includes(role) ? t(`role.${role}`) : String(role || '');
}

function statusLabel(status) {
  return STATUSES.includes(status) ? t(`status.${status}`) : String(status || '');
}

function capacityLabel(capacity) {
  const n = Number(capacity);
  if (!Number.isFinite(n)) return '';
  return n === 1 ? t('desk.capacity_one') : t('desk.capacity_other', { n });
}

// ---- views -----------------------------------------------------------------

function showLogin({ notice = '', error = '' } = {}) {
  state.user = null;
  state.loginPassword = '';
  $('login-password').value = '';
  setMessage('login-notice', notice);
  setMessage('login-error', error);
  setBusy($('login-submit'), false, 'login.submit');
  show('login');
  const email = $('login-email');
  (email.value ? $('login-password') : email).focus();
}

function showPasswordForm(user) {
  state.user = user;
  const form = $('password-form');
  form.reset();
  $('password-username').value = user.email || '';
  // Fresh from the login form we already know the current password: keep it hidden.
  $('password-current').value = state.loginPassword;
  $('password-current-field').hidden = Boolean(state.loginPassword);
  clearPasswordErrors();
  setBusy($('password-submit'), false, 'password.submit');
  show('password');
  (state.loginPassword ? $('password-new') : $('password-current')).focus();
}

function renderDesk() {
  const user = state.user;
  if (!user) return;
  const role = roleLabel(user.role);
  $('desk-user-name').textContent = user.name || user.email || '';
  $('desk-user-role').textContent = role;
  $('desk-user-role').dataset.role = user.role || '';
  $('topbar-avatar').textContent = initials(user.name, user.email);
  $('profile-avatar').textContent = initials(user.name, user.email);
  $('profile-name').textContent = user.name || '';
  $('profile-email').textContent = user.email || '';
  $('profile-role').textContent = role;
  $('profile-role').dataset.role = user.role || '';
  $('profile-status').textContent = statusLabel(user.status);
  $('profile-status').dataset.status = user.status || '';
  $('profile-status-dot').className = `dot${STATUSES.includes(user.status) ? ` dot-${user.status}` : ''}`;
  $('profile-capacity').textContent = capacityLabel(user.capacity);
}

function showDesk(user) {
  state.user = user;
  state.loginPassword = '';
  renderDesk();
  show('desk');
  $('desk-title').setAttribute('tabindex', '-1');
  $('desk-title').focus({ preventScroll: true });
}

/** Route a freshly known user to the password form or the desk. */
function enter(user) {
  if (user && user.must_change_password) showPasswordForm(user);
  else showDesk(user);
}

// ---- actions ---------------------------------------------------------------

async function onLogin(event) {
  event.preventDefault();
  const email = $('login-email').value.trim();
  const password = $('login-password').value;
  setMessage('login-notice', '');
  if (!email || !password) {
    setMessage('login-error', t('login.missing'));
    (email ? $('login-password') : $('login-email')).focus();
    return;
  }
  setMessage('login-error', '');
  const button = $('login-submit');
  setBusy(button, true, 'login.submitting');
  try {
    clearToken();
    const answer = await api('POST', '/api/v1/auth/login', { email, password });
    setToken(answer.token);
    state.loginPassword = password;
    $('login-password').value = '';
    enter(answer.user);
  } catch (err) {
    setMessage('login-error', describeError(err));
    $('login-password').select();
    $('login-password').focus();
  } finally {
    setBusy(button, false, 'login.submit');
  }
}

function clearPasswordErrors() {
  setMessage('password-error', '');
  for (const id of ['password-new', 'password-confirm', 'password-current']) {
    $(id).removeAttribute('aria-invalid');
    const fieldError = $(`${id}-error`);
    if (fieldError) {
      fieldError.textContent = '';
      fieldError.hidden = true;
    }
  }
}

function fieldError(id, text) {
  $(id).setAttribute('aria-invalid', 'true');
  const el = $(`${id}-error`);
  if (el) {
    el.textContent = text;
    el.hidden = false;
  }
}

async function onChangePassword(event) {
  event.preventDefault();
  clearPasswordErrors();
  const current = $('password-current').value;
  const next = $('password-new').value;
  const confirm = $('password-confirm').value;

  if (!current) {
    $('password-current-field').hidden = false;
    $('password-current').setAttribute('aria-invalid', 'true');
    setMessage('password-error', t('password.missing_current'));
    $('password-current').focus();
    return;
  }
  const problems = [];
  if (next.length < MIN_PASSWORD) problems.push(['password-new', t('password.too_short')]);
  if (next !== confirm) problems.push(['password-confirm', t('password.mismatch')]);
  if (problems.length) {
    for (const [id, text] of problems) fieldError(id, text);
    setMessage('password-error', t('password.fix_errors'));
    $(problems[0][0]).focus();
    return;
  }

  const button = $('password-submit');
  setBusy(button, true, 'password.submitting');
  try {
    await api('PUT', '/api/v1/me/password', { current_password: current, new_password: next });
    state.loginPassword = '';
    enter({ ...state.user, must_change_password: false });
  } catch (err) {
    if (err.status === 403) {
      // The current password was refused: let the user type it.
      $('password-current-field').hidden = false;
      $('password-current').value = '';
      $('password-current').setAttribute('aria-invalid', 'true');
    }
    for (const item of err.errors || []) {
      if (item && item.field === 'new_password' && item.message) fieldError('password-new', String(item.message));
    }
    setMessage('password-error', describeError(err));
    (err.status === 403 ? $('password-current') : $('password-new')).focus();
  } finally {
    setBusy(button, false, 'password.submit');
  }
}

async function onSignOut() {
  try {
    await api('POST', '/api/v1/auth/logout');
  } catch {
    /* the token is dropped below either way */
  }
  clearToken();
  showLogin({ notice: t('login.signed_out') });
}

function onReveal() {
  const input = $('login-password');
  const button = $('login-reveal');
  const reveal = input.type === 'password';
  input.type = reveal ? 'text' : 'password';
  button.setAttribute('aria-pressed', String(reveal));
  button.dataset.i18n = reveal ? 'login.hide' : 'login.show';
  button.textContent = t(button.dataset.i18n);
  input.focus();
}

function markLang() {
  for (const button of document.querySelectorAll('#lang-switch [data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === currentLang()));
  }
}

async function onLang(event) {
  const button = event.target.closest('[data-lang]');
  if (!button) return;
  await setLang(button.dataset.lang);
  markLang();
  updateTitle();
  renderDesk();
}

// ---- start -----------------------------------------------------------------

async function start() {
  await loadLang(pickLang());
  applyI18n();
  markLang();
  document.querySelector('.site-footer').hidden = false;

  $('login-form').addEventListener('submit', onLogin);
  $('login-reveal').addEventListener('click', onReveal);
  $('password-form').addEventListener('submit', onChangePassword);
  $('password-signout').addEventListener('click', onSignOut);
  $('signout-button').addEventListener('click', onSignOut);
  $('lang-switch').addEventListener('click', onLang);

  if (!getToken()) {
    showLogin();
    return;
  }
  try {
    enter(await api('GET', '/api/v1/me'));
  } catch (err) {
    if (err.status === 401) {
      clearToken();
      showLogin({ notice: t('login.session_ended') });
    } else {
      showLogin({ error: describeError(err) });
    }
  }
}

start();
