// The trace view, continued: clock-skew correction (toggle, marks, detail line, URL), the
// raw span as Zipkin v2 JSON, the header's warnings list, the resizable name column and
// HiDPI canvases. Expected values come from the spans posted here and the API's JSON.
import assert from 'node:assert/strict';
import { openApp, poll, sel, waitForTraceView } from '../lib/app.mjs';
import { allTraces } from '../lib/data.mjs';
import { durationAgrees, spanTree } from '../lib/tree.mjs';
import {
  boxes, countPixels, drag, pointerAway, rowPoint, urlSpanId, urlState, waitForDetail, waitForView,
} from '../lib/waterfall.mjs';

/** The light theme's skew mark colour (Theme::LIGHT.skew in crates/tracescope-core/src/layout/color.rs). */
const SKEW_MARK = 0xe36209;
/** The light theme's column divider colour (Theme::LIGHT.divider). */
const DIVIDER = 0xc9ced4;

/**
 * A trace whose SERVER half starts 30 ms before its CLIENT on another host (clock skew):
 * correction moves it (and its local child) 50 ms later, to the middle of the client. One
 * more span names a parent that is not in the trace: a warning.
 */
function skewedTrace(now) {
  const T = '5e1f5e1f5e1f0000';
  const base = now - 1_000_000;
  const ep = (serviceName, ipv4) => ({ serviceName, ipv4 });
  const root = { traceId: T, id: '5e1f5e1f5e1f0001', kind: 'SERVER', name: 'get /home', timestamp: base - 5_000, duration: 130_000, localEndpoint: ep('frontend', '10.0.0.1') };
  const client = { traceId: T, parentId: root.id, id: '5e1f5e1f5e1f0002', kind: 'CLIENT', name: 'get /profile', timestamp: base, duration: 100_000, localEndpoint: ep('frontend', '10.0.0.1'), remoteEndpoint: ep('backend', '10.0.0.2') };
  const server = {
    traceId: T, parentId: client.id, id: '5e1f5e1f5e1f0003', kind: 'SERVER', name: 'get /profile', timestamp: base - 30_000, duration: 60_000,
    localEndpoint: ep('backend', '10.0.0.2'), remoteEndpoint: ep('frontend', '10.0.0.1'),
    tags: { 'http.path': '/profile', 'http.status_code': '200' }, annotations: [{ timestamp: base - 29_000, value: 'wr' }],
  };
  const db = { traceId: T, parentId: server.id, id: '5e1f5e1f5e1f0004', name: 'select user', timestamp: base - 25_000, duration: 10_000, localEndpoint: ep('backend', '10.0.0.2') };
  const orphan = { traceId: T, parentId: '5e1f5e1f5e1f00ff', id: '5e1f5e1f5e1f0005', name: 'late work', timestamp: base + 110_000, duration: 5_000, localEndpoint: ep('frontend', '10.0.0.1') };
  return { T, spans: [root, client, server, db, orphan], server };
}

/** Pixels of the skew mark's colour in the rows `from..to` of the main canvas. */
async function skewMarks(page, main, from, to) {
  const r = await countPixels(page, { x: 0, y: 28 + from * 24, w: main.width, h: (to - from) * 24 }, SKEW_MARK, { tolerance: 12 });
  return r.match;
}

