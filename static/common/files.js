// files.js — files the API serves behind the session's token: an <img src> or <a href> could
// not send it, so they are fetched, kept as blobs and shown or saved from object URLs.

import { getToken } from './api.js';

/** Fetches `path` with the token; throws on an error answer. */
export async function fetchFile(path) {
  const r = await fetch(path, { headers: { Authorization: `Bearer ${getToken()}` } });
  if (!r.ok) {
    const p = await r.json().catch(() => ({}));
    throw Object.assign(new Error(p.detail || p.title || r.statusText), { status: r.status, detail: p.detail });
  }
  const name = /filename="?([^";]+)"?/.exec(r.headers.get('Content-Disposition') || '')?.[1];
  return { blob: await r.blob(), name: name ? decodeURIComponent(name) : null };
}

/** Saves a blob under `name`, as a download. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
