// Helpers for the trace view's tools: canvas geometry, pixels in a region, the span detail
// panel, the view's URL state. Geometry (CSS pixels) as documented in TESTING.md: the
// minimap is 56 px tall above the main canvas; in the main canvas the ruler takes the top
// 28 px and each row 24 px; the ▸/▾ glyph of a row sits at x = 2..18 px + 14 px per depth.
import { poll, sel, traceView } from './app.mjs';

export const MINIMAP_PX = 56;
export const RULER_PX = 28;
export const ROW_PX = 24;
export const INDENT_PX = 14;

/** Width of the name column of a view first drawn `canvasWidth` CSS px wide. */
export function nameColumnWidth(canvasWidth) {
  return Math.min(Math.max(canvasWidth * 0.3, 160), 420, canvasWidth - 120);
}

/** Bounding boxes of the main canvas and the minimap, in page CSS px. */
export async function boxes(page) {
  const main = await page.locator(sel('waterfall-canvas')).boundingBox();
  const mini = await page.locator(sel('minimap')).boundingBox();
  return { main, mini };
}

/** Page point at the middle of row `row` (0 = first row of the list; the view scrolled to the top). */
export function rowPoint(main, row, { x, firstRowOffsetPx = 0 } = {}) {
  return { x: main.x + (x ?? main.width * 0.15), y: main.y + RULER_PX + row * ROW_PX + ROW_PX / 2 - firstRowOffsetPx };
}

/** Page point on the ▸/▾ glyph of a row at `depth`. */
export function glyphPoint(main, row, depth) {
  return rowPoint(main, row, { x: 9 + depth * INDENT_PX });
}

/** A span id as the app writes it in `span=`: 16 lower-case hex digits (ids are left-padded). */
export const urlSpanId = (id) => (/^[0-9a-f]{1,16}$/i.test(id) ? id.toLowerCase().padStart(16, '0') : id);

/** The view's URL parameters that describe it: span, q, from, to (strings or null). */
export function urlState(page) {
  const p = new URL(page.url()).searchParams;
  return { trace: p.get('trace'), span: p.get('span'), q: p.get('q'), from: p.get('from'), to: p.get('to') };
}

/** The zoom window in the URL, as numbers (µs from the trace start), or null when absent. */
export function urlWindow(page) {
  const { from, to } = urlState(page);
  if (from === null || to === null) return null;
  return { from: Number(from), to: Number(to) };
}

/** Waits until the trace view's data-* satisfy `ok`; returns them. */
export function waitForView(page, ok, message, opts) {
  return poll(() => traceView(page), (v) => v && ok(v), message, opts);
}

/** Moves the pointer off the canvases (no hover highlight, no tooltip). */
export async function pointerAway(page) {
  await page.mouse.move(2, 2);
}

/** A drag with intermediate moves (the app needs mousemove events between down and up). */
export async function drag(page, from, to, { steps = 8, modifiers = [] } = {}) {
  await page.mouse.move(from.x, from.y);
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.down();
  for (let i = 1; i <= steps; i += 1) {
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
  }
  await page.mouse.up();
  for (const m of modifiers) await page.keyboard.up(m);
}

/**
 * Pixels of the main canvas inside a CSS-pixel rectangle (relative to the canvas) whose
 * colour is within `tolerance` (per channel) of `rgb` (0xRRGGBB). Returns { match, total }.
 */
