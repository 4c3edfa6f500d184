// i18n.js — interface strings for Switchboard pages (F41: English, Italian, Spanish).
//
// Strings live in /i18n/{lang}.json as flat "key": "text" maps. The language is
// the user's saved choice (localStorage), else the first of navigator.languages
// whose prefix we speak, else English. Elements declare their strings with
// `data-i18n="key"` (text) and `data-i18n-attr="attr:key;attr:key"` (attributes);
// `applyI18n()` fills them with textContent / setAttribute, never as HTML.

import { plural } from './format.js';

export const LANGS = ['en', 'it', 'es'];
export const DEFAULT_LANG = 'en';
export const LANG_KEY = 'switchboard.lang';

let strings = {};
let fallback = {};
let lang = DEFAULT_LANG;

function savedLang() {
  try {
    const value = localStorage.getItem(LANG_KEY);
    return LANGS.includes(value) ? value : null;
  } catch {
    return null;
  }
}

/** The language to use: saved override, then browser preference, then English. */
export function pickLang() {
  const saved = savedLang();
  if (saved) return saved;
  const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
  for (const tag of wanted) {
    const prefix = String(tag).toLowerCase().split(/[-_]/)[0];
    if (LANGS.includes(prefix)) return prefix;
  }
  return DEFAULT_LANG;
}

/** Strings being fetched or fetched, by language: a page's boot script may ask first. */
const fetched = new Map();

function fetchStrings(code) {
  let answer = fetched.get(code);
  if (!answer) {
    answer = fetch(`/i18n/${code}.json`).then((response) => {
      if (!response.ok) throw new Error(`i18n ${code}: HTTP ${response.status}`);
      return response.json();
    });
    answer.catch(() => fetched.delete(code)); // a failure may be retried
    fetched.set(code, answer);
  }
  return answer;
}

/** Load a language's strings and set `<html lang>`. Falls back to English. */
export async function loadLang(code) {
  const target = LANGS.includes(code) ? code : DEFAULT_LANG;
  // The fallback and the language are fetched together, not one after the other.
  const [base, wanted] = await Promise.allSettled([
    Object.keys(fallback).length ? Promise.resolve(fallback) : fetchStrings(DEFAULT_LANG),
    target === DEFAULT_LANG ? Promise.resolve(null) : fetchStrings(target),
  ]);
  fallback = base.status === 'fulfilled' ? base.value : {};
  if (target === DEFAULT_LANG) {
    strings = fallback;
    lang = target;
  } else if (wanted.status === 'fulfilled') {
    strings = wanted.value;
    lang = target;
  } else {
    strings = fallback;
    lang = DEFAULT_LANG;
  }
  document.documentElement.lang = lang;
  return lang;
}

/** The current language code. */
export function currentLang() {
  return lang;
}

/**
 * Translate `key`, replacing `{name}` placeholders with `vars.name`. With a numeric
 * `vars.count`, the plural form `key.one` / `key.other` (Intl.PluralRules) is used when the
 * language has it.
 */
export function t(key, vars = {}) {
  if (typeof vars.count === 'number') {
    const form = `${key}.${plural(vars.count, lang)}`;
    if (form in strings || form in fallback) key = form;
    else if (`${key}.other` in strings || `${key}.other` in fallback) key = `${key}.other`;
  }
  const text = strings[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Fill every `data-i18n` / `data-i18n-attr` element under `root`. */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

/** Switch language, remember the choice, and re-fill the page. */
export async function setLang(code) {
  try {
    localStorage.setItem(LANG_KEY, code);
  } catch {
    /* the choice lasts for this page only */
  }
  await loadLang(code);
  applyI18n();
  return lang;
}
