// alerts.js — what tells an agent that something needs them when they look elsewhere: a
// sound while offers wait (it rings until they are answered or withdrawn) and for each new
// conversation in Unassigned (switchable, remembered;
// browsers allow sound only after a first click, and the page says so), and the count of
// offers in the title and on the favicon.

import { html, signal, effect } from '/common/html.js';
import { t } from '/common/i18n.js';
import * as s from './state.js';

const SOUND_KEY = 'switchboard.sound';
export const soundOn = signal(localStorage.getItem(SOUND_KEY) !== 'off');
/** Whether the browser holds sound back until the page is clicked. */
export const soundBlocked = signal(false);
let audio = null;

/** Whether the person has clicked or typed in the page yet (before that, browsers keep sound off). */
let gestured = false;

/**
 * The audio context, made at the first sound after a click or a key: browsers allow sound
 * only then, and making one costs about 100 ms, which must not delay the desk's first paint.
 */
function context() {
  if (!gestured) {
    soundBlocked.value = true;
    return null;
  }
  if (!audio) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    audio = new Ctx();
  }
  soundBlocked.value = audio.state === 'suspended';
  return audio;
}

/** Two short tones. */
export function chime() {
  if (!soundOn.value) return;
  const ctx = context();
  if (!ctx || ctx.state !== 'running') return;
  for (const [i, freq] of [[0, 880], [1, 1175]]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, ctx.currentTime + i * 0.16);
    gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + i * 0.16 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + i * 0.16 + 0.15);
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + i * 0.16);
    osc.stop(ctx.currentTime + i * 0.16 + 0.16);
  }
}

// The first click or key lets sound play.
for (const kind of ['pointerdown', 'keydown']) {
  document.addEventListener(kind, () => {
    gestured = true;
    context()?.resume().then(() => (soundBlocked.value = false));
  });
}

export function toggleSound() {
  soundOn.value = !soundOn.value;
  localStorage.setItem(SOUND_KEY, soundOn.value ? 'on' : 'off');
  if (soundOn.value) context()?.resume().then(() => chime());
}

/** The favicon with the number of offers in a red badge. */
function favicon(n) {
  const link = document.querySelector('link[rel=icon]');
  if (!link) return;
  if (!link.dataset.plain) link.dataset.plain = link.href;
  if (!n) {
    link.href = link.dataset.plain;
    return;
  }
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 32;
  const g = canvas.getContext('2d');
  const img = new Image();
  img.onload = () => {
    g.drawImage(img, 0, 0, 32, 32);
    g.fillStyle = '#d92d20';
    g.beginPath();
    g.arc(23, 9, 9, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = '#fff';
    g.font = 'bold 13px sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(n > 9 ? '9+' : String(n), 23, 10);
    link.href = canvas.toDataURL('image/png');
  };
  img.src = link.dataset.plain;
}

let seenOffers = new Set();
/** While offers wait, the chime repeats every few seconds: an offer rings until answered. */
const RING_EVERY_MS = 4000;
setInterval(() => {
  if (s.offers.value.length) chime();
}, RING_EVERY_MS);
let seenUnassigned = null;
/** Watches offers and the Unassigned count: a chime for each new one, and the badges. */
export function watch() {
  effect(() => {
    const ids = new Set(s.offers.value.map((c) => c.id));
    const fresh = [...ids].some((id) => !seenOffers.has(id));
    seenOffers = ids;
    if (fresh) chime();
    // Drawn when the page is idle: a badge may wait, the desk's first paint should not.
    const n = ids.size;
    (window.requestIdleCallback || setTimeout)(() => favicon(n));
  });
  effect(() => {
    const n = s.counts.value.unassigned?.n;
    if (n === undefined) return;
    if (seenUnassigned !== null && n > seenUnassigned) chime();
    seenUnassigned = n;
  });
}

export function SoundToggle() {
  const label = soundOn.value ? t('sound.on') : t('sound.off');
  return html`<button type="button" class="btn btn-secondary btn-sm sound" aria-pressed=${String(soundOn.value)}
    aria-label=${label} title=${soundBlocked.value && soundOn.value ? t('sound.blocked') : label} onClick=${toggleSound}>
    <svg class="sound-icon" viewBox="0 0 20 20" aria-hidden="true">
      <path d="M10 3.5a4.5 4.5 0 0 0-4.5 4.5v3l-1.5 2.5h12L14.5 11V8A4.5 4.5 0 0 0 10 3.5ZM8.2 15.5a1.9 1.9 0 0 0 3.6 0" />
      ${!soundOn.value && html`<path d="M3.5 3.5l13 13" />`}
    </svg><span class="sound-label">${label}</span>
  </button>
  ${soundOn.value && soundBlocked.value && html`<span class="hint sound-hint" role="status">${t('sound.blocked')}</span>`}`;
}
