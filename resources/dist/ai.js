// Section 3: the AI binding, streamed as server-sent events and parsed here so it can be stopped.
import { $, ResultPanel, curlCommand, errorFromBody, formatMs, query, tryParseJson } from './lib.js';

// Workers AI sends {"response": "..."}; OpenAI-compatible servers send choices[0].delta.content.
function tokenOf(obj) {
  if (!obj || typeof obj !== 'object') return '';
  if (typeof obj.response === 'string') return obj.response;
  const choice = Array.isArray(obj.choices) ? obj.choices[0] : undefined;
  if (choice) {
    if (choice.delta && typeof choice.delta.content === 'string') return choice.delta.content;
    if (choice.message && typeof choice.message.content === 'string') return choice.message.content;
    if (typeof choice.text === 'string') return choice.text;
  }
  return '';
}

// Minimal SSE parser (WHATWG rules for data/comment lines); yields each event's data string.
class SseParser {
  constructor(onData) {
    this.onData = onData;
    this.buffer = '';
    this.data = [];
  }

  push(chunk) {
    this.buffer += chunk;
    let m;
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    while ((m = lineEnd.exec(this.buffer)) !== null) {
      // A lone '\r' at the very end may be the first half of '\r\n'; wait for more input.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, m.index));
      start = m.index + m[0].length;
    }
    this.buffer = this.buffer.slice(start);
  }

  end() {
    if (this.buffer) this.line(this.buffer);
    this.buffer = '';
    this.line('');
  }

  line(line) {
    if (line === '') {
      if (this.data.length) {
        const data = this.data.join('\n');
        this.data = [];
        this.onData(data);
      }
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
  }
}

export function initAi() {
  const panel = new ResultPanel('ai');
  const form = $('ai-form');
  const prompt = $('ai-prompt');
  const genBtn = $('ai-generate-btn');
  const stopBtn = $('ai-stop-btn');
  const output = $('ai-output');
  const tokensEl = $('ai-result-tokens');
  const rateEl = $('ai-result-rate');
  const ttftEl = $('ai-result-ttft');
  let controller = null;

  function pathFor(p) {
    return `/ai?${query({ prompt: p, stream: 1 })}`;
  }

  function curlFor(p) {
    return curlCommand({ url: `${location.origin}${pathFor(p)}`, flags: '-sN' });
  }

  async function generate() {
    if (controller) return;
    const p = prompt.value;
    const path = pathFor(p);
    panel.setCurl(curlFor(p));
    panel.loading('Connecting…');
    output.textContent = '';
    output.classList.add('is-streaming');
    delete panel.root.dataset.stopped;
    tokensEl.textContent = '0';
    tokensEl.dataset.tokens = '0';
    rateEl.textContent = '—';
    ttftEl.textContent = '—';
    genBtn.disabled = true;
    stopBtn.disabled = false;
    controller = new AbortController();
    const t0 = performance.now();
    let firstAt = 0;
    let tokens = 0;
    let done = false;
    let streamError = null;
    const textNode = document.createTextNode('');
    output.append(textNode);

    const tick = () => {
      const now = performance.now();
      panel.setTime(now - t0);
      if (firstAt && tokens > 1) {
        const secs = (now - firstAt) / 1000;
        if (secs > 0) rateEl.textContent = `${(tokens / secs).toFixed(1)} tok/s`;
      }
    };
    const timer = setInterval(tick, 100);

    const onData = (data) => {
      if (done) return;
      if (data.trim() === '[DONE]') {
        done = true;
        return;
      }
      const parsed = tryParseJson(data);
      if (!parsed.ok) return;
      if (parsed.value && parsed.value.error) {
        streamError = errorFromBody(200, parsed.value, data);
        done = true;
        return;
      }
      const tok = tokenOf(parsed.value);
      if (!tok) return;
      if (!firstAt) {
        firstAt = performance.now();
        ttftEl.textContent = formatMs(firstAt - t0);
        panel.status.textContent = '200 Streaming';
      }
      tokens += 1;
      textNode.appendData(tok);
      tokensEl.textContent = String(tokens);
      tokensEl.dataset.tokens = String(tokens);
    };

    let state = 'done';
    try {
      const res = await fetch(path, {
        headers: { Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: controller.signal,
      });
      panel.setStatus(res.status);
      const type = (res.headers.get('Content-Type') || '').toLowerCase();
      if (!res.ok) {
        const text = await res.text();
        const parsed = tryParseJson(text);
        panel.showError(errorFromBody(res.status, parsed.value, text));
        state = 'error';
      } else if (!type.includes('text/event-stream')) {
        // A provider that cannot stream answers one JSON document; show it the same way.
        const text = await res.text();
        const parsed = tryParseJson(text);
        if (parsed.ok) onData(text);
        else textNode.appendData(text);
      } else {
        panel.status.textContent = firstAt ? '200 Streaming' : '200 Waiting…';
        const parser = new SseParser(onData);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        while (!done) {
          const { value, done: eof } = await reader.read();
          if (eof) {
            parser.end();
            break;
          }
          parser.push(value);
        }
        if (done) reader.cancel().catch(() => {});
        panel.setStatus(res.status);
      }
      if (streamError) {
        panel.showError(streamError);
        state = 'error';
      }
    } catch (err) {
      if (err && err.name === 'AbortError') {
        panel.root.dataset.stopped = 'true';
        if (!panel.status.dataset.status) panel.status.className = 'badge badge-neutral';
        panel.status.textContent = `${panel.status.dataset.status || ''} Stopped`.trim();
      } else {
        panel.failNetwork(err, performance.now() - t0);
        state = 'error';
      }
    } finally {
      clearInterval(timer);
      tick();
      if (tokens > 0 && firstAt) {
        const secs = (performance.now() - firstAt) / 1000;
        rateEl.textContent = secs > 0 && tokens > 1 ? `${(tokens / secs).toFixed(1)} tok/s` : '—';
      }
      output.classList.remove('is-streaming');
      controller = null;
      genBtn.disabled = false;
      stopBtn.disabled = true;
      panel.finish(state);
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    generate();
  });
  prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      generate();
    }
  });
  prompt.addEventListener('input', () => panel.setCurl(curlFor(prompt.value)));
  stopBtn.addEventListener('click', () => {
    if (controller) controller.abort();
  });
  panel.setCurl(curlFor(prompt.value));
}
