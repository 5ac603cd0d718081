// Section 5: the MY_KV namespace through GET /kv, the demo Worker's contract:
// {"key": "...", "value": "<the value as text>" | null}.
import { $, ResultPanel, curlCommand, query, renderJson, tryParseJson } from './lib.js';

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
    const answer = await panel.getJson(path, body);
    if (answer) {
      const { res, text, parsed } = answer;
      if (res.ok && parsed.ok && parsed.value && 'value' in parsed.value) {
        showValue(parsed.value.value);
        panel.finish('done');
      } else {
        panel.failWith(res.status, parsed.value, text);
      }
    }
    btn.disabled = false;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    read();
  });
}
