// format.js — dates, relative times, ticking durations, lists and plurals through `Intl`, in
// the page's language. Pure functions (the present is passed in), unit-tested with node.

/** Intl objects are costly to make and cheap to reuse: one per language and options. */
const made = new Map();
function cached(Kind, lang, options) {
  const key = `${Kind.name}|${lang}|${JSON.stringify(options)}`;
  let f = made.get(key);
  if (!f) {
    f = new Kind(lang, options);
    made.set(key, f);
  }
  return f;
}

const UNITS = [
  ['year', 365 * 86400e3],
  ['month', 30 * 86400e3],
  ['week', 7 * 86400e3],
  ['day', 86400e3],
  ['hour', 3600e3],
  ['minute', 60e3],
];

/** "2 minutes ago", "2 minuti fa", "hace 2 minutos"; "now" under a minute. */
export function relative(at, now, lang) {
  const diff = new Date(at).getTime() - now;
  const rtf = cached(Intl.RelativeTimeFormat, lang, { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return rtf.format(Math.round(diff / ms), unit);
  }
  return rtf.format(0, 'second');
}

/** A ticking duration: "0:09", "12:03", "1:02:03"; more than a day: "2 d 3:04:05". */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n) => String(n).padStart(2, '0');
  const clock = h || d ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
  return d ? `${d} d ${clock}` : clock;
}

/** A time of day today, else a short date. */
export function when(at, now, lang) {
  const date = new Date(at);
  const today = new Date(now);
  const sameDay = date.toDateString() === today.toDateString();
  const opts = sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short' };
  return cached(Intl.DateTimeFormat, lang, opts).format(date);
}

/** A time of day, hours and minutes. */
export function clock(at, lang) {
  return cached(Intl.DateTimeFormat, lang, { hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

/** A full date and time (tooltips, the table). */
export function dateTime(at, lang) {
  return cached(Intl.DateTimeFormat, lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
}

/** The day of a separator in the timeline: "Today", "Yesterday" or the date. */
export function day(at, now, lang) {
  const date = new Date(at);
  const start = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((start(date) - start(new Date(now))) / 86400e3);
  if (days === 0 || days === -1) return cached(Intl.RelativeTimeFormat, lang, { numeric: 'auto' }).format(days, 'day');
  return cached(Intl.DateTimeFormat, lang, { weekday: 'long', day: 'numeric', month: 'long' }).format(date);
}

/** "Ana, Marco and Lucía" in the page's language. */
export function list(items, lang) {
  return cached(Intl.ListFormat, lang, { style: 'long', type: 'conjunction' }).format(items);
}

/**
 * Makes the formatters a page uses on its first screen (times of day, short dates, plurals,
 * relative times), so that the first render does not pay for them; a boot script calls it
 * while the rest of the page's code still loads.
 */
export function warm(lang) {
  const now = Date.now();
  when(now, now, lang);
  when(0, now, lang);
  plural(1, lang);
  relative(now, now, lang);
}

/** The plural category of `n` ("one", "other" …). */
export function plural(n, lang) {
  return cached(Intl.PluralRules, lang, {}).select(n);
}

/** Up to two initials, from the first letter or digit of the first and last words. */
export function initials(name) {
  const firsts = String(name || '')
    .split(/\s+/)
    .map((w) => w.match(/[\p{L}\p{N}]/u)?.[0])
    .filter(Boolean);
  if (!firsts.length) return '?';
  return (firsts[0] + (firsts.length > 1 ? firsts[firsts.length - 1] : '')).toUpperCase();
}
