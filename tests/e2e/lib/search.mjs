// Helpers for the search page's hooks (see TESTING.md, "Search page").
import assert from 'node:assert/strict';
import { isTracesRequest, poll, sel } from './app.mjs';

/** Sets the given form fields (testid → value; selects by value), clicks search, waits for the /traces answer. */
export async function search(page, fields = {}) {
  const ids = {
    service: 'service-select', remote: 'remote-service-input', span: 'span-name-input', tags: 'tags-input',
    min: 'min-duration-input', max: 'max-duration-input', lookback: 'lookback-select',
    start: 'range-start', end: 'range-end', limit: 'limit-input',
  };
  for (const [k, v] of Object.entries(fields)) {
    const id = ids[k];
    assert.ok(id, `unknown search field ${k}`);
    if (k === 'service' || k === 'lookback') await page.selectOption(sel(id), String(v));
    else await page.fill(sel(id), String(v));
  }
  const seen = page.waitForRequest(isTracesRequest);
  await page.click(sel('search-button'));
  const request = await seen;
  const response = await request.response();
  const body = response && response.ok() ? await response.json() : null;
  return { url: new URL(request.url()), status: response?.status() ?? null, body };
}

/** The result-count hook: { shown, total, errors, request }. */
export async function resultCount(page) {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    if (!el) return null;
    return {
      shown: Number(el.dataset.shown), total: Number(el.dataset.total), errors: Number(el.dataset.errors), request: el.dataset.request,
    };
  }, sel('result-count'));
}

/** Waits until the list reflects the answer `body` to request `url` (total = answer length). */
export async function waitForAnswer(page, url, body) {
  return poll(
    () => resultCount(page),
    // gloo-net ends the URL it sends with '&' (an empty query of its own); the page keeps its own.
    (c) => c && c.request.replace(/&$/, '') === url.href.replace(/&$/, '') && c.total === body.length,
    `result list should show the ${body?.length} traces of ${url.href}`,
  );
}

/** Rows drawn, with their data-* facts, in display order. */
export async function rows(page) {
  return page.locator(sel('trace-row')).evaluateAll((els) => els.map((e) => ({
    id: e.dataset.traceId,
    start: Number(e.dataset.startUs),
    duration: Number(e.dataset.durationUs),
    spans: Number(e.dataset.spanCount),
    errors: Number(e.dataset.errorCount),
  })));
}

/** Option values of a datalist. */
export async function datalist(page, id) {
  return page.locator(`${sel(id)} option`).evaluateAll((os) => os.map((o) => o.value));
}

/** The scatter canvas's data-* (numbers parsed) and its box. */
export async function scatter(page) {
  return page.evaluate((s) => {
    const c = document.querySelector(s);
    if (!c) return null;
    const r = c.getBoundingClientRect();
    const d = c.dataset;
    return {
      points: Number(d.points), errorPoints: Number(d.errorPoints), window: d.window, drawMs: Number(d.drawMs),
      left: r.left, top: r.top, width: r.width, height: r.height,
      plot: { left: Number(d.plotLeft), right: Number(d.plotRight), top: Number(d.plotTop), bottom: Number(d.plotBottom) },
    };
  }, sel('scatter'));
}

/** CSS-pixel positions (relative to the canvas) of pixels of colour ≈ rgb, sampled on a grid. */
export async function findColour(page, [r, g, b], tolerance = 40) {
  return page.evaluate(({ s, r, g, b, tolerance }) => {
    const c = document.querySelector(s);
    const ctx = c.getContext('2d');
    const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
    const dpr = c.width / c.getBoundingClientRect().width;
    const out = [];
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const i = (y * width + x) * 4;
        if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < tolerance && data[i + 3] > 150) {
          out.push({ x: x / dpr, y: y / dpr });
          if (out.length > 2000) return out;
        }
      }
    }
    return out;
  }, { s: sel('scatter'), r, g, b, tolerance });
}

/** Opens the settings dialog. */
export async function openSettings(page) {
  await page.click(sel('settings-button'));
  await page.locator(sel('settings-dialog')).waitFor({ state: 'visible' });
}

/** Where the settings dialog says the API comes from: { source, root }. */
export async function inEffect(page) {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    return el ? { source: el.dataset.source, root: el.dataset.root } : null;
  }, sel('settings-in-effect'));
}