export default [
  {
    name: 'trace-skew-and-raw-json',
    async run(t) {
      const { page } = t;
      const { T, spans, server } = skewedTrace(Date.now() * 1000);
      const api = await t.servers.start(['--samples', '1', '--seed', '5']);
      const post = await fetch(api.api('/spans'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spans) });
      assert.ok(post.ok, `POST /spans -> ${post.status}`);
      const served = await api.getJson(`/trace/${T}`);
      const servedServer = served.find((s) => s.id === server.id);
      await openApp(t, { api, trace: T });
      const view = await waitForTraceView(page, { traceId: T });
      assert.equal(view.skew, 'on', 'skew correction is on by default (data-skew)');
      assert.equal(view.skewAdjustedCount, '2', 'the server span and its local child are moved (data-skew-adjusted-count)');
      const { main } = await boxes(page);

      // Rows: root, client, server, db, orphan. The moved rows carry the mark; the others not.
      await pointerAway(page);
      await poll(() => skewMarks(page, main, 2, 4), (n) => n >= 10, 'the moved rows (server, db) show the skew mark');
      assert.equal(await skewMarks(page, main, 0, 2), 0, 'the root and the client have no skew mark');
      await t.screenshot('skew-marks');

      // The detail panel says how far the span moved.
      const p = rowPoint(main, 2);
      await page.mouse.click(p.x, p.y);
      const tree = spanTree(served);
      const serverIndex = String(tree.order.find((n) => n.span.id === server.id).index);
      await waitForView(page, (v) => v.selectedSpan === serverIndex, 'clicking the third row selects the server span');
      const on = await waitForDetail(page, serverIndex);
      await poll(() => urlState(page).span, (s) => s === urlSpanId(server.id), 'the URL names the span by its id');
      assert.equal(on.fields['Span ID'], server.id);
      const note = page.locator(sel('skew-note'));
      assert.match(await note.innerText(), /moved 50(\.0)?\s*ms later by clock-skew correction/, 'detail line: how far and which way');
      assert.equal(await note.getAttribute('data-skew-delta-us'), '50000');
      assert.ok(durationAgrees(on.fields.Start.replace(/^\+/, ''), 25_000), `corrected start: +25ms from the trace start (${on.fields.Start})`);

      // Raw JSON: the span as Zipkin v2 JSON, with its reported (uncorrected) times.
      await page.locator(`${sel('span-detail')} details summary`).click();
      const raw = JSON.parse(await page.locator(sel('span-raw')).innerText());
      t.note(`raw JSON of the server span: ${JSON.stringify(raw)}`);
      for (const k of ['traceId', 'id', 'parentId', 'kind', 'name', 'timestamp', 'duration', 'localEndpoint', 'remoteEndpoint', 'tags', 'annotations']) {
        assert.deepEqual(raw[k], servedServer[k], `raw JSON "${k}" equals the API's span`);
      }
      assert.equal(raw.timestamp, server.timestamp, 'raw JSON keeps the reported start, not the corrected one');
      assert.deepEqual(Object.keys(raw).filter((k) => k.includes('_')), [], `raw JSON has Zipkin's camelCase fields only, not the detail record: ${Object.keys(raw)}`);

      // Switching correction off: reported times, no marks, no detail line; the selection
      // stays; the URL says skew=off.
      await page.uncheck(sel('skew-toggle'));
      await waitForView(page, (v) => v.skew === 'off' && v.skewAdjustedCount === '0' && v.ready === 'true', 'skew-toggle off');
      assert.equal(urlState(page).span, urlSpanId(server.id), 'the selection survives the switch');
      await waitForView(page, (v) => v.selectedSpan === serverIndex, 'the same (server) half stays selected');
      assert.equal(new URL(page.url()).searchParams.get('skew'), 'off', `the URL holds skew=off: ${page.url()}`);
      const off = await poll(() => waitForDetail(page, serverIndex), (d) => d.fields.Start !== on.fields.Start, 'the detail shows the reported start');
      assert.ok(durationAgrees(off.fields.Start.replace(/^\+/, ''), 0), `uncorrected, the server starts the trace (+0): ${off.fields.Start}`);
      assert.equal(await page.locator(sel('skew-note')).count(), 0, 'no skew line without correction');
      await pointerAway(page);
      await poll(() => skewMarks(page, main, 0, 5), (n) => n === 0, 'no skew marks without correction');

      // Back: correction on again, from the URL.
      await page.goBack();
      await waitForView(page, (v) => v.skew === 'on' && v.skewAdjustedCount === '2', 'back switches correction on again');
      assert.equal(await page.isChecked(sel('skew-toggle')), true, 'the checkbox follows');

      // A link with skew=off opens uncorrected.
      await page.goto(`${page.url().replace(/&?skew=[^&]*/, '')}&skew=off`);
      await waitForView(page, (v) => v.traceId === T && v.ready === 'true' && v.skew === 'off' && v.skewAdjustedCount === '0', 'skew=off in a link');
      assert.equal(await page.isChecked(sel('skew-toggle')), false);

      // The header's warnings count opens the list (the orphan's missing parent).
      const toggle = page.locator(sel('warnings-toggle'));
      const count = Number(await toggle.innerText());
      assert.ok(count >= 1, `the header counts warnings (${count})`);
      assert.equal(await page.locator(sel('warnings-list')).count(), 0, 'the list is closed at first');
      await toggle.click();
      const items = await page.locator(`${sel('warnings-list')} li`).allInnerTexts();
      t.note(`warnings: ${JSON.stringify(items)}`);
      assert.equal(items.length, count, 'one item per warning');
      assert.ok(items.some((w) => w.includes('5e1f5e1f5e1f00ff') || /parent/i.test(w)), `a warning names the missing parent: ${items}`);
      await toggle.click();
      assert.equal(await page.locator(sel('warnings-list')).count(), 0, 'and closes again');
    },
  },
  {
    name: 'trace-name-column-resize',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = [...(await allTraces(api))].sort((a, b) => b.length - a.length)[0];
      await openApp(t, { api, trace: spans[0].traceId });
      const view = await waitForTraceView(page, { traceId: spans[0].traceId });
      const { main } = await boxes(page);
      const nw0 = Number(view.nameWidth);
      assert.ok(nw0 >= 160 && nw0 <= 420, `initial name column ${nw0} px`);
      const y = main.y + 28 + 2.5 * 24;

      // Hovering the divider shows the resize cursor.
      await page.mouse.move(main.x + nw0, y);
      await poll(() => page.locator(sel('waterfall-canvas')).evaluate((c) => c.style.cursor), (c) => c === 'col-resize', 'the divider shows a col-resize cursor');

      // Dragging it moves it; the divider line is drawn where it went.
      await drag(page, { x: main.x + nw0, y }, { x: main.x + nw0 + 120, y });
      const v1 = await waitForView(page, (v) => Math.abs(Number(v.nameWidth) - (nw0 + 120)) <= 2, `dragging the divider 120 px right widens the name column to ≈${nw0 + 120}`);
      await pointerAway(page);
      const nw1 = Number(v1.nameWidth);
      const line = await countPixels(page, { x: nw1 - 1, y: 40, w: 1, h: main.height - 60 }, DIVIDER, { tolerance: 8 });
      assert.ok(line.match > 0.8 * line.total, `the divider line is drawn at x=${nw1 - 1} (${line.match}/${line.total})`);
      await t.screenshot('name-column-wide');

      // It stays within bounds: at least 60 px of names, at least 120 px of timeline.
      await drag(page, { x: main.x + nw1, y }, { x: main.x + 5, y });
      await waitForView(page, (v) => Number(v.nameWidth) === 60, 'the name column is at least 60 px');
      await drag(page, { x: main.x + 60, y }, { x: main.x + main.width - 5, y });
      await waitForView(page, (v) => Number(v.nameWidth) === Math.round(main.width - 120), 'the timeline keeps at least 120 px');
    },
  },
  {
    name: 'trace-hidpi',
    context: { deviceScaleFactor: 2 },
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = (await allTraces(api))[0];
      await openApp(t, { api, trace: spans[0].traceId });
      await waitForTraceView(page, { traceId: spans[0].traceId });
      const sizes = await page.evaluate(() => [...document.querySelectorAll('canvas')].map((c) => {
        const r = c.getBoundingClientRect();
        return { id: c.dataset.testid, w: c.width, h: c.height, cssW: r.width, cssH: r.height, dpr: window.devicePixelRatio };
      }));
      t.note(`canvases at devicePixelRatio 2: ${JSON.stringify(sizes)}`);
      assert.equal(sizes.length, 2, 'the waterfall and the minimap');
      for (const s of sizes) {
        assert.equal(s.dpr, 2);
        assert.ok(Math.abs(s.w - 2 * s.cssW) <= 1 && Math.abs(s.h - 2 * s.cssH) <= 1, `${s.id}: backing store is twice its CSS size (${s.w}×${s.h} for ${s.cssW}×${s.cssH})`);
      }
    },
  },
];
