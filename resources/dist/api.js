// Section 1: the backend container class behind /api/*.
import { $, ResultPanel, curlCommand, errorFromBody, query, renderBody, tryParseJson, formatMs } from './lib.js';

const BURST_SIZE = 20;

function instanceOf(res, json) {
  const header = res.headers.get('X-EdgeDesk-Instance');
  if (header) return header;
  if (json && typeof json === 'object' && json.instance !== undefined && json.instance !== null) {
    return String(json.instance);
  }
  return '';
}

export function initApi() {
  const panel = new ResultPanel('api');
  const body = $('api-result-body');
  const instance = $('api-result-instance');
  const buttons = ['api-api1-btn', 'api-heavy-btn', 'api-headers-btn', 'api-burst-btn'].map($);
  const heavyInput = $('api-heavy-n');
  const burstBox = $('api-burst');
  const burstList = $('api-burst-list');
  const burstSummary = $('api-burst-summary');

  const setBusy = (busy) => buttons.forEach((b) => (b.disabled = busy));

  function setInstance(name) {
    instance.textContent = name || '—';
    instance.dataset.instance = name;
  }

  async function send(path) {
    const url = `${location.origin}${path}`;
    panel.setCurl(curlCommand({ url }));
    panel.loading();
    setInstance('');
    body.textContent = '';
    setBusy(true);
    const answer = await panel.getJson(path, body);
    if (answer) {
      const { res, text, parsed } = answer;
      setInstance(instanceOf(res, parsed.value));
      if (res.ok) panel.finish('done');
      else panel.failWith(res.status, parsed.value, text);
    }
    setBusy(false);
  }

  function renderBurst(counts, total) {
    burstList.textContent = '';
    const entries = [...counts.entries()].sort((a, b) => {
      if (a[0] === 'error') return 1;
      if (b[0] === 'error') return -1;
      return a[0].localeCompare(b[0], undefined, { numeric: true });
    });
    for (const [name, n] of entries) {
      const li = document.createElement('li');
      li.className = name === 'error' ? 'bar-row is-error' : 'bar-row';
      li.dataset.instance = name;
      li.dataset.count = String(n);
      const label = document.createElement('span');
      label.className = 'bar-label';
      label.textContent = name === 'error' ? 'failed' : name;
      const track = document.createElement('span');
      track.className = 'bar-track';
      const fill = document.createElement('span');
      fill.className = 'bar-fill';
      fill.style.width = `${(100 * n) / total}%`;
      track.append(fill);
      const count = document.createElement('span');
      count.className = 'bar-count';
      count.textContent = `${n}`;
      li.append(label, track, count);
      burstList.append(li);
    }
  }

  async function burst() {
    const url = `${location.origin}/api/api1`;
    panel.setCurl(
      `for i in $(seq ${BURST_SIZE}); do ${curlCommand({ url, flags: '-s -o /dev/null -D -' })} | grep -i x-edgedesk-instance & done; wait`);
    panel.loading(`Sending ${BURST_SIZE}…`);
    setInstance('');
    body.textContent = '';
    burstBox.hidden = false;
    burstBox.dataset.state = 'loading';
    burstList.textContent = '';
    burstSummary.textContent = `Sending ${BURST_SIZE} concurrent requests…`;
    setBusy(true);
    const counts = new Map();
    const statuses = new Map();
    const errors = [];
    const t0 = performance.now();
    const one = async () => {
      try {
        const res = await fetch('/api/api1', { headers: { Accept: 'application/json' }, cache: 'no-store' });
        const text = await res.text();
        const parsed = tryParseJson(text);
        statuses.set(res.status, (statuses.get(res.status) || 0) + 1);
        const key = res.ok ? instanceOf(res, parsed.value) || 'unknown' : 'error';
        counts.set(key, (counts.get(key) || 0) + 1);
        if (!res.ok) errors.push(errorFromBody(res.status, parsed.value, text));
      } catch (err) {
        counts.set('error', (counts.get('error') || 0) + 1);
        errors.push({ code: 'network', message: String(err && err.message ? err.message : err) });
      }
      renderBurst(counts, BURST_SIZE);
    };
    await Promise.all(Array.from({ length: BURST_SIZE }, one));
    const ms = performance.now() - t0;
    const failed = counts.get('error') || 0;
    const instances = [...counts.keys()].filter((k) => k !== 'error').length;
    const summary = {
      requests: BURST_SIZE,
      succeeded: BURST_SIZE - failed,
      failed,
      instances: Object.fromEntries(
        [...counts.entries()]
          .filter(([k]) => k !== 'error')
          .sort((a, b) => a[0].localeCompare(b[0], undefined, { numeric: true })),
      ),
      statuses: Object.fromEntries(statuses),
      duration_ms: Math.round(ms),
    };
    if (errors.length) summary.first_error = errors[0];
    renderBody(body, summary);
    panel.setTime(ms);
    burstSummary.textContent =
      `${BURST_SIZE - failed}/${BURST_SIZE} answered by ${instances} instance${instances === 1 ? '' : 's'} in ${formatMs(ms)}` +
      (failed ? ` · ${failed} failed` : '');
    const worst = Math.max(...statuses.keys(), 0);
    panel.setStatus(failed && worst ? worst : 200);
    setInstance(`${instances} instance${instances === 1 ? '' : 's'}`);
    if (failed) {
      panel.status.textContent = `${failed} of ${BURST_SIZE} failed`;
      panel.showError(errors[0]);
    }
    const state = failed ? 'error' : 'done';
    burstBox.dataset.state = state;
    panel.finish(state);
    setBusy(false);
  }

  $('api-api1-btn').addEventListener('click', () => send('/api/api1'));
  $('api-headers-btn').addEventListener('click', () => send('/api/responseheaders'));
  $('api-heavy-form').addEventListener('submit', (e) => {
    e.preventDefault();
    // Sent as typed: the backend validates n and its error message is what the user should see.
    send(`/api/heavycompute?${query({ n: heavyInput.value.trim() })}`);
  });
  $('api-burst-btn').addEventListener('click', burst);

  panel.setCurl(curlCommand({ url: `${location.origin}/api/api1` }));
}
