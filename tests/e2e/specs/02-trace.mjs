// 2-5. The trace view: opening from the list, deep links, scrolling and HiDPI drawing.
import assert from 'node:assert/strict';
import {
  CHROMIUM_FETCH_ERRORS, assertCanvasDrawn, canvasStats, longestLookback, openApp, poll, queryOf, sel, submitSearch, traceList,
  traceView, waitForError, waitForServiceOptions, waitForTraceList, waitForTraceView, appUrl,
} from '../lib/app.mjs';
import { allTraces, depthsOf, extentUs, pickShowcase, rootDurationUs, servicesOf } from '../lib/data.mjs';

/** Checks the trace view's numbers against the API's spans for that trace. */
function assertMatchesApi(view, traceId, spans) {
  assert.equal(view.traceId, traceId, 'data-trace-id');
  assert.equal(view.spanCount, spans.length, `data-span-count equals the ${spans.length} spans of GET /trace/${traceId}`);
  const { local, any } = servicesOf(spans);
  assert.ok(
    view.serviceCount >= local.size && view.serviceCount <= any.size,
    `data-service-count ${view.serviceCount} should lie in [${local.size} local, ${any.size} local+remote]`,
  );
  // The trace's duration: its extent, or the root's duration once clock skew is corrected.
  const extent = extentUs(spans);
  const root = rootDurationUs(spans);
  const [lo, hi] = [Math.min(extent, root), Math.max(extent, root)];
  assert.ok(
    view.durationUs >= lo * 0.99 - 1 && view.durationUs <= hi * 1.01 + 1,
    `data-duration-us ${view.durationUs} should lie in [root ${root}, extent ${extent}]`,
  );
  const depth = depthsOf(spans);
  assert.ok(
    view.maxDepth >= depth.plain && view.maxDepth <= depth.nested + 1,
    `data-max-depth ${view.maxDepth} should lie in [${depth.plain} parentId only, ${depth.nested + 1} shared halves nested, 1-based]`,
  );
}

