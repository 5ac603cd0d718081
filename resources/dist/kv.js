// Section 5: the MY_KV namespace through GET /kv, the demo Worker's contract:
// {"key": "...", "value": "<the value as text>" | null}.
import { $, ResultPanel, curlCommand, errorFromBody, query, renderBody, renderJson, tryParseJson } from './lib.js';

export function initKv() {
  const panel = new ResultPanel('kv');
  const form = $('kv-form');
  const key = $('kv-key');
  const btn = $('kv-read-btn');
  const body = $('kv-result-body');
  const value = $('kv-value');
  const kind = $('kv-value-kind');

  function showValue(v) {
    // The Worker stores JSON documents as text; its page parses the value once more.
    let k = 'null';
    value.hidden = v === null;
    if (typeof v === 'string') {
      const parsed = tryParseJson(v);
      k = parsed.ok ? 'json' : 'text';
      if (parsed.ok) renderJson(value, parsed.value);
      else value.textContent = v;
    }
    kind.textContent = k;
    kind.dataset.kind = k;
  }

  async function read() {
    const name = key.value.trim();
    const path = name === 'demo-key' || name === '' ? '/kv' : `/kv?${query({ key: name })}`;
    panel.setCurl(curlCommand({ url: `${location.origin}${path}` }));
    panel.loading();
    body.textContent = '';
    value.hidden = true;
    kind.textContent = '—';
    delete kind.dataset.kind;
    btn.disabled = true;
    const t0 = performance.now();
    try {
      const res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      const text = await res.text();
      const parsed = tryParseJson(text);
      panel.setStatus(res.status);
      panel.setTime(performance.now() - t0);
      renderBody(body, parsed.ok ? parsed.value : undefined, text);
      if (res.ok && parsed.ok && parsed.value && 'value' in parsed.value) {
        showValue(parsed.value.value);
        panel.finish('done');
      } else {
        panel.showError(errorFromBody(res.status, parsed.value, text));
        panel.finish('error');
      }
    } catch (err) {
      panel.failNetwork(err, performance.now() - t0);
    } finally {
      btn.disabled = false;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    read();
  });
}
