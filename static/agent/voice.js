// voice.js — voice messages: record with the microphone (MediaRecorder), listen, then send
// or discard. The recording goes up as a `voice` attachment of the next message; a refused
// microphone or an unsupported browser is said in words.

import { html, useState, useRef, useEffect } from '/common/html.js';
import { t } from '/common/i18n.js';
import { duration } from '/common/format.js';
import { now } from './clock.js';

export function VoiceRecorder({ onRecorded }) {
  /** idle | recording | recorded */
  const [state, setState] = useState('idle');
  const [error, setError] = useState('');
  const [clip, setClip] = useState(null);
  const [started, setStarted] = useState(0);
  const rec = useRef(null);
  useEffect(() => () => clip && URL.revokeObjectURL(clip.url), [clip]);

  async function start() {
    setError('');
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
      return setError(t('voice.unsupported'));
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const chunks = [];
      const r = new MediaRecorder(stream);
      r.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      r.onstop = () => {
        stream.getTracks().forEach((tr) => tr.stop());
        const type = (r.mimeType || 'audio/webm').split(';')[0];
        const blob = new Blob(chunks, { type });
        setClip({ blob, url: URL.createObjectURL(blob), type });
        setState('recorded');
      };
      rec.current = r;
      r.start();
      setStarted(Date.now());
      setState('recording');
    } catch {
      setError(t('voice.denied'));
    }
  }

  function discard() {
    setClip(null);
    setState('idle');
  }

  function send() {
    const ext = clip.type.includes('ogg') ? 'ogg' : clip.type.includes('mp4') ? 'm4a' : 'webm';
    onRecorded(new File([clip.blob], `voice-message.${ext}`, { type: clip.type }));
    discard();
  }

  return html`<span class="voice">
    ${state === 'idle' && html`<button type="button" class="btn btn-secondary btn-sm" onClick=${start}>${t('voice.record')}</button>`}
    ${state === 'recording' && html`<span class="voice-live" role="status">${t('voice.recording', { time: duration(now.value - started) })}</span>
      <button type="button" class="btn btn-primary btn-sm" onClick=${() => rec.current?.stop()}>${t('voice.stop')}</button>`}
    ${state === 'recorded' && html`<audio controls src=${clip.url} aria-label=${t('voice.listen')}></audio>
      <button type="button" class="btn btn-primary btn-sm" onClick=${send}>${t('voice.attach')}</button>
      <button type="button" class="btn btn-secondary btn-sm" onClick=${discard}>${t('voice.discard')}</button>`}
    ${error && html`<span class="action-error" role="alert">${error}</span>`}
  </span>`;
}
