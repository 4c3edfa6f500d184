// form.js — the admin pages' forms, written once from a list of fields: text, email, number,
// long text, colour, a choice, a yes/no box and a set of ticks (teams, members). Each field
// carries the limits the server checks (required, lengths, ranges), so the browser refuses
// what the server would; what the server still refuses comes back as problem+json and each
// of its field errors is shown under its field, the rest above the buttons. Fields of a
// `group` (an inbox's `widget`) are sent as one object under that name and drawn together in
// a fieldset of their own, with what the group adds (see `groups`).

import { html, useState } from '/common/html.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { FormFooter } from '/common/field.js';

/** The value a field starts with in a new record. */
function initial(f) {
  if (f.default !== undefined) return f.default;
  if (f.type === 'checkbox') return false;
  if (f.type === 'ticks') return [];
  return '';
}

/** A record's values for the form's fields (a new one when `record` is null). */
export function valuesOf(fields, record) {
  const read = (f) => {
    const from = f.group ? record[f.group] || {} : record;
    return (f.read ? f.read(from) : from[f.name]) ?? initial(f);
  };
  return Object.fromEntries(fields.map((f) => [f.name, record ? read(f) : initial(f)]));
}

/** The request body: numbers as numbers, empty optional text left out, fields not shown dropped. */
export function bodyOf(fields, values, record = null) {
  const body = {};
  for (const f of fields) {
    if (f.when && !f.when(values, record)) continue;
    let v = values[f.name];
    if (f.type === 'number') v = v === '' ? undefined : Number(v);
    if ((f.type === 'text' || f.type === 'textarea' || f.type === 'email') && v === '' && !f.required && !f.keepEmpty) v = undefined;
    if (f.write) v = f.write(v);
    if (v === undefined) continue;
    if (f.group) body[f.group] = { ...body[f.group], [f.name]: v };
    else body[f.name] = v;
  }
  return body;
}

/** The field a server error names: `greeting`, `widget.greeting` or `widget.allowed_origins[1]`. */
export function fieldOf(fields, name) {
  const bare = String(name).replace(/\[\d+\]$/, '');
  return fields.find((f) => bare === f.name || (f.group && bare === `${f.group}.${f.name}`));
}

function Input({ f, id, value, set, invalid }) {
  const common = { id, required: f.required, 'aria-invalid': invalid ? 'true' : undefined, 'aria-describedby': invalid ? `${id}-error` : undefined };
  switch (f.type) {
    case 'textarea':
      return html`<textarea ...${common} rows="4" maxlength=${f.max} placeholder=${f.placeholder} value=${value} onInput=${(e) => set(e.target.value)} />`;
    case 'select':
      return html`<select ...${common} value=${value} onChange=${(e) => set(e.target.value)}>
        ${f.options().map(([v, label]) => html`<option value=${v}>${label}</option>`)}</select>`;
    case 'checkbox':
      return html`<input ...${common} type="checkbox" checked=${Boolean(value)} onChange=${(e) => set(e.target.checked)} />`;
    case 'ticks':
      return html`<fieldset class="ticks" id=${id}>
        ${f.options().map(([v, label]) => html`<label class="tick"><input type="checkbox" checked=${value.includes(v)}
          onChange=${(e) => set(e.target.checked ? [...value, v] : value.filter((x) => x !== v))} />${label}</label>`)}
        ${f.options().length === 0 && html`<span class="muted small">${t('admin.none_yet')}</span>`}
      </fieldset>`;
    default:
      return html`<input ...${common} type=${f.type || 'text'} minlength=${f.min_len} maxlength=${f.max} min=${f.min} max=${f.maxValue}
        placeholder=${f.placeholder} value=${value} onInput=${(e) => set(e.target.value)} />`;
  }
}

/** One field: its label, input, hint and the server's word on it. */
function FieldRow({ f, id, value, set, invalid }) {
  return html`<div class=${`field${f.type === 'checkbox' ? ' field-check' : ''}`}>
    <label for=${id}>${t(f.label)}</label>
    <${Input} f=${f} id=${id} value=${value} invalid=${invalid} set=${set} />
    ${f.hint && html`<p class="hint">${t(f.hint)}</p>`}
    ${invalid && html`<p class="field-error" id=${`${id}-error`}>${invalid}</p>`}
  </div>`;
}

/**
 * A form of `fields` for `record` (null: a new one). `save(body)` sends it (and throws the
 * server's refusal); `onDone` follows a save or a cancel. `extra` is drawn above the buttons.
 * `groups` names, for each group of fields, its `legend`, an `intro` and an `extra(values)`
 * drawn at the end of its fieldset.
 */
export function RecordForm({ fields, record, save, onDone, submit, idPrefix, extra, groups = {} }) {
  const shown = fields.filter((f) => !(record ? f.createOnly : f.editOnly));
  const [values, setValues] = useState(() => valuesOf(shown, record));
  const [errors, setErrors] = useState({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true);
    try {
      await save(bodyOf(shown, values, record), values);
      onDone();
    } catch (err) {
      const byField = {};
      let placed = false;
      for (const x of err.errors || []) {
        const f = fieldOf(shown, x.field);
        const key = f ? f.name : x.field;
        byField[key] = byField[key] ? `${byField[key]} ${x.message}` : x.message;
        placed = placed || Boolean(f);
      }
      setErrors(byField);
      setError(placed ? t('admin.fix_fields') : describe(err));
    } finally {
      setBusy(false);
    }
  }
  const visible = shown.filter((f) => !f.when || f.when(values, record));
  const row = (f) => html`<${FieldRow} key=${f.name} f=${f} id=${`${idPrefix}-${f.name}`} value=${values[f.name]} invalid=${errors[f.name]}
    set=${(v) => setValues({ ...values, [f.name]: v })} />`;
  const parts = [...new Set(visible.filter((f) => f.group).map((f) => f.group))];
  return html`<form class="record-form card" onSubmit=${onSubmit} noValidate=${false}>
    ${visible.filter((f) => !f.group).map(row)}
    ${parts.map((g) => html`<fieldset class="form-part" key=${g}>
      <legend>${t(groups[g]?.legend || g)}</legend>
      ${groups[g]?.intro && html`<p class="hint form-part-intro">${t(groups[g].intro)}</p>`}
      ${visible.filter((f) => f.group === g).map(row)}
      ${groups[g]?.extra?.(values)}
    </fieldset>`)}
    ${extra?.(values)}
    <div aria-busy=${busy ? 'true' : undefined}>
      <${FormFooter} error=${error} submit=${submit} onDone=${onDone} />
    </div>
  </form>`;
}

/** What the last change said: a notice, or an alert for a refusal; `children` follow it. */
export function Said({ said, children }) {
  if (!said) return null;
  return html`<div class=${said.ok ? 'notice' : 'alert'} role=${said.ok ? 'status' : 'alert'}><p>${said.text}</p>${children}</div>`;
}
