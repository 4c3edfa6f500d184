// What the widget loads on a host site: widget.js is a classic script (no import/export, so
// it runs from a plain <script src>), and every module the panel imports, all the way down
// into /vendor/, is reached by a RELATIVE path and imports no bare name ('preact' …): a host
// page has no import map for them (see static/widget/kit.js). Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import vm from 'node:vm';

const staticDir = new URL('../../static/', import.meta.url);

function specifiers(text) {
  const out = [];
  for (const m of text.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+)["']/g)) out.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) out.push(m[1]);
  // Minified vendor files write `from"preact"` with no space.
  for (const m of text.matchAll(/\bfrom\s*"([^"]+)"/g)) out.push(m[1]);
  return [...new Set(out)];
}

test('bare names are found, minified or not', () => {
  const hooks = readFileSync(new URL('vendor/preact-11.2.0/hooks.mjs', staticDir), 'utf8');
  assert.deepEqual(specifiers(hooks), ['preact']);
  assert.deepEqual(specifiers("import { a } from './a.js';\nexport { b } from '../b.js';\nconst m = import('./c.js');"), ['./a.js', '../b.js', './c.js']);
});

test('the loader is a classic script', () => {
  const text = readFileSync(new URL('widget/widget.js', staticDir), 'utf8');
  assert.doesNotThrow(() => new vm.Script(text, { filename: 'widget.js' }));
});

test("the panel's modules, vendor included, import by relative paths only", () => {
  const seen = new Set();
  const queue = [new URL('widget/app.js', staticDir)];
  while (queue.length) {
    const url = queue.pop();
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    assert.ok(existsSync(url), `${url.pathname} exists`);
    const text = readFileSync(url, 'utf8');
    for (const spec of specifiers(text)) {
      assert.match(spec, /^\.\.?\//, `${url.pathname.split('/static/')[1]} imports the bare name ${spec}`);
      queue.push(new URL(spec, url));
    }
  }
  const files = [...seen].map((h) => h.split('/static/')[1]);
  for (const want of ['widget/kit.js', 'widget/styles.js', 'vendor/preact-11.2.0/preact.mjs', 'vendor/htm-3.1.1/htm.mjs']) {
    assert.ok(files.includes(want), `${want} is loaded`);
  }
  // Preact and htm are the only vendor code: the widget has its own signals and stream reader.
  assert.deepEqual(files.filter((f) => !f.startsWith('widget/')).sort(), ['vendor/htm-3.1.1/htm.mjs', 'vendor/preact-11.2.0/preact.mjs']);
});

test("the kit's vendor paths are the manifest's versions", () => {
  const manifest = JSON.parse(readFileSync(new URL('vendor/manifest.json', staticDir), 'utf8'));
  const kit = readFileSync(new URL('widget/kit.js', staticDir), 'utf8');
  for (const spec of specifiers(kit)) {
    const file = spec.replace('../vendor/', '');
    assert.ok(file in manifest.files, `${file} is vendored`);
  }
});
