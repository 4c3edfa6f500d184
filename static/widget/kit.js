// kit.js — the widget's rendering kit: Preact's core, htm and the signals core, imported by
// RELATIVE paths from the desk's /vendor/ folder.
//
// Why not the pages' kit (common/html.js): it imports bare names ('preact', 'htm') that the
// pages resolve through their import map, and a host site's page has no such map (nor may we
// add one: a page gets one import map, and it is the host's). Of the vendored files, only
// preact.mjs, htm.mjs and signals-core.mjs import nothing; hooks.mjs and signals.mjs import
// bare names. So the widget uses just those three, loaded unchanged from the widget's own
// origin (they resolve against this file's URL, not the host page's), and it keeps its state
// in signals, redrawing its whole tree when one it read changes (app.js): no hooks needed.
// tests/js/widget-imports.test.mjs checks that nothing the widget loads imports a bare name.
import { h, render, Component, createRef } from '../vendor/preact-11.2.0/preact.mjs';
import htm from '../vendor/htm-3.1.1/htm.mjs';

export { signal, computed, effect, batch, untracked } from '../vendor/preact-signals-core-1.14.5/signals-core.mjs';
export { render, Component, createRef };

/** `html\`<p class=${c}>${text}</p>\`` builds Preact elements; text is always text. */
export const html = htm.bind(h);
