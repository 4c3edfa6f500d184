// i18n.js — the widget's words (en, it, es) from i18n/{lang}.json; tx() fills {name} and plurals.
// Not `t`: the desk pages' string check would read it (tests/js/widget-i18n.test.mjs checks these).

export const LANGS = ['en', 'it', 'es'];

let strings = {};
let fallback = {};
let lang = 'en';

/** The language to speak: `wanted` (data-lang) if we speak it, else the browser's. */
export function pickLang(wanted, languages = []) {
  for (const tag of [wanted, ...languages]) {
    const prefix = String(tag || '').toLowerCase().split(/[-_]/)[0];
    if (LANGS.includes(prefix)) return prefix;
  }
  return 'en';
}

/** Uses `table` (with English as the fallback for missing keys) from now on. */
export function setStrings(code, table, english = table) {
  lang = code;
  strings = table || {};
  fallback = english || {};
}

/** Fetches the strings of `code` from `base` (the widget folder's URL); English if that fails. */
export async function loadStrings(base, code, get = fetch) {
  const one = (c) =>
    get(new URL(`i18n/${c}.json`, base).href).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    });
  // Each file has every key (tests/js/widget-i18n.test.mjs), so one file is enough.
  const table = await one(code).catch(() => null);
  if (table) setStrings(code, table);
  else setStrings('en', await one('en'));
  return lang;
}

export function currentLang() {
  return lang;
}

const rules = new Map();
function plural(n) {
  if (!rules.has(lang)) rules.set(lang, new Intl.PluralRules(lang));
  return rules.get(lang).select(n);
}

/** The text of `key` with `{name}` replaced by `vars.name`. */
export function tx(key, vars = {}) {
  if (typeof vars.count === 'number') {
    const has = (k) => k in strings || k in fallback;
    const form = `${key}.${plural(vars.count)}`;
    if (has(form)) key = form;
    else if (has(`${key}.other`)) key = `${key}.other`;
  }
  const text = strings[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}
