// html.js — the pages' rendering kit: Preact with htm tagged templates (no build step) and
// signals, from the vendored copies in /vendor/ (see scripts/vendor.sh and the import map in
// each page). Everything user-supplied is rendered as text by Preact; no page sets HTML.
import { h, render, Fragment } from 'preact';
import htm from 'htm';

export { render, Fragment };
export { useState, useEffect, useLayoutEffect, useRef, useMemo, useCallback } from 'preact/hooks';
export { signal, computed, effect, batch } from '@preact/signals';

/** `html\`<div class=${c}>${text}</div>\`` builds Preact elements. */
export const html = htm.bind(h);
