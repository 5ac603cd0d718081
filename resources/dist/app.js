/*
 * EdgeDesk demo page: entry module. The page is driven by tests through Qt WebEngine's
 * runJavaScript, so every control and result has a stable id.
 *
 * Result containers carry data-state: "idle" -> "loading" -> "done" | "error".
 * "done" means a 2xx answer was fully read (and, for images, decoded); "error" means a non-2xx
 * status, an unreachable server or an undecodable image. Their -result-error element then holds
 * the server's message (`error.message` of {"error":{"code","message"}}, or the `error` string
 * of a /run answer) as its exact textContent; the error code is in its data-code attribute.
 * <html data-ready="true"> is set once every section is wired up.
 * Status badges (`*-result-status`) read "200 OK" and carry data-status="200";
 * durations (`*-result-time`) read "12 ms" and carry data-ms="12".
 *
 * Forms (submit = the section's primary action): api-heavy-form, image-form, ai-form, cmd-form,
 * kv-form.
 * Sections: api, image, ai, cmd, kv (anchors for the top nav; each has a <prefix>-result-summary
 * live region).
 *
 * API      api-api1-btn, api-heavy-n (input, default 30), api-heavy-btn, api-headers-btn,
 *          api-burst-btn; api-result (data-state), api-result-status, api-result-time,
 *          api-result-instance (data-instance), api-result-error, api-result-body, api-curl,
 *          api-curl-copy; api-burst (data-state) with api-burst-summary and api-burst-list
 *          (one <li data-instance data-count> per instance, "error" for failures).
 * Image    image-width, image-height, image-fit, image-format, image-quality, image-load-btn;
 *          image-result (data-state), image-result-status, image-result-time,
 *          image-result-size (data-bytes), image-result-type, image-result-cache (data-cache
 *          "hit"/"miss"), image-result-dims ("300×200", data-width, data-height),
 *          image-result-saving, image-result-img, image-result-error, image-result-body (error
 *          JSON), image-curl, image-curl-copy; image-original (data-state),
 *          image-original-dims, image-original-size, image-original-format, image-original-error.
 * AI       ai-prompt, ai-generate-btn, ai-stop-btn; ai-result (data-state; data-stopped="true"
 *          after Stop, with state "done"), ai-result-status, ai-result-time, ai-result-ttft,
 *          ai-result-tokens (data-tokens), ai-result-rate, ai-result-error, ai-output, ai-curl,
 *          ai-curl-copy.
 * Command  cmd-input, cmd-run-btn (Enter in cmd-input also runs); cmd-result (data-state),
 *          cmd-result-status, cmd-result-time, cmd-exit-code (the bare number, data-exit-code),
 *          cmd-output, cmd-stderr (the answer's `error`), cmd-truncated, cmd-result-error,
 *          cmd-curl, cmd-curl-copy; cmd-health (data-state, e.g. "sandboxed · network off").
 * KV       kv-key (default "demo-key"), kv-read-btn; kv-result (data-state), kv-result-status,
 *          kv-result-time, kv-value-kind ("json", "text" or "null", also as data-kind),
 *          kv-result-error, kv-result-body (the answer), kv-value (the value, parsed once more
 *          when it is JSON), kv-curl, kv-curl-copy.
 */
import { $, wireCopy } from './lib.js';
import { initApi } from './api.js';
import { initImage } from './image.js';
import { initAi } from './ai.js';
import { initCmd } from './cmd.js';
import { initKv } from './kv.js';

function initNav() {
  const links = [...document.querySelectorAll('.nav a[href^="#"]')];
  const byId = new Map(links.map((a) => [a.getAttribute('href').slice(1), a]));
  const mark = (id) => {
    for (const [key, a] of byId) {
      if (key === id) a.setAttribute('aria-current', 'location');
      else a.removeAttribute('aria-current');
    }
  };
  const visible = new Map();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) visible.set(e.target.id, e.isIntersecting ? e.intersectionRatio : 0);
      let best = '';
      let bestRatio = 0;
      for (const id of byId.keys()) {
        const r = visible.get(id) || 0;
        if (r > bestRatio) {
          best = id;
          bestRatio = r;
        }
      }
      if (best) mark(best);
    },
    { rootMargin: '-72px 0px -35% 0px', threshold: [0, 0.1, 0.25, 0.5, 0.75, 1] },
  );
  for (const id of byId.keys()) {
    const section = $(id);
    if (section) observer.observe(section);
  }
  for (const a of links) {
    a.addEventListener('click', () => {
      const target = $(a.getAttribute('href').slice(1));
      // Move keyboard focus with the scroll so Tab continues inside the chosen section.
      if (target) setTimeout(() => target.focus({ preventScroll: true }), 0);
    });
  }
}

function init() {
  $('server-origin').textContent = location.host || location.origin;
  for (const prefix of ['api', 'image', 'ai', 'cmd', 'kv']) wireCopy(`${prefix}-curl-copy`, `${prefix}-curl`);
  initNav();
  initApi();
  initImage();
  initAi();
  initCmd();
  initKv();
  document.documentElement.dataset.ready = 'true';
}

init();
