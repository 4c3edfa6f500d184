// kit.js — the widget's rendering kit: Preact's core, htm and signals core, by relative paths.
// Not common/html.js, hooks or signals.mjs: they import bare names; a host page has no import map.

import { h, render, Component, createRef } from '../vendor/preact-11.2.0/preact.mjs';
import htm from '../vendor/htm-3.1.1/htm.mjs';

export { signal, computed, effect, batch, untracked } from '../vendor/preact-signals-core-1.14.5/signals-core.mjs';
export { render, Component, createRef };

/** `html\`<p class=${c}>${text}</p>\`` builds Preact elements; text is always text. */
export const html = htm.bind(h);
