// Section 4: the LINUX_COMMAND container class behind /run (sandboxed shell commands).
import { $, ResultPanel, curlCommand, errorFromBody, tryParseJson } from './lib.js';

function isRunShape(v) {
  return v && typeof v === 'object' && typeof v.command === 'string' && 'exit_code' in v;
}

export function initCmd() {
  const panel = new ResultPanel('cmd');
  const form = $('cmd-form');
  const input = $('cmd-input');
  const btn = $('cmd-run-btn');
  const output = $('cmd-output');
  const stderr = $('cmd-stderr');
  const stderrBox = $('cmd-stderr-box');
  const outputBox = $('cmd-output-box');
  const exitCode = $('cmd-exit-code');
  const exitBadge = $('cmd-exit-badge');
  const truncated = $('cmd-truncated');
  const health = $('cmd-health');

  function curlFor(command) {
    return curlCommand({
      url: `${location.origin}/run`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ command }),
    });
  }

  function setExit(code) {
    if (code === null || code === undefined || code === '') {
      exitCode.textContent = '—';
      delete exitCode.dataset.exitCode;
      exitBadge.className = 'badge badge-neutral';
      return;
    }
    exitCode.textContent = String(code);
    exitCode.dataset.exitCode = String(code);
    exitBadge.className = Number(code) === 0 ? 'badge badge-ok' : 'badge badge-err';
  }

  async function run() {
    const command = input.value;
    panel.setCurl(curlFor(command));
    panel.loading('Running…');
    output.textContent = '';
    stderr.textContent = '';
    stderrBox.hidden = true;
    outputBox.classList.remove('is-empty');
    truncated.hidden = true;
    setExit(null);
    btn.disabled = true;
    const t0 = performance.now();
    try {
      const res = await fetch('/run', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ command }),
        cache: 'no-store',
      });
      const text = await res.text();
      panel.setTime(performance.now() - t0);
      panel.setStatus(res.status);
      const parsed = tryParseJson(text);
      const v = parsed.value;
      if (isRunShape(v)) {
        output.textContent = typeof v.output === 'string' ? v.output : '';
        if (!output.textContent) outputBox.classList.add('is-empty');
        if (typeof v.error === 'string' && v.error) {
          stderr.textContent = v.error;
          stderrBox.hidden = false;
        }
        setExit(v.exit_code);
        truncated.hidden = v.truncated !== true;
      } else {
        outputBox.classList.add('is-empty');
      }
      if (res.ok) {
        panel.finish('done');
      } else {
        panel.showError(errorFromBody(res.status, v, text));
        panel.finish('error');
      }
    } catch (err) {
      outputBox.classList.add('is-empty');
      panel.failNetwork(err, performance.now() - t0);
    } finally {
      btn.disabled = false;
    }
  }

  async function loadHealth() {
    health.dataset.state = 'loading';
    health.textContent = 'checking…';
    health.className = 'chip';
    try {
      const res = await fetch('/run', { headers: { Accept: 'application/json' }, cache: 'no-store' });
      const text = await res.text();
      const parsed = tryParseJson(text);
      const h = parsed.value;
      if (!res.ok || !h || typeof h !== 'object' || h.error) {
        const e = errorFromBody(res.status, h, text);
        health.textContent = 'unavailable';
        health.title = e.message;
        health.className = 'chip chip-err';
        health.dataset.state = 'error';
        $('cmd-health-detail').textContent = e.message;
        $('cmd-health-detail').hidden = false;
        return;
      }
      const parts = [];
      parts.push(h.sandbox ? 'sandboxed' : 'no sandbox');
      if (h.network === false) parts.push('network off');
      else if (h.network === true) parts.push('network on');
      const healthy = String(h.status || '').toLowerCase() === 'healthy';
      if (!healthy) parts.unshift(String(h.status || 'unknown'));
      health.textContent = parts.join(' · ');
      health.title = [h.service, h.sandbox].filter(Boolean).join(' — ');
      health.className = healthy && h.sandbox ? 'chip chip-ok' : 'chip chip-warn';
      health.dataset.state = 'done';
      health.dataset.status = String(h.status || '');
    } catch (err) {
      health.textContent = 'unreachable';
      health.title = String(err && err.message ? err.message : err);
      health.className = 'chip chip-err';
      health.dataset.state = 'error';
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run();
  });
  input.addEventListener('input', () => panel.setCurl(curlFor(input.value)));
  for (const chip of document.querySelectorAll('[data-cmd-example]')) {
    chip.addEventListener('click', () => {
      input.value = chip.dataset.cmdExample;
      panel.setCurl(curlFor(input.value));
      input.focus();
    });
  }
  panel.setCurl(curlFor(input.value));
  loadHealth();
}
