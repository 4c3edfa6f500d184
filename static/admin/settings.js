// settings.js — the workspace settings (name, language, time zone, presence timeout, upload
// limits and types, default capacity) as one form, saved with the server's field errors.

import { html, useState, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { RecordForm } from './form.js';

const FIELDS = [
  { name: 'name', label: 'admin.f.workspace_name', required: true, max: 100 },
  { name: 'language', label: 'admin.f.language', type: 'select', options: () => [['en', 'English'], ['it', 'Italiano'], ['es', 'Español']] },
  { name: 'time_zone', label: 'admin.f.time_zone', required: true, max: 64, hint: 'admin.h.time_zone' },
  { name: 'presence_timeout_secs', label: 'admin.f.presence_timeout_secs', type: 'number', min: 30, maxValue: 3600 },
  { name: 'default_capacity', label: 'admin.f.default_capacity', type: 'number', min: 1, maxValue: 100 },
  { name: 'max_message_chars', label: 'admin.f.max_message_chars', type: 'number', min: 100, maxValue: 100000 },
  { name: 'max_upload_bytes', label: 'admin.f.max_upload_bytes', type: 'number', min: 1024, maxValue: 1073741824 },
  {
    name: 'allowed_upload_types',
    label: 'admin.f.allowed_upload_types',
    type: 'textarea',
    hint: 'admin.h.upload_types',
    read: (r) => (r.allowed_upload_types || []).join('\n'),
    write: (v) => String(v).split(/[\s,]+/).filter(Boolean),
  },
];

export function Settings() {
  const [settings, setSettings] = useState(null);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const load = () => api('GET', '/api/v1/settings').then(setSettings, (err) => setError(describe(err)));
  useEffect(() => {
    load();
  }, []);
  return html`<section class="admin-section" aria-labelledby="h-settings">
    <div class="section-head"><h2 id="h-settings">${t('admin.s.settings')}</h2></div>
    ${saved && html`<div class="notice" role="status"><p>${t('admin.saved')}</p></div>`}
    ${error && html`<div class="alert" role="alert"><p>${error}</p></div>`}
    ${settings
      ? html`<${RecordForm} key=${JSON.stringify(settings)} fields=${FIELDS} record=${settings} idPrefix="settings"
          submit=${t('admin.save')} onDone=${() => {}}
          save=${async (body) => {
            setSaved(false);
            setSettings(await api('PATCH', '/api/v1/settings', body));
            setSaved(true);
          }} />`
      : !error && html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`}
  </section>`;
}
