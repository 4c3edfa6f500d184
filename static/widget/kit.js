// kit.js — what the panel is drawn with: Preact's core and htm by relative paths (a host page has
// no import map for bare names), and the line icons (decorative: each control has its own name).

import { h, render, Component, createRef } from '../vendor/preact-11.2.0/preact.mjs';
import htm from '../vendor/htm-3.1.1/htm.mjs';

export { render, Component, createRef };

/** `html\`<p class=${c}>${text}</p>\`` builds Preact elements; text is always text. */
export const html = htm.bind(h);

const svg = (body, size = 20) => html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" focusable="false"
  fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

export const Close = () => svg(html`<path d="M6 6l12 12M18 6L6 18" />`);
export const Send = () => svg(html`<path d="M4.5 12h13M12.5 6l6 6-6 6" />`);
export const Clip = () =>
  svg(html`<path d="M20 11.5l-7.8 7.8a5 5 0 0 1-7.1-7.1l8.5-8.5a3.4 3.4 0 0 1 4.8 4.8l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />`);
export const Smile = () =>
  svg(html`<circle cx="12" cy="12" r="9" /><path d="M8.5 14.2a4.3 4.3 0 0 0 7 0" /><path d="M9 9.5h.01M15 9.5h.01" stroke-width="2.6" />`);
export const FileIcon = () => svg(html`<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" /><path d="M14 3v5h5" />`, 22);
export const Download = () => svg(html`<path d="M12 4v11M7 10.5l5 5 5-5M5 20h14" />`, 18);
export const Alert = () => svg(html`<circle cx="12" cy="12" r="9" /><path d="M12 7.5v5.5M12 16.5h.01" />`, 18);
export const Mail = () => svg(html`<rect x="3" y="5" width="18" height="14" rx="2.5" /><path d="M4 7l8 6 8-6" />`, 22);

/** A star, filled or outlined. */
export const Star = ({ on }) => html`<svg class=${`star-shape${on ? ' on' : ''}`} width="30" height="30" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
  <path d="M12 3.2l2.7 5.5 6 .9-4.35 4.25 1.03 6-5.38-2.83-5.38 2.83 1.03-6L3.3 9.6l6-.9z" stroke-width="1.5" stroke-linejoin="round" /></svg>`;

/** The chat mark shown in the header and the greeting when no agent has a face yet. */
export const Bubble = () =>
  svg(html`<path d="M5 5.5h14a1.5 1.5 0 0 1 1.5 1.5v8.5a1.5 1.5 0 0 1-1.5 1.5h-7l-4.5 3.5V17H5a1.5 1.5 0 0 1-1.5-1.5V7A1.5 1.5 0 0 1 5 5.5z" />`, 22);
