// Shared helpers for the EdgeDesk demo page: DOM access, request timing, error extraction,
// curl rendering, JSON highlighting and the result panel every section uses.

export const $ = (id) => document.getElementById(id);

const REASONS = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content',
  301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 307: 'Temporary Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 421: 'Misdirected Request',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function reason(status) {
  return REASONS[status] || '';
}

// Query strings are built with encodeURIComponent rather than URLSearchParams: the latter encodes
// spaces as '+', which QUrlQuery on the server does not turn back into spaces.
export function query(params) {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

export function shellQuote(s) {
  if (/^[A-Za-z0-9_\-.:/=,@%+]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

// The command line a user could paste to reproduce exactly what the page sent.
export function curlCommand({ url, method = 'GET', headers = {}, body, flags = '-s', output }) {
  const parts = ['curl', flags];
  if (method !== 'GET' && !(method === 'POST' && body !== undefined)) parts.push('-X', method);
  for (const [k, v] of Object.entries(headers)) parts.push('-H', shellQuote(`${k}: ${v}`));
  if (body !== undefined) parts.push('-d', shellQuote(body));
  if (output) parts.push('-o', shellQuote(output));
  parts.push(shellQuote(url));
  return parts.join(' ');
}

export function formatMs(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(2)} MB`;
}

export function tryParseJson(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, value: undefined };
  }
}

// The server's own words for a failed request: `{"error":{"code","message"}}`, a plain string
// `error` (the command runner's shape), or the raw body when it is not JSON at all.
export function errorFromBody(status, json, text) {
  if (json && typeof json === 'object') {
    const e = json.error;
    if (e && typeof e === 'object' && (e.message || e.code)) {
      return { code: e.code || '', message: e.message || e.code };
    }
    if (typeof e === 'string' && e) return { code: '', message: e };
    if (typeof json.message === 'string' && json.message) return { code: '', message: json.message };
  }
  const trimmed = (text || '').trim();
  if (trimmed) return { code: '', message: trimmed.length > 600 ? `${trimmed.slice(0, 600)}…` : trimmed };
  return { code: '', message: `HTTP ${status} ${reason(status)}`.trim() };
}

export function networkError(err) {
  return {
    code: 'network',
    message: `Could not reach ${location.origin}: ${err && err.message ? err.message : err}`,
  };
}

const JSON_TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false)\b|\b(null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

// Fills `el` with pretty-printed JSON; built from text nodes so no server data is parsed as HTML.
export function renderJson(el, value) {
  const text = JSON.stringify(value, null, 2);
  el.textContent = '';
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(JSON_TOKEN)) {
    if (m.index > last) frag.append(text.slice(last, m.index));
    const span = document.createElement('span');
    if (m[1] !== undefined) {
      span.className = m[2] ? 'j-key' : 'j-str';
      span.textContent = m[1];
      frag.append(span);
      if (m[2]) frag.append(m[2]);
    } else {
      span.className = m[3] ? 'j-bool' : m[4] ? 'j-null' : 'j-num';
      span.textContent = m[0];
      frag.append(span);
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) frag.append(text.slice(last));
  el.append(frag);
}

export function renderBody(el, json, text) {
  if (json !== undefined) renderJson(el, json);
  else el.textContent = text;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Clipboard permission can be refused inside embedded views; fall through.
    }
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.className = 'offscreen';
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

export function wireCopy(buttonId, sourceId) {
  const btn = $(buttonId);
  const label = btn.querySelector('.copy-label');
  let timer = 0;
  btn.addEventListener('click', async () => {
    const ok = await copyText($(sourceId).textContent);
    if (label) label.textContent = ok ? 'Copied' : 'Press Ctrl+C';
    btn.dataset.copied = ok ? 'true' : 'false';
    if (!ok) {
      const range = document.createRange();
      range.selectNodeContents($(sourceId));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (label) label.textContent = 'Copy';
      delete btn.dataset.copied;
    }, 1600);
  });
}

// One section's result area. Element ids follow `<prefix>-result`, `<prefix>-result-status`,
// `<prefix>-result-time`, `<prefix>-result-error`, `<prefix>-curl`.
export class ResultPanel {
  constructor(prefix) {
    this.prefix = prefix;
    this.root = $(`${prefix}-result`);
    this.status = $(`${prefix}-result-status`);
    this.time = $(`${prefix}-result-time`);
    this.error = $(`${prefix}-result-error`);
    this.curl = $(`${prefix}-curl`);
    this.summary = $(`${prefix}-result-summary`);
  }

  setCurl(text) {
    this.curl.textContent = text;
  }

  loading(note = 'Sending…') {
    this.root.dataset.state = 'loading';
    this.root.setAttribute('aria-busy', 'true');
    this.status.textContent = note;
    this.status.className = 'badge badge-pending';
    delete this.status.dataset.status;
    this.time.textContent = '';
    delete this.time.dataset.ms;
    this.error.hidden = true;
    this.error.textContent = '';
    delete this.error.dataset.code;
  }

  setStatus(status) {
    this.status.dataset.status = String(status);
    this.status.textContent = `${status} ${reason(status)}`.trim();
    let kind = 'ok';
    if (status >= 500) kind = 'err';
    else if (status >= 400) kind = 'warn';
    this.status.className = `badge badge-${kind}`;
  }

  setTime(ms) {
    this.time.dataset.ms = String(Math.round(ms));
    this.time.textContent = formatMs(ms);
  }

  // The banner's text is exactly the server's message; the code is shown by CSS from data-code
  // so tests can compare textContent with the message.
  showError({ code, message }) {
    this.error.textContent = message;
    if (code) this.error.dataset.code = code;
    else delete this.error.dataset.code;
    this.error.hidden = false;
  }

  finish(state) {
    this.root.dataset.state = state;
    this.root.removeAttribute('aria-busy');
  }

  // A non-2xx answer (or one of the wrong shape): the server's message in the banner.
  failWith(status, json, text) {
    this.showError(errorFromBody(status, json, text));
    this.finish('error');
  }

  // GETs `path` as JSON and shows its status, time and body (in `bodyEl`). Returns
  // { res, text, parsed } for the caller to finish the panel with, or nothing when the server
  // could not be reached (the panel then says so).
  async getJson(path, bodyEl) {
    const t0 = performance.now();
    try {
      const res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      const text = await res.text();
      const parsed = tryParseJson(text);
      this.setStatus(res.status);
      this.setTime(performance.now() - t0);
      renderBody(bodyEl, parsed.ok ? parsed.value : undefined, text);
      return { res, text, parsed };
    } catch (err) {
      this.failNetwork(err, performance.now() - t0);
      return undefined;
    }
  }

  failNetwork(err, ms) {
    this.status.textContent = 'No response';
    this.status.className = 'badge badge-err';
    this.status.dataset.status = '0';
    if (ms !== undefined) this.setTime(ms);
    this.showError(networkError(err));
    this.finish('error');
  }
}
