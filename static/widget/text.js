// text.js — the widget's words (i18n/{lang}.json, with tx() to fill {name} and plurals) and pure
// text helpers: links, sizes, times, initials, the list's rows, when to say "typing".

let strings = {};
let fallback = {};
let lang = 'en';

/** Uses `table` (with English as the fallback for missing keys) from now on. */
export function setStrings(code, table, english = table) {
  lang = code;
  strings = table || {};
  fallback = english || {};
}

/** Fetches the strings of `code` (the loader's choice) from `base`, the widget's folder; English if that fails. */
export async function loadStrings(base, code) {
  const one = async (c) => {
    const r = await fetch(new URL(`i18n/${c}.json`, base));
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.json();
  };
  // Each file has every key (tests/js/widget-i18n.test.mjs), so one file is enough.
  const table = await one(code).catch(() => null);
  if (table) setStrings(code, table);
  else setStrings('en', await one('en'));
}

export const currentLang = () => lang;

/** The text of `key` with `{name}` replaced by `vars.name`; with a numeric `count`, its plural form.
 * Not `t`: the desk pages' string check would read it (widget-i18n.test.mjs checks these). */
export function tx(key, vars = {}) {
  if (typeof vars.count === 'number') {
    const has = (k) => k in strings || k in fallback;
    const form = `${key}.${intl(Intl.PluralRules, lang, {}).select(vars.count)}`;
    if (has(form)) key = form;
    else if (has(`${key}.other`)) key = `${key}.other`;
  }
  const text = strings[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

const LINK = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Closing punctuation that ends a sentence, not a link. */
const TRAILING = /[.,;:!?)\]}'"»]+$/;

/** Splits `text` into `{ text }` and `{ text, href }` parts (http and https only). */
export function parts(value) {
  const text = String(value ?? '');
  const out = [];
  let at = 0;
  for (const m of text.matchAll(LINK)) {
    let link = m[0].replace(TRAILING, '');
    // A closing parenthesis belongs to the link when the link opened one (Wikipedia style).
    const opened = (link.match(/\(/g) || []).length - (link.match(/\)/g) || []).length;
    if (opened > 0 && m[0].slice(link.length).startsWith(')')) link += ')';
    if (!link.replace(/^https?:\/\//i, '')) continue;
    if (m.index > at) out.push({ text: text.slice(at, m.index) });
    out.push({ text: link, href: link });
    at = m.index + link.length;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

const made = new Map();
/** One Intl formatter per kind, language and options (they are costly to make). The times repeat
 * a few lines of common/format.js: importing it would load ~1.6 KB more. */
function intl(Kind, lang, options) {
  const key = `${Kind.name}|${lang}|${JSON.stringify(options)}`;
  if (!made.has(key)) made.set(key, new Kind(lang, options));
  return made.get(key);
}

/** A time of day: "3:05 PM", "15:05". */
export function clock(at, lang) {
  return intl(Intl.DateTimeFormat, lang, { hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

/** The day of a separator: "today", "yesterday", else "Thursday 4 December". */
export function day(at, now, lang) {
  const start = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((start(new Date(at)) - start(new Date(now))) / 864e5);
  if (days === 0 || days === -1) return intl(Intl.RelativeTimeFormat, lang, { numeric: 'auto' }).format(days, 'day');
  return intl(Intl.DateTimeFormat, lang, { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(at));
}

/** Up to two initials, from the first letters of the first and last words. */
export function initials(name) {
  const firsts = String(name || '')
    .split(/\s+/)
    .map((w) => w.match(/[\p{L}\p{N}]/u)?.[0])
    .filter(Boolean);
  if (!firsts.length) return '?';
  return (firsts[0] + (firsts.length > 1 ? firsts[firsts.length - 1] : '')).toUpperCase();
}

/** "820 B", "14 kB", "2.5 MB" in the widget's language. */
export function bytes(n, lang) {
  if (n < 1e3) return `${intl(Intl.NumberFormat, lang, {}).format(n)} B`;
  const [unit, size] = n < 1e6 ? ['kilobyte', 1e3] : n < 1e9 ? ['megabyte', 1e6] : ['gigabyte', 1e9];
  const value = n / size;
  return intl(Intl.NumberFormat, lang, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

/** Messages closer than this, by the same author, form one run (one name, one time). */
const RUN_MS = 5 * 60e3;

/**
 * The list's rows: `{ day: at }` before the first message of each day, then
 * `{ message, first, last }` where `first`/`last` mark the ends of a run by one author.
 */
export function rows(list) {
  const out = [];
  let prevDay = '';
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    const at = new Date(m.created_at);
    const day = at.toDateString();
    const prev = list[i - 1];
    const next = list[i + 1];
    if (day !== prevDay) out.push({ day: m.created_at, key: `day-${day}` });
    const same = (a, b) =>
      a && b && a.from === b.from && (a.author_name || '') === (b.author_name || '') &&
      Math.abs(new Date(a.created_at) - new Date(b.created_at)) < RUN_MS &&
      new Date(a.created_at).toDateString() === new Date(b.created_at).toDateString();
    out.push({ message: m, key: m.id, first: !same(prev, m) || day !== prevDay, last: !same(m, next) });
    prevDay = day;
  }
  return out;
}

/** Adds `m` to `list` (sorted by time, no two with one id); returns a new list. */
export function merge(list, m) {
  if (list.some((x) => x.id === m.id)) return list.map((x) => (x.id === m.id ? m : x));
  const out = [...list, m];
  let i = out.length - 1;
  while (i > 0 && new Date(out[i - 1].created_at) > new Date(m.created_at)) {
    out[i] = out[i - 1];
    i--;
  }
  out[i] = m;
  return out;
}

/** When to tell the desk the customer types: `true` at most every 3 s, then `false` once. */
export class TypingSignal {
  /**
   * @param {(active: boolean) => void} send
   * @param {{ every?: number, now?: () => number }} [o]
   */
  constructor(send, o = {}) {
    this.send = send;
    this.every = o.every ?? 3000;
    this.now = o.now || (() => Date.now());
    this.last = null;
    this.active = false;
  }

  /** The text changed; `text` is what the box holds now. */
  input(text) {
    if (!String(text).trim()) return this.stop();
    const now = this.now();
    if (this.last !== null && now - this.last < this.every) return;
    this.last = now;
    this.active = true;
    this.send(true);
  }

  /** The message was sent or the box emptied: one `active: false` if the desk heard `true`. */
  stop() {
    this.last = null;
    if (!this.active) return;
    this.active = false;
    this.send(false);
  }
}
