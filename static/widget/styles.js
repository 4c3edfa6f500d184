// styles.js — the panel's CSS, adopted into the shadow root by app.js (next to the loader's, whose
// .center, .spinner, .secondary and .sr-only it uses). A string: no host `style-src` exception needed.

export const CSS = `
.root { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.panel-inner { flex: 1; min-height: 0; display: flex; flex-direction: column; }
button, input, textarea { font: inherit; color: inherit; letter-spacing: inherit; }
button { cursor: pointer; }
button:disabled { cursor: default; }
:focus { outline: none; }
:focus-visible { outline: 2px solid var(--sb-accent); outline-offset: 2px; }
.icon { flex: none; display: block; }
p, h2, h3, ol, ul, fieldset, legend { margin: 0; padding: 0; }
ol, ul { list-style: none; }

/* ---- header ---- */
.head { flex: none; display: flex; align-items: center; gap: 12px; padding: 14px 12px 14px 16px; background: var(--sb-accent); color: var(--sb-on-accent); }
.avatar { flex: none; display: inline-flex; align-items: center; justify-content: center; border-radius: 50%; font-weight: 650; }
.head-avatar { width: 40px; height: 40px; font-size: 15px; background: rgba(255, 255, 255, 0.2); box-shadow: inset 0 0 0 1px rgba(255, 255, 255, 0.28); }
.head-text { flex: 1; min-width: 0; }
.title { font-size: 16px; line-height: 1.25; font-weight: 650; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.status { display: flex; align-items: center; gap: 6px; margin-top: 2px; padding-left: 2px; font-size: 12.5px; opacity: 0.92; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.dot { flex: none; width: 8px; height: 8px; border-radius: 50%; background: #98a2b3; box-shadow: 0 0 0 2px rgba(255, 255, 255, 0.5); }
.dot.on { background: #12b76a; }
.head-close { flex: none; width: 36px; height: 36px; margin: 0; padding: 0; border: 0; border-radius: 10px; display: inline-flex; align-items: center; justify-content: center; background: transparent; color: inherit; }
.head-close:hover { background: rgba(255, 255, 255, 0.16); }
.head-close:focus-visible { outline: 2px solid var(--sb-on-accent); outline-offset: -2px; }
.banner { flex: none; padding: 6px 16px; background: #fffaeb; color: #93370d; font-size: 12.5px; border-bottom: 1px solid #fedf89; }
.body { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.brand { flex: none; padding: 6px 0 8px; text-align: center; font-size: 11px; color: #98a2b3; background: #fff; }

/* ---- states ---- */
.mini-spinner { width: 14px; height: 14px; border-radius: 50%; border: 2px solid #d0d5dd; border-top-color: var(--sb-accent); animation: sb-spin 0.8s linear infinite; }
.problem-icon { display: inline-flex; padding: 10px; border-radius: 50%; background: #fef3f2; color: #b42318; }
.problem-icon .icon { width: 24px; height: 24px; }
.problem p { max-width: 280px; color: #344054; overflow-wrap: anywhere; }
.problem .problem-detail { font-size: 12px; color: #667085; }

/* ---- the log ---- */
.log { flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain; overflow-anchor: none; padding: 16px 14px 8px; scroll-behavior: auto; }
.log:focus-visible { outline-offset: -2px; }
.msgs { display: flex; flex-direction: column; }
.older { display: block; margin: 0 auto 12px; padding: 5px 12px; border: 1px solid #e4e7ec; border-radius: 999px; background: #fff; color: #475467; font-size: 12.5px; }
.older:hover:not(:disabled) { background: #f2f4f7; }
.greeting { display: flex; flex-direction: column; align-items: center; text-align: center; gap: 8px; padding: 12px 16px 20px; }
.avatar.big { width: 48px; height: 48px; background: var(--sb-accent); color: var(--sb-on-accent); }
.greeting-title { font-size: 15px; font-weight: 600; color: #101828; white-space: pre-wrap; overflow-wrap: anywhere; }
.greeting-note { font-size: 13px; color: #667085; }
.day { align-self: center; margin: 10px 0 8px; }
.day span { display: inline-block; padding: 2px 10px; border-radius: 999px; background: #eaecf0; color: #475467; font-size: 11.5px; font-weight: 500; }
.day span::first-letter { text-transform: uppercase; }
.msg { display: flex; align-items: flex-end; gap: 8px; margin-top: 3px; max-width: 100%; }
.msg.first { margin-top: 12px; }
.msg.mine { justify-content: flex-end; }
.msg-body { display: flex; flex-direction: column; min-width: 0; max-width: 78%; }
.mine .msg-body { align-items: flex-end; }
.theirs .msg-body { align-items: flex-start; }
.avatar.small { width: 28px; height: 28px; font-size: 11px; background: #e0e7ff; color: #3730a3; margin-bottom: 18px; }
.theirs:not(.last) .avatar.small { visibility: hidden; }
.author { font-size: 12px; color: #667085; margin: 0 0 3px 4px; }
.bubble { padding: 8px 12px; border-radius: 18px; font-size: 14px; line-height: 1.45; min-width: 0; max-width: 100%; }
.mine .bubble { background: var(--sb-accent); color: var(--sb-on-accent); border-bottom-right-radius: 6px; }
.theirs .bubble { background: #fff; color: #101828; box-shadow: 0 0 0 1px #e4e7ec; border-bottom-left-radius: 6px; }
.mine:not(.first) .bubble { border-top-right-radius: 6px; }
.theirs:not(.first) .bubble { border-top-left-radius: 6px; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; word-break: normal; }
.text a { color: inherit; text-decoration: underline; text-underline-offset: 2px; }
.time { display: flex; align-items: center; gap: 4px; margin: 4px 4px 0; font-size: 11px; color: #98a2b3; }
.time.error { color: #b42318; flex-wrap: wrap; justify-content: flex-end; max-width: 100%; text-align: right; }
.pending .bubble { opacity: 0.75; }
.failed .bubble { opacity: 1; box-shadow: 0 0 0 2px #fda29b; }
.link { margin: 0; padding: 0; border: 0; background: none; color: var(--sb-accent); font-weight: 600; text-decoration: underline; text-underline-offset: 2px; }
.time .link { color: #b42318; font-size: 11px; }
.note { align-self: center; margin: 14px auto 4px; padding: 6px 12px; border-radius: 10px; background: #f2f4f7; color: #475467; font-size: 12.5px; text-align: center; max-width: 90%; overflow-wrap: anywhere; }
.note.ok { background: #ecfdf3; color: #05603a; }

/* ---- files ---- */
.atts { display: flex; flex-direction: column; gap: 6px; margin-top: 4px; }
.atts:first-child { margin-top: 0; }
.att-image { display: block; border-radius: 12px; overflow: hidden; background: rgba(16, 24, 40, 0.06); }
.att-image img { display: block; max-width: 100%; max-height: 220px; object-fit: cover; }
.att-loading { width: 180px; height: 120px; animation: sb-pulse 1.2s ease-in-out infinite; }
@keyframes sb-pulse { 50% { opacity: 0.5; } }
.att-file { display: flex; align-items: center; gap: 10px; padding: 8px 8px 8px 10px; border-radius: 12px; background: rgba(255, 255, 255, 0.92); color: #101828; min-width: 0; max-width: 100%; }
.theirs .att-file { background: #f2f4f7; }
.att-chip { padding: 4px 10px; font-size: 12.5px; overflow-wrap: anywhere; }
.att-missing { font-size: 12.5px; color: #475467; }
.att-icon { color: #667085; display: inline-flex; }
.att-meta { display: flex; flex-direction: column; min-width: 0; flex: 1; }
.att-name { font-size: 13px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.att-size { font-size: 11.5px; color: #667085; }
.att-save { flex: none; width: 32px; height: 32px; margin: 0; padding: 0; border: 0; border-radius: 8px; display: inline-flex; align-items: center; justify-content: center; background: transparent; color: #344054; }
.att-save:hover { background: rgba(16, 24, 40, 0.08); }

/* ---- typing ---- */
.typing { flex: none; display: flex; align-items: center; gap: 8px; padding: 2px 16px 8px; font-size: 12.5px; color: #667085; }
.dots { display: inline-flex; gap: 3px; padding: 8px 10px; border-radius: 14px; background: #fff; box-shadow: 0 0 0 1px #e4e7ec; }
.dots i { width: 6px; height: 6px; border-radius: 50%; background: #98a2b3; animation: sb-dot 1.2s infinite ease-in-out; }
.dots i:nth-child(2) { animation-delay: 0.15s; }
.dots i:nth-child(3) { animation-delay: 0.3s; }
@keyframes sb-dot { 0%, 60%, 100% { transform: none; opacity: 0.5; } 30% { transform: translateY(-3px); opacity: 1; } }

/* ---- composer ---- */
.composer { flex: none; position: relative; padding: 10px 10px 6px; background: #fff; border-top: 1px solid #eaecf0; }
.compose-row { display: flex; align-items: flex-end; gap: 2px; padding: 4px 4px 4px 12px; border: 1px solid #d0d5dd; border-radius: 14px; background: #fff; transition: border-color 0.15s, box-shadow 0.15s; }
.compose-row:focus-within { border-color: var(--sb-accent); box-shadow: 0 0 0 3px color-mix(in srgb, var(--sb-accent) 22%, transparent); }
.compose-box { flex: 1; min-width: 0; height: 36px; max-height: 132px; margin: 0; padding: 8px 0; border: 0; background: transparent; resize: none; font-size: 14px; line-height: 20px; color: #101828; overflow-y: auto; }
.compose-box:focus-visible { outline: none; }
.compose-box::placeholder { color: #98a2b3; opacity: 1; }
.tool, .send { flex: none; width: 36px; height: 36px; margin: 0; padding: 0; border: 0; border-radius: 10px; display: inline-flex; align-items: center; justify-content: center; background: transparent; color: #667085; }
.tool:hover { background: #f2f4f7; color: #344054; }
.tool[aria-expanded="true"] { background: #f2f4f7; color: var(--sb-accent); }
.send { background: var(--sb-accent); color: var(--sb-on-accent); margin-left: 2px; }
.send:disabled { background: #eaecf0; color: #98a2b3; }
.send:hover:not(:disabled) { filter: brightness(0.94); }
.count { margin: 4px 6px 0; font-size: 11.5px; color: #667085; text-align: right; }
.count.over { color: #b42318; font-weight: 600; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 8px; }
.chip { display: inline-flex; align-items: center; gap: 4px; max-width: 100%; padding: 3px 4px 3px 10px; border-radius: 999px; background: #f2f4f7; font-size: 12.5px; color: #344054; }
.chip.busy { color: #667085; }
.chip-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
.chip-x { flex: none; width: 22px; height: 22px; margin: 0; padding: 0; border: 0; border-radius: 50%; display: inline-flex; align-items: center; justify-content: center; background: transparent; color: #667085; }
.chip-x .icon { width: 14px; height: 14px; }
.chip-x:hover { background: #e4e7ec; }
.inline-error { margin: 0 2px 8px; padding: 6px 10px; border-radius: 8px; background: #fef3f2; color: #b42318; font-size: 12.5px; overflow-wrap: anywhere; }
.emoji-pop { position: absolute; left: 10px; right: 10px; bottom: calc(100% - 4px); display: grid; grid-template-columns: repeat(8, 1fr); gap: 2px; padding: 8px; background: #fff; border: 1px solid #e4e7ec; border-radius: 14px; box-shadow: 0 12px 32px rgba(16, 24, 40, 0.16); }
.emoji { height: 36px; margin: 0; padding: 0; border: 0; border-radius: 8px; background: transparent; font-size: 20px; line-height: 1; font-family: "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", sans-serif; }
.emoji:hover, .emoji:focus-visible { background: #f2f4f7; }

/* ---- forms ---- */
.start { flex: 1; min-height: 0; overflow-y: auto; display: flex; flex-direction: column; gap: 10px; padding: 16px 18px 14px; background: #fff; }
.start .avatar.big { width: 40px; height: 40px; }
.intro { display: flex; flex-direction: column; align-items: center; text-align: center; gap: 4px; margin-bottom: 2px; }
.intro h3 { margin: 4px 0 0; font-size: 16px; font-weight: 650; color: #101828; white-space: pre-wrap; overflow-wrap: anywhere; }
.intro p { font-size: 13px; color: #667085; }
.field { display: flex; flex-direction: column; gap: 5px; }
.field label { font-size: 13px; font-weight: 600; color: #344054; }
.optional { font-weight: 400; color: #98a2b3; }
.field input, .field textarea, .rating textarea { width: 100%; margin: 0; padding: 9px 12px; border: 1px solid #d0d5dd; border-radius: 10px; background: #fff; font-size: 14px; line-height: 20px; color: #101828; resize: none; }
.field input:focus-visible, .field textarea:focus-visible, .rating textarea:focus-visible { outline: none; }
.field input:focus, .field textarea:focus, .rating textarea:focus { border-color: var(--sb-accent); box-shadow: 0 0 0 3px color-mix(in srgb, var(--sb-accent) 22%, transparent); }
.field [aria-invalid="true"] { border-color: #f04438; }
.field-error { font-size: 12.5px; color: #b42318; }
.primary { margin: 0; padding: 10px 16px; border: 0; border-radius: 10px; background: var(--sb-accent); color: var(--sb-on-accent); font-weight: 600; font-size: 14px; }
.primary:hover:not(:disabled) { filter: brightness(0.94); }
.primary:disabled { opacity: 0.55; }

/* ---- rating ---- */
.rating { flex: none; display: flex; flex-direction: column; gap: 10px; padding: 14px 16px 12px; background: #fff; border-top: 1px solid #eaecf0; }
.rating fieldset { border: 0; min-width: 0; text-align: center; }
.rating legend { width: 100%; font-size: 15px; font-weight: 650; color: #101828; margin-bottom: 6px; text-align: center; }
.stars { display: flex; justify-content: center; gap: 4px; }
.star { position: relative; display: inline-flex; padding: 3px; border-radius: 8px; cursor: pointer; }
.star-input { position: absolute; inset: 0; width: 100%; height: 100%; margin: 0; opacity: 0; cursor: pointer; }
.star:has(input:focus-visible) { outline: 2px solid var(--sb-accent); outline-offset: 1px; }
.star-shape { pointer-events: none; fill: none; stroke: #98a2b3; transition: transform 0.12s ease; }
.star-shape.on { fill: #fdb022; stroke: #f79009; }
.star:hover .star-shape { transform: scale(1.12); }
.star-word { min-height: 18px; font-size: 12.5px; color: #667085; }
.rating-actions { display: flex; justify-content: space-between; align-items: center; gap: 12px; }
.rating-actions .link { color: #667085; font-weight: 500; }

@media (max-width: 480px) {
  .msg-body { max-width: 82%; }
  .compose-box, .field input, .field textarea, .rating textarea { font-size: 16px; }
}
@media (prefers-reduced-motion: reduce) {
  .spinner, .mini-spinner, .dots i, .att-loading { animation-duration: 2.4s; }
}
`;
