// login.js — signing in, and choosing a new password when the account still has a temporary
// one. Errors from the server are shown in its words, next to the form.

import { html, useState, useRef, useEffect } from '/common/html.js';
import { api, setToken } from '/common/api.js';
import { t } from '/common/i18n.js';
import { Field } from '/common/field.js';
import { describe } from '/common/problem.js';

const MIN_PASSWORD = 8;


function Brand() {
  return html`<div class="brand brand-lg">
    <svg class="logo" aria-hidden="true"><use href="#sb-logo" /></svg>
    <span class="brand-name">${t('app.name')}</span>
  </div>`;
}

function Alert({ text, kind = 'alert' }) {
  if (!text) return null;
  return html`<div class=${kind} role=${kind === 'alert' ? 'alert' : 'status'}><p>${text}</p></div>`;
}

/** The sign-in form; `onSignedIn(user, password)` receives the user from `/me`. */
export function Login({ notice, onSignedIn }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [reveal, setReveal] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const emailRef = useRef(null);
  useEffect(() => emailRef.current?.focus(), []);

  async function submit(e) {
    e.preventDefault();
    if (!email.trim() || !password) return setError(t('login.missing'));
    setBusy(true);
    setError('');
    try {
      const session = await api('POST', '/api/v1/auth/login', { email: email.trim(), password });
      setToken(session.token);
      onSignedIn(await api('GET', '/api/v1/me'), password);
    } catch (err) {
      setError(describe(err));
      setBusy(false);
    }
  }

  return html`<main class="view view-center">
    <div class="auth">
      <${Brand} />
      <div class="card auth-card">
        <h1 class="auth-title">${t('login.title')}</h1>
        <p class="muted auth-subtitle">${t('login.subtitle')}</p>
        <${Alert} text=${notice} kind="notice" />
        <${Alert} text=${error} />
        <form onSubmit=${submit} novalidate>
          <div class="field">
            <label for="login-email">${t('login.email')}</label>
            <input id="login-email" ref=${emailRef} type="email" autocomplete="username" spellcheck="false"
              placeholder=${t('login.email_placeholder')} value=${email} onInput=${(e) => setEmail(e.target.value)} />
          </div>
          <div class="field">
            <label for="login-password">${t('login.password')}</label>
            <div class="input-wrap">
              <input id="login-password" type=${reveal ? 'text' : 'password'} autocomplete="current-password"
                value=${password} onInput=${(e) => setPassword(e.target.value)} />
              <button class="reveal" type="button" aria-pressed=${String(reveal)} onClick=${() => setReveal(!reveal)}>
                ${reveal ? t('login.hide') : t('login.show')}
              </button>
            </div>
          </div>
          <button class="btn btn-primary btn-block" type="submit" disabled=${busy} aria-busy=${String(busy)}>
            ${busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </div>
    </div>
  </main>`;
}

/** The first sign-in's new password; `known` is the password just typed, if any. */
export function PasswordForm({ user, known, onDone, onSignOut }) {
  const [current, setCurrent] = useState(known || '');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    if (!current) return setError(t('password.missing_current'));
    if (next.length < MIN_PASSWORD) return setError(t('password.too_short'));
    if (next !== confirm) return setError(t('password.mismatch'));
    setBusy(true);
    try {
      await api('PUT', '/api/v1/me/password', { current_password: current, new_password: next });
      onDone(await api('GET', '/api/v1/me'));
    } catch (err) {
      setError(describe(err));
      setBusy(false);
    }
  }

  return html`<main class="view view-center">
    <div class="auth">
      <${Brand} />
      <div class="card auth-card">
        <h1 class="auth-title">${t('password.title')}</h1>
        <p class="muted auth-subtitle">${t('password.subtitle')}</p>
        <${Alert} text=${error} />
        <form onSubmit=${submit} novalidate>
          <input type="email" autocomplete="username" value=${user.email} hidden readonly />
          ${!known && html`<${Field} id="password-current" label=${t('password.current')} value=${current} set=${setCurrent} type="password" autocomplete="current-password" />`}
          <${Field} id="password-new" label=${t('password.new')} value=${next} set=${setNext} type="password" autocomplete="new-password" />
          <p class="hint">${t('password.hint')}</p>
          <${Field} id="password-confirm" label=${t('password.confirm')} value=${confirm} set=${setConfirm} type="password" autocomplete="new-password" />
          <button class="btn btn-primary btn-block" type="submit" disabled=${busy}>
            ${busy ? t('password.submitting') : t('password.submit')}
          </button>
          <button class="btn btn-link btn-block" type="button" onClick=${onSignOut}>${t('desk.signout')}</button>
        </form>
      </div>
    </div>
  </main>`;
}
