// Helpers that drive the app through its stable test hooks (see TESTING.md).
import assert from 'node:assert/strict';

/** CSS selector of a test hook. */
export const sel = (id) => `[data-testid="${id}"]`;

/** Waits until `probe()` returns a value accepted by `ok`, or fails with `message` and the last value. */
export async function poll(probe, ok, message, { timeout = 8000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (err) {
      last = `(error: ${err.message.split('\n')[0]})`;
    }
    if (Date.now() > deadline) {
      throw new assert.AssertionError({ message: `${message} (last value: ${JSON.stringify(last)})` });
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** URL of the app page served by `appServer`, with optional `api` base and `trace` id. */
export function appUrl(appServer, { api, trace, path = '/index.html' } = {}) {
  const params = new URLSearchParams();
  if (api !== undefined) params.set('api', typeof api === 'string' ? api : api.url);
  if (trace !== undefined) params.set('trace', trace);
  const query = params.toString();
  return `${appServer.url}${path}${query ? `?${query}` : ''}`;
}

/** Opens the app (served by the shared `app` server unless `app` is given) and waits for its root. */
export async function openApp(t, { app, api, trace, path } = {}) {
  const server = app ?? (await t.shared.app());
  const url = appUrl(server, { api, trace, path });
  await t.page.goto(url);
  await t.page.locator(sel('app')).waitFor({ state: 'attached' });
  return url;
}

/**
 * Waits until the root's data-api-base equals `expected` (the base is resolved asynchronously
 * when it comes from config.json) and returns it.
 */
export async function waitForApiBase(page, expected) {
  return poll(
    () => page.getAttribute(sel('app'), 'data-api-base'),
    (b) => b === expected,
    `data-api-base should be ${JSON.stringify(expected)}`,
    { timeout: 5000 },
  );
}

/** The longest lookback the lookback select offers (ms), so searches see every sample trace. */
export async function longestLookback(page) {
  const values = await page.locator(`${sel('lookback-select')} option`).evaluateAll((os) => os.map((o) => Number(o.value)));
  const max = Math.max(...values.filter(Number.isFinite));
  assert.ok(max >= 3_600_000, `the lookback select should offer at least an hour, has ${values}`);
  return max;
}

/** Option values and labels of the service select. */
export async function serviceOptions(page) {
  return page.locator(`${sel('service-select')} option`).evaluateAll((os) =>
    os.map((o) => ({ value: o.value, label: o.textContent.trim() })),
  );
}

/** Waits until the service select holds `n` options (the "all services" one included). */
export async function waitForServiceOptions(page, n) {
  return poll(
    () => serviceOptions(page),
    (opts) => (n === undefined ? opts.length > 1 : opts.length === n),
    `service select should hold ${n ?? 'more than 1'} options`,
  );
}

export const isTracesRequest = (req) => new URL(req.url()).pathname.endsWith('/api/v2/traces');

/**
 * Fills the search form (only the fields given), clicks search and waits for the app's
 * /traces response. Returns { url, status, body } of that response (body parsed if JSON).
 */
export async function submitSearch(page, { service, limit, lookback } = {}) {
  if (service !== undefined) await page.selectOption(sel('service-select'), service);
  if (lookback !== undefined) await page.selectOption(sel('lookback-select'), String(lookback));
  if (limit !== undefined) await page.fill(sel('limit-input'), String(limit));
  const requestSeen = page.waitForRequest(isTracesRequest);
  await page.click(sel('search-button'));
  const request = await requestSeen;
  const response = await request.response();
  let body = null;
  if (response) {
    const text = await response.text().catch(() => null);
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { url: request.url(), status: response?.status() ?? null, body };
}

/** { count: data-count, rows: number of trace-row elements, ids } of the result list. */
export async function traceList(page) {
  return page.evaluate((s) => {
    const list = document.querySelector(s.list);
    if (!list) return null;
    const rows = [...document.querySelectorAll(s.row)];
    return {
      count: list.hasAttribute('data-count') ? Number(list.getAttribute('data-count')) : null,
      rows: rows.length,
      ids: rows.map((r) => r.getAttribute('data-trace-id')),
    };
  }, { list: sel('trace-list'), row: sel('trace-row') });
}

/** Waits until the list shows exactly `n` rows and says data-count = n. */
export async function waitForTraceList(page, n) {
  return poll(
    () => traceList(page),
    (l) => l && l.rows === n && l.count === n,
    `trace list should show ${n} rows with data-count=${n}`,
  );
}

const NUMERIC = ['spanCount', 'serviceCount', 'maxDepth', 'warningCount', 'durationUs', 'firstRow', 'visibleRows'];

/**
 * The trace view's data-* attributes (numbers parsed), or null when it is not shown. Also
 * finds a view mounted in a host page's element (inside its open shadow root).
 */
export async function traceView(page) {
  return page.evaluate((s) => {
    const find = (root) => {
      const hit = root.querySelector(s);
      if (hit) return hit;
      for (const el of root.querySelectorAll('*')) {
        const inner = el.shadowRoot && find(el.shadowRoot);
        if (inner) return inner;
      }
      return null;
    };
    const v = find(document);
    return v ? { ...v.dataset } : null;
  }, sel('trace-view')).then((d) => {
    if (!d) return null;
    for (const k of NUMERIC) if (k in d) d[k] = Number(d[k]);
    return d;
  });
}

/** Waits for a drawn trace view (data-ready="true"), optionally of a given trace id. */
export async function waitForTraceView(page, { traceId, timeout = 10_000 } = {}) {
  return poll(
    () => traceView(page),
    (v) => v && v.ready === 'true' && (traceId === undefined || v.traceId === traceId),
    `trace view${traceId ? ` of ${traceId}` : ''} should be drawn (data-ready="true")`,
    { timeout },
  );
}

/** Waits for the error panel and returns its text. */
export async function waitForError(page, { timeout = 10_000 } = {}) {
  const panel = page.locator(sel('error')).first();
  await panel.waitFor({ state: 'visible', timeout });
  // The message without the dismiss button's label, whitespace collapsed.
  return panel.evaluate((el, dismiss) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll(dismiss).forEach((b) => b.remove());
    return copy.textContent.replace(/\s+/g, ' ').trim();
  }, sel('error-dismiss'));
}

/** Clicks the error panel's dismiss button and waits until no error panel is visible. */
export async function dismissError(page) {
  await page.click(sel('error-dismiss'));
  await poll(
    () => page.locator(sel('error')).evaluateAll((els) => els.filter((e) => e.offsetParent !== null || e.getClientRects().length).length),
    (n) => n === 0,
    'error panel should disappear after dismiss',
    { timeout: 3000 },
  );
}

/**
 * Statistics of the waterfall canvas pixels: backing and CSS size, device pixel ratio,
 * the number of distinct colours (4 bits per channel) covering at least 0.05% of the canvas,
 * and the share of pixels that differ from the most common (background) colour.
 */
export async function canvasStats(page) {
  return page.evaluate((s) => {
    const canvas = document.querySelector(s);
    if (!canvas) return null;
    const out = {
      width: canvas.width,
      height: canvas.height,
      clientWidth: canvas.clientWidth,
      clientHeight: canvas.clientHeight,
      cssWidth: canvas.getBoundingClientRect().width,
      cssHeight: canvas.getBoundingClientRect().height,
      dpr: window.devicePixelRatio,
    };
    if (!canvas.width || !canvas.height) return { ...out, hash: 0, colours: 0, nonBackground: 0 };
    // Copy through drawImage so this works whatever context the app draws with.
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d');
    ctx.drawImage(canvas, 0, 0);
    const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
    const counts = new Map();
    const total = copy.width * copy.height;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 4) {
      hash = Math.imul(hash ^ (data[i] ^ (data[i + 1] << 8) ^ (data[i + 2] << 16)), 16777619) >>> 0;
      const a = data[i + 3];
      const key = a < 16 ? 'transparent' : ((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const significant = sorted.filter(([, n]) => n >= total * 0.0005);
    const hex = (k) => (k === 'transparent' ? k : `#${k.toString(16).padStart(3, '0')}`);
    return {
      ...out,
      hash,
      colours: significant.length,
      nonBackground: 1 - sorted[0][1] / total,
      top: significant.slice(0, 8).map(([k, n]) => `${hex(k)}:${((100 * n) / total).toFixed(1)}%`),
    };
  }, sel('waterfall-canvas'));
}

/**
 * Asserts the waterfall canvas shows a drawing: at least `minColours` distinct colours
 * (background, text, bars of a few services) and some share of non-background pixels.
 */
export async function assertCanvasDrawn(page, what = 'waterfall canvas', { minColours = 4, minFraction = 0.01 } = {}) {
  return poll(
    () => canvasStats(page),
    (s) => s && s.colours >= minColours && s.nonBackground >= minFraction,
    `${what} should show at least ${minColours} distinct colours and >= ${100 * minFraction}% non-background pixels`,
  );
}

/**
 * Drops a file (name + text) as a user would: dragenter/dragover/drop with a DataTransfer
 * built in the page, dispatched on the element at the given point (default: view centre),
 * which must lie inside the app root.
 */
export async function dropFile(page, name, text, { x, y } = {}) {
  return page.evaluate(
    ({ name, text, x, y, app }) => {
      const root = document.querySelector(app);
      const px = x ?? window.innerWidth / 2;
      const py = y ?? window.innerHeight / 2;
      const target = document.elementFromPoint(px, py) ?? root;
      if (!root.contains(target)) throw new Error(`drop target ${target.tagName} is outside the app root`);
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/json' }));
      const init = { bubbles: true, cancelable: true, composed: true, dataTransfer: dt, clientX: px, clientY: py };
      for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, init));
      return target.getAttribute('data-testid') ?? target.tagName.toLowerCase();
    },
    { name, text, x, y, app: sel('app') },
  );
}

/** The current page URL's query parameters. */
export function queryOf(page) {
  return new URL(page.url()).searchParams;
}

/** Regexes for console errors Chromium logs by itself for failed fetches. */
export const CHROMIUM_FETCH_ERRORS = {
  status: (code) => new RegExp(`Failed to load resource: the server responded with a status of ${code}`),
  cors: /(blocked by CORS policy|Failed to load resource: net::ERR_FAILED)/,
  refused: /Failed to load resource: net::ERR_CONNECTION_REFUSED/,
};
