// emoji.js — a small emoji picker: a fixed set of the faces and signs people use in support
// chats, as a grid of buttons over the composer. Arrow keys move in the grid, Enter or a
// click puts the emoji in the message at the caret, Escape closes the picker and gives the
// focus back to its button.

import { html, Component, createRef } from './kit.js';
import { tx } from './i18n.js';

export const EMOJI = [
  '😀', '😄', '😊', '🙂', '😉', '😍', '🥰', '😎',
  '🤔', '😅', '😂', '🙃', '😮', '😢', '😭', '😡',
  '👍', '👎', '👏', '🙏', '👋', '🤝', '💪', '👌',
  '❤️', '🎉', '✨', '🔥', '✅', '❌', '⭐', '💡',
  '📦', '🚚', '💳', '🧾', '📎', '📷', '⏰', '🎁',
];
const COLUMNS = 8;

export class EmojiPicker extends Component {
  constructor() {
    super();
    this.grid = createRef();
  }

  componentDidMount() {
    this.grid.current?.querySelector('button')?.focus();
  }

  keys(e) {
    const buttons = [...this.grid.current.querySelectorAll('button')];
    const at = buttons.indexOf(e.target);
    const move = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[e.key];
    if (move && at >= 0) {
      e.preventDefault();
      buttons[Math.min(buttons.length - 1, Math.max(0, at + move))].focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.props.onClose();
    }
  }

  render({ onPick }) {
    return html`<div class="emoji-pop" role="group" aria-label=${tx('composer.emoji')} ref=${this.grid} onKeyDown=${(e) => this.keys(e)}>
      ${EMOJI.map((e, i) => html`<button type="button" class="emoji" tabindex=${i ? -1 : 0} onClick=${() => onPick(e)}>${e}</button>`)}
    </div>`;
  }
}
