// uploads.js — files for the next message (clip, drop or paste), uploaded at once, shown as chips.

import * as api from './api.js';
import * as s from './store.js';
import { tx, currentLang } from './i18n.js';
import { bytes } from './text.js';
import { ensureSession } from './actions.js';

let counter = 0;

function update(key, change) {
  s.files.value = change ? s.files.value.map((f) => (f.key === key ? { ...f, ...change } : f)) : s.files.value.filter((f) => f.key !== key);
}

/** Uploads each of `list` (Files); a session is made first if there is none yet. */
export async function add(list) {
  s.fileErrors.value = [];
  const limit = s.inbox.value?.max_upload_bytes || Infinity;
  for (const file of list) {
    if (file.size > limit) {
      refuse(file.name, tx('upload.too_large', { size: bytes(limit, currentLang()) }));
      continue;
    }
    const key = `f${++counter}`;
    s.files.value = [...s.files.value, { key, name: file.name || 'file', size: file.size, busy: true }];
    try {
      await ensureSession();
      const a = await api.upload(file);
      update(key, { busy: false, id: a.id, name: a.name, size: a.size, content_type: a.content_type });
    } catch (err) {
      update(key, null);
      refuse(file.name, api.describe(err));
    }
  }
}

function refuse(name, reason) {
  s.fileErrors.value = [...s.fileErrors.value, tx('upload.refused', { name: name || 'file', reason })];
}

export function remove(key) {
  update(key, null);
}

/** The uploaded files, to send with the message; clears the list. */
export function take() {
  const done = s.files.value.filter((f) => f.id).map(({ id, name, size, content_type }) => ({ id, name, size, content_type }));
  s.files.value = [];
  s.fileErrors.value = [];
  return done;
}

export const busy = () => s.files.value.some((f) => f.busy);
