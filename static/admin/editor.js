// editor.js — one admin section for a kind of record (resources.js): its list, a form to add
// one and to change one, and its removal (delete, deactivate or archive, as the kind says),
// each refusal said in the server's words. Users add their one-time passwords (users.js).

import { html, useState, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { RecordForm, Said } from './form.js';
import { RESOURCES } from './resources.js';
import * as s from './state.js';
import { UserActions, createUser, Secret } from './users.js';
import { Preview } from './preview.js';

/** A section's records: loaded, reloaded after each change. */
function useRecords(r) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState('');
  const load = () =>
    api('GET', r.list).then(
      (page) => {
        setItems(page.items || []);
        setError('');
      },
      (err) => setError(describe(err)),
    );
  useEffect(() => {
    setItems(null);
    load();
  }, [r]);
  return [items, error, load];
}

export function Editor({ name }) {
  const r = RESOURCES[name];
  const [items, error, load] = useRecords(r);
  const [editing, setEditing] = useState(null); // 'new', or a record
  const [said, setSaid] = useState(null); // { ok, text } of the last change, or a secret
  const changed = async (text) => {
    setSaid({ ok: true, text });
    await load();
    s.loadDirectory();
  };
  async function save(body, values) {
    if (editing === 'new') {
      if (name === 'users') {
        const secret = await createUser(body);
        setSaid({ ok: true, text: t('admin.created'), secret });
      } else {
        await api('POST', r.base, body);
        setSaid({ ok: true, text: t('admin.created') });
      }
    } else {
      await api('PATCH', `${r.base}/${editing.id}`, body);
      setSaid({ ok: true, text: t('admin.saved') });
    }
    await load();
    s.loadDirectory();
  }
  async function remove(x) {
    const how = r.remove?.(x) || { method: 'DELETE' };
    try {
      await api(how.method, `${r.base}/${x.id}`, how.body);
      await changed(t('admin.removed', { name: x.name || x.title }));
    } catch (err) {
      setSaid({ ok: false, text: describe(err) });
    }
  }
  const form = editing && html`<${RecordForm} key=${editing === 'new' ? 'new' : editing.id} fields=${r.fields}
    record=${editing === 'new' ? null : editing} idPrefix=${name} save=${save} onDone=${() => setEditing(null)}
    submit=${editing === 'new' ? t('admin.create') : t('admin.save')} groups=${r.groups?.(editing === 'new' ? null : editing)}
    extra=${r.preview ? (values) => html`<${Preview} body=${values.body} />` : null} />`;
  return html`<section class="admin-section" aria-labelledby=${`h-${name}`}>
    <div class="section-head">
      <h2 id=${`h-${name}`}>${t(`admin.s.${name}`)}</h2>
      <button type="button" class="btn btn-primary btn-sm" onClick=${() => setEditing('new')}>${t(`admin.new.${name}`)}</button>
    </div>
    ${r.note && html`<p class="muted small">${t(r.note)}</p>`}
    <${Said} said=${said}>${said?.secret && html`<${Secret} label=${t('admin.one_time_password')} value=${said.secret} />`}<//>
    ${editing === 'new' && form}
    ${error && html`<div class="alert" role="alert"><p>${error}</p></div>`}
    ${items === null && !error && html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`}
    ${items && items.length === 0 && html`<div class="empty"><p>${t('admin.empty')}</p></div>`}
    ${items && items.length > 0 && html`<div class="table-wrap"><table class="grid stacks">
      <thead><tr>${r.columns.map(([label]) => html`<th>${t(label)}</th>`)}<th>${t('monitor.col.actions')}</th></tr></thead>
      <tbody>${items.map((x) => html`<tr key=${x.id}>
        ${r.columns.map(([label, cell]) => html`<td data-label=${t(label)}><div>${cell(x)}</div></td>`)}
        <td class="row-actions"><div class="row">
          <button type="button" class="btn btn-secondary btn-sm" aria-label=${t('admin.edit_of', { name: x.name || x.title })}
            onClick=${() => setEditing(x)}>${t('admin.edit')}</button>
          ${name === 'users' && html`<${UserActions} u=${x} onSaid=${(ok, text, secret) => setSaid({ ok, text, secret })} reload=${load} />`}
          ${(r.removable?.(x) ?? true) && html`<button type="button" class="btn btn-secondary btn-sm"
            aria-label=${`${t(r.removeLabel)}: ${x.name || x.title}`} onClick=${() => remove(x)}>${t(r.removeLabel)}</button>`}
        </div></td>
      </tr>
      ${editing && editing !== 'new' && editing.id === x.id && html`<tr class="edit-row"><td colspan=${r.columns.length + 1}>${form}</td></tr>`}`)}
      </tbody></table></div>`}
  </section>`;
}
