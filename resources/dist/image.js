// Section 2: the PUBLIC bucket's sample image through the image transform binding.
import { $, ResultPanel, curlCommand, errorFromBody, formatBytes, query, renderBody, tryParseJson } from './lib.js';

// What a browser's <img> sends, so format=auto negotiates the same way it would for a page.
const IMAGE_ACCEPT = 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8';

function decode(img, src) {
  return new Promise((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('decode failed'));
    img.src = src;
  });
}

export function initImage() {
  const panel = new ResultPanel('image');
  const form = $('image-form');
  const fields = {
    width: $('image-width'),
    height: $('image-height'),
    fit: $('image-fit'),
    format: $('image-format'),
    quality: $('image-quality'),
  };
  const btn = $('image-load-btn');
  const img = $('image-result-img');
  const frame = $('image-frame');
  const placeholder = $('image-placeholder');
  const meta = {
    size: $('image-result-size'),
    type: $('image-result-type'),
    cache: $('image-result-cache'),
    dims: $('image-result-dims'),
    saving: $('image-result-saving'),
  };
  const errBody = $('image-result-body');
  const original = {
    root: $('image-original'),
    dims: $('image-original-dims'),
    size: $('image-original-size'),
    format: $('image-original-format'),
    error: $('image-original-error'),
  };
  let objectUrl = '';
  let originalBytes = 0;

  function currentPath() {
    const p = {};
    for (const [k, el] of Object.entries(fields)) p[k] = el.value.trim();
    return `/image?${query(p)}`;
  }

  function curlFor(path) {
    const format = fields.format.value;
    const headers = format === 'auto' ? { Accept: IMAGE_ACCEPT } : {};
    const output = format === 'auto' ? 'image.out' : `image.${format === 'jpeg' ? 'jpg' : format}`;
    return curlCommand({ url: `${location.origin}${path}`, headers, output });
  }

  function resetMeta() {
    for (const el of Object.values(meta)) el.textContent = '—';
    delete meta.dims.dataset.width;
    delete meta.dims.dataset.height;
    delete meta.size.dataset.bytes;
    delete meta.cache.dataset.cache;
    meta.cache.className = 'chip';
    errBody.hidden = true;
    errBody.textContent = '';
  }

  async function load() {
    const path = currentPath();
    panel.setCurl(curlFor(path));
    panel.loading('Loading…');
    resetMeta();
    btn.disabled = true;
    const t0 = performance.now();
    try {
      const res = await fetch(path, { headers: { Accept: IMAGE_ACCEPT }, cache: 'no-store' });
      panel.setStatus(res.status);
      if (!res.ok) {
        const text = await res.text();
        const parsed = tryParseJson(text);
        panel.setTime(performance.now() - t0);
        panel.showError(errorFromBody(res.status, parsed.value, text));
        renderBody(errBody, parsed.ok ? parsed.value : undefined, text);
        errBody.hidden = false;
        frame.hidden = true;
        placeholder.hidden = false;
        panel.finish('error');
        return;
      }
      const blob = await res.blob();
      panel.setTime(performance.now() - t0);
      const type = res.headers.get('Content-Type') || blob.type || 'unknown';
      meta.type.textContent = type;
      meta.size.textContent = formatBytes(blob.size);
      meta.size.dataset.bytes = String(blob.size);
      const cache = (res.headers.get('X-EdgeDesk-Image') || '').trim().toLowerCase();
      meta.cache.textContent = cache || '—';
      meta.cache.dataset.cache = cache;
      meta.cache.className = cache === 'hit' ? 'chip chip-ok' : cache === 'miss' ? 'chip chip-info' : 'chip';
      if (originalBytes > 0) {
        const pct = Math.round((100 * (blob.size - originalBytes)) / originalBytes);
        meta.saving.textContent = `${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct)}% vs original`;
      }
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = URL.createObjectURL(blob);
      try {
        await decode(img, objectUrl);
      } catch {
        frame.hidden = true;
        placeholder.hidden = false;
        panel.showError({
          code: 'decode',
          message: `The server answered ${formatBytes(blob.size)} of ${type}, but this browser could not decode it.`,
        });
        panel.finish('error');
        return;
      }
      meta.dims.textContent = `${img.naturalWidth}×${img.naturalHeight}`;
      meta.dims.dataset.width = String(img.naturalWidth);
      meta.dims.dataset.height = String(img.naturalHeight);
      img.alt = `Transformed sample image, ${img.naturalWidth} by ${img.naturalHeight} pixels, ${type}`;
      frame.hidden = false;
      placeholder.hidden = true;
      panel.finish('done');
    } catch (err) {
      frame.hidden = true;
      placeholder.hidden = false;
      panel.failNetwork(err, performance.now() - t0);
    } finally {
      btn.disabled = false;
    }
  }

  async function loadOriginal() {
    original.root.dataset.state = 'loading';
    original.error.hidden = true;
    try {
      const res = await fetch('/image?format=json', { headers: { Accept: 'application/json' }, cache: 'no-store' });
      const text = await res.text();
      const parsed = tryParseJson(text);
      if (!res.ok || !parsed.ok || !parsed.value || !parsed.value.original) {
        const e = errorFromBody(res.status, parsed.value, text);
        original.error.textContent = e.message;
        original.error.hidden = false;
        original.root.dataset.state = 'error';
        return;
      }
      const o = parsed.value.original;
      originalBytes = Number(o.file_size) || 0;
      original.dims.textContent = `${o.width}×${o.height}`;
      original.dims.dataset.width = String(o.width);
      original.dims.dataset.height = String(o.height);
      original.size.textContent = formatBytes(originalBytes);
      original.size.dataset.bytes = String(originalBytes);
      original.format.textContent = String(o.format || '—');
      original.root.dataset.state = 'done';
    } catch (err) {
      original.error.textContent = `Could not reach ${location.origin}: ${err.message || err}`;
      original.error.hidden = false;
      original.root.dataset.state = 'error';
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  form.addEventListener('input', () => panel.setCurl(curlFor(currentPath())));
  form.addEventListener('change', () => panel.setCurl(curlFor(currentPath())));
  panel.setCurl(curlFor(currentPath()));
  loadOriginal();
}
