// chart.js — small charts drawn as inline SVG (no charting library): grouped vertical bars
// (a value per series at each point, e.g. created and closed per day) and stacked
// horizontal bars (parts of a whole per row, e.g. an agent's time per status). Each chart
// is a figure whose picture is described for screen readers and is followed by a table of
// the same numbers. Names are rendered as text, never as markup.

import { html } from './html.js';

const W = 640;
const H = 220;
const PAD = { left: 40, right: 8, top: 10, bottom: 28 };

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten. */
export function niceMax(n) {
  if (n <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= n);
}

function DataTable({ caption, head, rows }) {
  return html`<details class="chart-data"><summary>${caption}</summary>
    <table class="grid"><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr>${r.map((v, i) => (i ? html`<td class="num">${v}</td>` : html`<th scope="row">${v}</th>`))}</tr>`)}</tbody>
    </table></details>`;
}

/**
 * Grouped bars: `points` are `{ label, values }` (one value per series), `series` the series'
 * names; `title` names the figure, `tableLabel` the table behind it, `format` the numbers.
 */
export function BarChart({ title, tableLabel, series, points, format = String }) {
  const max = niceMax(Math.max(0, ...points.flatMap((p) => p.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, points.length);
  const bar = Math.max(1, Math.min(18, (slot * 0.8) / series.length));
  const y = (v) => PAD.top + plotH - (v / max) * plotH;
  const every = Math.ceil(points.length / 12); // at most about 12 labels under the axis
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <div class="legend">${series.map((name, i) => html`<span><i class=${`swatch s${i}`}></i>${name}</span>`)}</div>
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${title}>
      ${[0, 0.5, 1].map((f) => html`<g>
        <line class="gridline" x1=${PAD.left} x2=${W - PAD.right} y1=${y(max * f)} y2=${y(max * f)} />
        <text class="tick" x=${PAD.left - 6} y=${y(max * f) + 4} text-anchor="end">${format(max * f)}</text></g>`)}
      ${points.map((p, i) => html`<g>
        ${p.values.map((v, k) => html`<rect class=${`s${k}`} x=${PAD.left + i * slot + (slot - bar * series.length) / 2 + k * bar}
          y=${y(v)} width=${bar} height=${Math.max(0, PAD.top + plotH - y(v))}><title>${p.label} · ${series[k]}: ${format(v)}</title></rect>`)}
        ${i % every === 0 && html`<text class="tick" x=${PAD.left + i * slot + slot / 2} y=${H - 8} text-anchor="middle">${p.label}</text>`}
      </g>`)}
    </svg>
    <${DataTable} caption=${tableLabel} head=${['', ...series]} rows=${points.map((p) => [p.label, ...p.values.map(format)])} />
  </figure>`;
}

/**
 * Stacked horizontal bars: `rows` are `{ label, values }` (one value per part), each bar as
 * long as its row's total relative to the largest; `parts` names the parts.
 */
export function StackChart({ title, tableLabel, parts, rows, format = String }) {
  const rowH = 26;
  const labelW = 150;
  const height = rows.length * rowH + 8;
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const scale = (W - labelW - PAD.right) / max;
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <div class="legend">${parts.map((name, i) => html`<span><i class=${`swatch s${i}`}></i>${name}</span>`)}</div>
    <svg viewBox=${`0 0 ${W} ${height}`} role="img" aria-label=${title}>
      ${rows.map((r, i) => {
        let x = labelW;
        return html`<g>
          <text class="tick" x=${labelW - 8} y=${i * rowH + 18} text-anchor="end">${r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}</text>
          ${r.values.map((v, k) => {
            const w = v * scale;
            const rect = html`<rect class=${`s${k}`} x=${x} y=${i * rowH + 5} width=${w} height=${rowH - 10}><title>${r.label} · ${parts[k]}: ${format(v)}</title></rect>`;
            x += w;
            return rect;
          })}
        </g>`;
      })}
    </svg>
    <${DataTable} caption=${tableLabel} head=${['', ...parts]} rows=${rows.map((r) => [r.label, ...r.values.map(format)])} />
  </figure>`;
}
