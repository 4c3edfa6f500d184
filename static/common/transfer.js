// transfer.js — handing a conversation over, the same form wherever it is done (the agent's
// conversation, a row of the monitor): an agent of its inbox (with their status and load;
// those without room cannot be chosen) or one of its teams, and a note.

import { html, useState, useEffect } from './html.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { describe } from './problem.js';
import { FormFooter } from './field.js';

/** Who conversation `id` can go to (agents of its inbox, its teams), read once per form. */
export function useTargets(id, setError) {
  const [targets, setTargets] = useState(null);
  useEffect(() => {
    api('GET', `/api/v1/conversations/${id}/transfer-targets`).then(setTargets, (err) => setError(describe(err)));
  }, [id]);
  return targets;
}

/**
 * The transfer form for conversation `id`. `send(body)` makes the transfer (`agent_id` or
 * `team_id`, and `note`); its refusal is shown in the form, and `onDone` follows success or
 * a cancel. `prefix` keeps the fields' ids apart when several forms are open.
 */
export function TransferForm({ id, send, onDone, prefix = 'transfer', className = 'popover card' }) {
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const targets = useTargets(id, setError);
  async function submit(e) {
    e.preventDefault();
    if (!to) return setError(t('transfer.pick'));
    const [kind, target] = to.split(':');
    const body = kind === 'agent' ? { agent_id: target } : { team_id: target };
    if (note.trim()) body.note = note.trim();
    try {
      await send(body);
      onDone();
    } catch (err) {
      setError(describe(err));
    }
  }
  const room = (a) => a.status === 'available' && a.active < a.capacity;
  return html`<form class=${className} onSubmit=${submit} aria-label=${t('action.transfer')}>
    <label for=${`${prefix}-to`}>${t('transfer.to')}</label>
    <select id=${`${prefix}-to`} value=${to} onChange=${(e) => setTo(e.target.value)}>
      <option value="">${targets ? t('transfer.choose') : t('app.loading')}</option>
      ${targets && targets.agents.length > 0 && html`<optgroup label=${t('transfer.agents')}>
        ${targets.agents.map((a) => html`<option value=${`agent:${a.id}`} disabled=${!room(a)}>
          ${a.name} · ${t(`status.${a.status}`)} · ${a.active} / ${a.capacity}</option>`)}
      </optgroup>`}
      ${targets && targets.teams.length > 0 && html`<optgroup label=${t('transfer.teams')}>
        ${targets.teams.map((tm) => html`<option value=${`team:${tm.id}`}>${tm.name}</option>`)}
      </optgroup>`}
    </select>
    <label for=${`${prefix}-note`}>${t('transfer.note')}</label>
    <textarea id=${`${prefix}-note`} rows="2" value=${note} onInput=${(e) => setNote(e.target.value)} />
    <${FormFooter} error=${error} submit=${t('action.transfer')} onDone=${onDone} />
  </form>`;
}
