// lazy.js — components whose code loads when first shown (or when asked to, ahead of time),
// so that a page's first screen waits only for the modules it draws. Until the module is in,
// the component renders its `fallback` (nothing by default).

import { html, signal } from './html.js';

/**
 * A component standing for the export `name` of the module `load()` imports:
 * `const Table = lazy(() => import('./table.js'), 'Table')`. `Table.preload()` starts loading
 * it without drawing it. A failed load is retried the next time it is drawn or preloaded.
 */
export function lazy(load, name) {
  const loaded = signal(null);
  let pending = null;
  function preload() {
    pending ??= load().then(
      (module) => {
        loaded.value = { component: module[name] };
      },
      () => {
        pending = null;
      },
    );
    return pending;
  }
  function Lazy({ fallback = null, ...props }) {
    const got = loaded.value;
    if (!got) {
      preload();
      return fallback;
    }
    return html`<${got.component} ...${props} />`;
  }
  Lazy.preload = preload;
  return Lazy;
}