export default [
  {
    name: 'open-trace',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const traces = await allTraces(api);
      const showcase = pickShowcase(traces);
      const id = showcase[0].traceId;

      await openApp(t, { api });
      await waitForServiceOptions(page);
      const res = await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
      assert.equal(res.body.length, traces.length, `the longest lookback finds all ${traces.length} traces`);
      await waitForTraceList(page, traces.length);

      await page.click(`${sel('trace-row')}[data-trace-id="${id}"]`);
      const view = await waitForTraceView(page, { traceId: id });
      assert.equal(queryOf(page).get('trace'), id, `URL has ?trace=${id}: ${page.url()}`);
      assertMatchesApi(view, id, await api.getJson(`/trace/${id}`));
      const stats = await assertCanvasDrawn(page);
      t.note(`canvas ${stats.width}x${stats.height}, ${stats.colours} colours: ${stats.top.join(' ')}`);
      await t.screenshot('waterfall');

      // The back button returns to the list, which still holds the search result.
      await page.click(sel('back-to-search'));
      await page.locator(sel('search-form')).waitFor({ state: 'visible' });
      assert.equal(queryOf(page).get('trace'), null, `no trace param after back-to-search: ${page.url()}`);
      assert.equal(await page.locator(sel('trace-view')).count(), 0, 'trace view is gone');
      await waitForTraceList(page, traces.length);

      // Browser history: open another trace, then go back.
      const other = (await traceList(page)).ids.find((x) => x !== id);
      await page.click(`${sel('trace-row')}[data-trace-id="${other}"]`);
      await waitForTraceView(page, { traceId: other });
      assert.equal(queryOf(page).get('trace'), other);
      await page.goBack();
      await page.locator(sel('search-form')).waitFor({ state: 'visible' });
      await poll(() => page.locator(sel('trace-view')).count(), (n) => n === 0, 'browser back leaves the trace view');
      assert.equal(queryOf(page).get('trace'), null, `no trace param after browser back: ${page.url()}`);
      await waitForTraceList(page, traces.length);

      // And forward again shows that trace.
      await page.goForward();
      await waitForTraceView(page, { traceId: other });
    },
  },
  {
    name: 'deep-link',
    allowErrors: [CHROMIUM_FETCH_ERRORS.status(404)],
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const traces = await allTraces(api);
      const trace = traces[Math.floor(traces.length / 2)];
      const id = trace[0].traceId;

      await openApp(t, { api, trace: id });
      const view = await waitForTraceView(page, { traceId: id });
      assertMatchesApi(view, id, await api.getJson(`/trace/${id}`));
      await assertCanvasDrawn(page);
      assert.equal(await page.locator(sel('error')).count(), 0, 'no error panel for a known trace');

      // An id the server does not know: the server's 404 and body reach the user.
      const unknown = 'feedfacecafebeef';
      assert.ok(!traces.some((tr) => tr[0].traceId === unknown));
      await page.goto(appUrl(await t.shared.app(), { api, trace: unknown }));
      const text = await waitForError(page);
      t.note(`unknown id: ${text}`);
      assert.match(text, /404/, `error names the HTTP status: ${text}`);
      assert.match(text, /not found/i, `error shows the server's body: ${text}`);
      assert.match(text, new RegExp(unknown), `error names the id: ${text}`);
    },
  },
  {
    name: 'scroll',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const traces = await allTraces(api);
      const big = [...traces].sort((a, b) => b.length - a.length)[0];
      const id = big[0].traceId;

      await openApp(t, { api, trace: id });
      const before = await waitForTraceView(page, { traceId: id });
      assert.equal(before.spanCount, big.length);
      assert.equal(before.firstRow, 0, 'a newly opened trace starts at row 0');
      const canvas = page.locator(sel('waterfall-canvas'));
      const box = await canvas.boundingBox();
      const stats = await assertCanvasDrawn(page);
      const rowPx = stats.clientHeight / before.visibleRows;
      t.note(`${big.length} spans, ${before.visibleRows} rows visible in ${stats.clientHeight}px (≈${rowPx.toFixed(1)}px/row)`);
      assert.ok(
        big.length >= 3 * before.visibleRows,
        `sample data should hold a trace much taller than the canvas: ${big.length} spans vs ${before.visibleRows} visible rows`,
      );
      // Only what fits is drawn: rows of a readable height, far fewer than the spans.
      assert.ok(rowPx >= 12 && rowPx <= 64, `visible rows ≈ canvas height / row height (implied ${rowPx.toFixed(1)} px per row)`);

      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, 400);
      const scrolled = await poll(() => traceView(page), (v) => v.firstRow > 0, 'wheel down moves data-first-row');
      assert.ok(Math.abs(scrolled.visibleRows - before.visibleRows) <= 1, 'as many rows are drawn after scrolling');
      const after = await canvasStats(page);
      assert.notEqual(after.hash, stats.hash, 'the canvas is repainted after scrolling');

      // Far down: the last row is reachable but the view does not run past the end.
      for (let i = 0; i < 20; i += 1) await page.mouse.wheel(0, 2000);
      const bottom = await poll(
        () => traceView(page),
        (v) => v.firstRow >= big.length - v.visibleRows - 1,
        'wheeling far down reaches the last rows',
      );
      assert.ok(bottom.firstRow < big.length, `data-first-row ${bottom.firstRow} stays inside ${big.length} rows`);
      await assertCanvasDrawn(page, 'canvas at the bottom', { minColours: 2, minFraction: 0.001 });

      // And back up to the top.
      for (let i = 0; i < 20; i += 1) await page.mouse.wheel(0, -2000);
      await poll(() => traceView(page), (v) => v.firstRow === 0, 'wheeling up returns to row 0');
    },
  },
  {
    name: 'hidpi',
    context: { deviceScaleFactor: 2 },
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const showcase = pickShowcase(await allTraces(api));
      const id = showcase[0].traceId;
      const url = await openApp(t, { api, trace: id });
      const view = await waitForTraceView(page, { traceId: id });
      const checkBacking = async (label) => {
        const s = await poll(
          () => canvasStats(page),
          (c) => c && Math.abs(c.width - 2 * c.cssWidth) <= 1 && Math.abs(c.height - 2 * c.cssHeight) <= 1,
          `${label}: canvas backing size should be CSS size × devicePixelRatio (2)`,
        );
        assert.equal(s.dpr, 2);
        assert.ok(s.clientWidth > 100 && s.clientHeight > 50, `canvas has a real size: ${s.clientWidth}x${s.clientHeight}`);
        return s;
      };
      const s = await checkBacking('at 1280x800');
      await assertCanvasDrawn(page);
      await t.screenshot('waterfall-hidpi');

      // The number of rows drawn depends on CSS pixels, not device pixels.
      const plain = await t.browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
      try {
        const p1 = await plain.newPage();
        t.watch(p1);
        await p1.goto(url);
        const v1 = await waitForTraceView(p1, { traceId: id });
        assert.ok(
          Math.abs(v1.visibleRows - view.visibleRows) <= 1,
          `visible rows at DPR 2 (${view.visibleRows}) equal those at DPR 1 (${v1.visibleRows})`,
        );
        const s1 = await canvasStats(p1);
        assert.ok(Math.abs(s1.width - s1.cssWidth) <= 1, 'at DPR 1 the backing size is the CSS size');
      } finally {
        await plain.close();
      }

      // Resizing the window keeps the backing store in step.
      await page.setViewportSize({ width: 900, height: 700 });
      const resized = await poll(
        () => canvasStats(page),
        (c) => c && c.clientWidth < s.clientWidth && Math.abs(c.width - 2 * c.cssWidth) <= 1 && Math.abs(c.height - 2 * c.cssHeight) <= 1,
        'after resizing to 900x700 the canvas is narrower and still CSS size × 2',
      );
      t.note(`DPR 2 canvas ${s.width}x${s.height} for ${s.clientWidth}x${s.clientHeight} CSS px; resized ${resized.width}x${resized.height}`);
      await assertCanvasDrawn(page, 'canvas after resize');
    },
  },
];