export async function countPixels(page, rect, rgb, { tolerance = 24, testid = 'waterfall-canvas' } = {}) {
  return page.evaluate(
    ({ s, rect, rgb, tolerance }) => {
      const canvas = document.querySelector(s);
      const k = canvas.width / canvas.getBoundingClientRect().width;
      const x = Math.max(0, Math.floor(rect.x * k));
      const y = Math.max(0, Math.floor(rect.y * k));
      const w = Math.max(1, Math.min(canvas.width - x, Math.floor(rect.w * k)));
      const h = Math.max(1, Math.min(canvas.height - y, Math.floor(rect.h * k)));
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d');
      ctx.drawImage(canvas, 0, 0);
      const { data } = ctx.getImageData(x, y, w, h);
      const [r, g, b] = [(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255];
      let match = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r) <= tolerance && Math.abs(data[i + 1] - g) <= tolerance && Math.abs(data[i + 2] - b) <= tolerance) match += 1;
      }
      return { match, total: w * h };
    },
    { s: sel(testid), rect, rgb, tolerance },
  );
}

/** The average colour of a CSS-pixel rectangle of a canvas, as [r, g, b]. */
export async function averageColour(page, rect, testid = 'waterfall-canvas') {
  return page.evaluate(
    ({ s, rect }) => {
      const canvas = document.querySelector(s);
      const k = canvas.width / canvas.getBoundingClientRect().width;
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d');
      ctx.drawImage(canvas, 0, 0);
      const { data } = ctx.getImageData(Math.floor(rect.x * k), Math.floor(rect.y * k), Math.max(1, Math.floor(rect.w * k)), Math.max(1, Math.floor(rect.h * k)));
      const sum = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c += 1) sum[c] += data[i + c];
      const n = data.length / 4;
      return sum.map((v) => Math.round(v / n));
    },
    { s: sel(testid), rect },
  );
}

/**
 * What the span detail panel shows: { span (data-span), title, fields: {label: text},
 * tags: [{ key, text, href, tag }], annotations: [{ at, value }], raw, error }.
 */
export async function detailPanel(page) {
  return page.evaluate((s) => {
    const panel = document.querySelector(s.panel);
    if (!panel) return null;
    const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : null);
    const fields = {};
    const first = panel.querySelector('table.kv');
    if (first && first.getAttribute('data-testid') !== 'span-tags') {
      for (const tr of first.querySelectorAll('tr')) {
        const td = tr.querySelector('td');
        if (!td) continue;
        const clone = td.cloneNode(true);
        for (const b of clone.querySelectorAll('button')) b.remove();
        fields[text(tr.querySelector('th'))] = text(clone);
      }
    }
    const tagsTable = panel.querySelector(s.tags);
    const tags = tagsTable
      ? [...tagsTable.querySelectorAll('tr')].map((tr) => {
          const td = tr.querySelector('td');
          const a = td?.querySelector('a');
          return {
            key: tr.querySelector('th')?.textContent ?? null,
            text: td?.textContent ?? null,
            href: a ? a.getAttribute('href') : null,
            target: a ? a.getAttribute('target') : null,
            rel: a ? a.getAttribute('rel') : null,
            elements: td ? [...td.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()) : [],
          };
        })
      : null;
    let annotations = [];
    for (const h of panel.querySelectorAll('h4')) {
      if (!/^Annotations/.test(h.textContent)) continue;
      let t = h.nextElementSibling;
      while (t && t.tagName !== 'TABLE') t = t.nextElementSibling;
      if (t) {
        annotations = [...t.querySelectorAll('tr')].map((tr) => ({ at: text(tr.querySelector('th')), value: tr.querySelector('td')?.textContent ?? null }));
      }
    }
    return {
      span: panel.getAttribute('data-span'),
      title: panel.querySelector('.detail-title')?.textContent ?? null,
      fields,
      tags,
      annotations,
      raw: panel.querySelector(s.raw)?.textContent ?? null,
      error: !!panel.querySelector('.badge-error'),
    };
  }, { panel: sel('span-detail'), tags: sel('span-tags'), raw: sel('span-raw') });
}

/** Waits until the detail panel shows span index `span` with its contents loaded. */
export function waitForDetail(page, span, message = `span detail of span ${span}`) {
  return poll(
    () => detailPanel(page),
    (d) => d && d.span === String(span) && d.title !== null && d.fields['Span ID'],
    message,
  );
}
