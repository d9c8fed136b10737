// 11-25. The trace view's tools: selection and the span detail panel, collapsing, focus,
// the filter, the critical path, zoom, pan, the minimap, URL state, keyboard, themes, and
// untrusted tag values. Expected values come from the API's JSON (lib/tree.mjs), never from
// the app.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../lib/env.mjs';
import {
  assertCanvasDrawn, canvasStats, longestLookback, openApp, poll, sel, submitSearch, traceList, traceView,
  waitForServiceOptions, waitForTraceList, waitForTraceView,
} from '../lib/app.mjs';
import { allTraces, pickShowcase } from '../lib/data.mjs';
import {
  durationAgrees, isError, spanFilter, spanTree, visibleAfterCollapse, withAncestors,
} from '../lib/tree.mjs';
import {
  RULER_PX, ROW_PX, averageColour, boxes, countPixels, drag, glyphPoint, nameColumnWidth, pointerAway, rowPoint,
  urlSpanId, urlState, urlWindow, waitForDetail, waitForView,
} from '../lib/waterfall.mjs';

// ---- choosing traces ------------------------------------------------------------------

/** A trace that fits on one screen but has depth, several services and errors (14-20 spans). */
function pickMedium(traces) {
  const pool = traces.filter((tr) => tr.length >= 14 && tr.length <= 20);
  assert.ok(pool.length, 'sample data should hold a trace of 14-20 spans');
  const score = (tr) => {
    const tree = spanTree(tr);
    return Math.max(...tree.order.map((n) => n.depth)) * 10 + tr.filter(isError).length;
  };
  return [...pool].sort((a, b) => score(b) - score(a))[0];
}

/** The trace with the most spans. */
const pickBig = (traces) => [...traces].sort((a, b) => b.length - a.length)[0];

/**
 * Opens `spans`'s trace by URL and returns what the tests need: the expected tree, canvas
 * boxes, the name column width, and how many rows fit (drawn rows = min(rows, capacity)).
 */
async function openTrace(t, api, spans, { page = t.page } = {}) {
  const id = spans[0].traceId;
  if (page === t.page) await openApp(t, { api, trace: id });
  const view = await waitForTraceView(page, { traceId: id });
  assert.equal(view.spanCount, spans.length, `data-span-count equals the ${spans.length} spans of GET /trace/${id}`);
  const tree = spanTree(spans);
  const { main, mini } = await boxes(page);
  const capacity = Math.ceil((main.height - RULER_PX) / ROW_PX) + 1;
  const nw = nameColumnWidth(main.width);
  await assertCanvasDrawn(page);
  return { id, view, tree, main, mini, capacity, nw, total: view.durationUs };
}

const drawn = (rows, capacity) => Math.min(rows, capacity);
const spanOfRow = (tree, row) => tree.order[row];
const label = (n) => `${n.span.localEndpoint?.serviceName}: ${n.span.name} (span ${n.index}, id ${n.span.id})`;

/** Focuses the trace view (the element that takes keyboard shortcuts) without clicking the canvas. */
async function focusView(page) {
  await page.focus(sel('trace-view'));
  assert.equal(await page.evaluate((s) => document.activeElement === document.querySelector(s), sel('trace-view')), true, 'trace-view takes focus');
}

async function press(page, key) {
  await page.keyboard.press(key);
}

async function setFilter(page, query) {
  await page.fill(sel('trace-filter'), query);
}

/**
 * The zoom window the view really shows, read by making the app write it: l then h (pan 80 px
 * and back) end in write_zoom_to_url. Only for a zoomed view away from the trace's right end.
 */
async function shownWindow(page) {
  await focusView(page);
  await press(page, 'l');
  await press(page, 'h');
  await page.waitForTimeout(100);
  return urlWindow(page);
}

const matchText = (page) => page.locator(sel('match-count')).innerText();

/** Asserts the detail panel shows the API's span `node` (ids, service, name, parent). */
async function assertDetailShows(page, node, traceId) {
  const d = await waitForDetail(page, node.index, `detail panel should show ${label(node)}`);
  const s = node.span;
  assert.equal(d.fields['Span ID'], s.id, `detail Span ID of ${label(node)}`);
  assert.equal(d.fields['Trace ID'], traceId, 'detail Trace ID');
  assert.equal(d.title, `${s.localEndpoint?.serviceName ?? '(unknown)'}: ${s.name}`, 'detail title is "service: name"');
  assert.equal(d.fields['Parent ID'] ?? null, s.parentId ?? null, `detail Parent ID of ${label(node)}`);
  assert.ok(durationAgrees(d.fields.Duration, s.duration), `detail Duration "${d.fields.Duration}" should be ${s.duration}µs`);
  return d;
}

export default [
  {
    name: 'trace-select',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickMedium(await allTraces(api));
      const { id, tree, main, capacity, view } = await openTrace(t, api, spans);
      assert.ok(spans.length <= capacity, `the ${spans.length}-span trace fits the canvas (${capacity} rows)`);
      assert.equal(view.visibleRows, spans.length, 'every row is drawn');
      assert.equal(view.selectedSpan ?? '', '', 'nothing is selected at first');
      assert.equal(await page.locator(sel('span-detail')).count(), 0, 'no detail panel at first');

      // Clicking a row selects the API's span at that row (display order: depth first, by start).
      for (const row of [3, spans.length - 1, 1]) {
        const node = spanOfRow(tree, row);
        const p = rowPoint(main, row);
        await page.mouse.click(p.x, p.y);
        await waitForView(page, (v) => v.selectedSpan === String(node.index), `a click on row ${row} selects ${label(node)}`);
        await poll(() => urlState(page).span, (s) => s === urlSpanId(node.span.id), `URL span= is the selected span's id ${node.span.id}`);
        await assertDetailShows(page, node, id);
      }

      // A click also gives the view the keyboard: j selects the next row.
      await press(page, 'j');
      await waitForView(page, (v) => v.selectedSpan === String(spanOfRow(tree, 2).index), 'after clicking row 1, j selects row 2');

      // The tooltip names the row under the pointer.
      const hoverNode = spanOfRow(tree, 2);
      const hp = rowPoint(main, 2, { x: main.width * 0.5 });
      await page.mouse.move(hp.x, hp.y);
      await page.mouse.move(hp.x + 3, hp.y);
      const tip = await poll(() => page.locator(sel('tooltip')).innerText().catch(() => null), (x) => !!x, 'hovering a row shows a tooltip');
      assert.ok(tip.includes(hoverNode.span.name), `tooltip "${tip}" names the span under the pointer (${label(hoverNode)})`);
      assert.ok(tip.includes(hoverNode.span.localEndpoint.serviceName), `tooltip "${tip}" names its service`);
      await pointerAway(page);
      await poll(() => page.locator(sel('tooltip')).count(), (n) => n === 0, 'the tooltip goes when the pointer leaves');

      // Clicks on the ruler or below the last row select nothing else.
      const before = (await traceView(page)).selectedSpan;
      await page.mouse.click(main.x + main.width * 0.6, main.y + RULER_PX / 2);
      const below = rowPoint(main, spans.length + 1);
      if (below.y < main.y + main.height - 2) await page.mouse.click(below.x, below.y);
      await page.waitForTimeout(200);
      assert.equal((await traceView(page)).selectedSpan, before, 'a click on the ruler or on empty space keeps the selection');

      // Closing the panel clears the selection (and the URL's span=).
      await page.click(sel('detail-close'));
      await waitForView(page, (v) => v.selectedSpan === '', 'detail-close clears data-selected-span');
      await poll(() => page.locator(sel('span-detail')).count(), (n) => n === 0, 'detail panel closes');
      assert.equal(urlState(page).span, null, `no span= after closing: ${page.url()}`);
    },
  },
  {
    name: 'trace-span-detail',
    context: { permissions: ['clipboard-read', 'clipboard-write'] },
    async run(t) {
      const { page } = t;
      const now = Date.now() * 1000;
      const T = 'a1b2c3d4e5f60000';
      const ep = (serviceName, ipv4) => ({ serviceName, ...(ipv4 ? { ipv4 } : {}) });
      const root = {
        traceId: T, id: 'a1b2c3d4e5f60001', kind: 'SERVER', name: 'get /checkout', timestamp: now - 100_000, duration: 80_000,
        localEndpoint: ep('frontend', '10.0.0.1'), tags: { 'http.path': '/checkout', 'http.method': 'GET' },
      };
      const child = {
        traceId: T, parentId: root.id, id: 'a1b2c3d4e5f60002', kind: 'CLIENT', name: 'charge', timestamp: root.timestamp + 5_000, duration: 42_500,
        localEndpoint: ep('frontend', '10.0.0.1'), remoteEndpoint: ep('payments', '10.0.0.9'),
        // Keys out of order (and one upper-case: byte order puts it first); annotations out of order.
        tags: { zeta: 'last', alpha: 'first', 'Mid.Key': 'middle', error: 'card declined', 'http.status_code': '502' },
        annotations: [
          { timestamp: root.timestamp + 5_000 + 30_000, value: 'retry' },
          { timestamp: root.timestamp + 5_000 + 1_500, value: 'ws' },
          { timestamp: root.timestamp + 5_000 + 12_345, value: 'wr' },
        ],
      };
      const grandchild = {
        traceId: T, parentId: child.id, id: 'a1b2c3d4e5f60003', name: 'db query', timestamp: root.timestamp + 10_000, duration: 5_000,
        localEndpoint: ep('payments'), tags: { 'db.system': 'postgresql' },
      };
      const server = await t.servers.start(['--samples', '1', '--seed', '3']);
      const post = await fetch(server.api('/spans'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([root, child, grandchild]) });
      assert.ok(post.ok, `POST /spans -> ${post.status}`);
      const spans = await server.getJson(`/trace/${T}`);
      const { main } = await openTrace(t, server, spans);
      const tree = spanTree(spans);
      const row = tree.order.findIndex((n) => n.span.id === child.id);
      assert.equal(row, 1, 'the child is the second row');
      const node = tree.order[row];

      const p = rowPoint(main, row);
      await page.mouse.click(p.x, p.y);
      await waitForView(page, (v) => v.selectedSpan === String(node.index), 'clicking the child selects it');
      const d = await assertDetailShows(page, node, T);
      t.note(`detail fields: ${JSON.stringify(d.fields)}`);

      // Tags: every tag, sorted by key (byte order), values as sent.
      const expectedTags = Object.entries(child.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(d.tags.map((x) => [x.key, x.text]), expectedTags, 'tags table: every tag, sorted by key');
      // Annotations: sorted by time, each at its offset from the span's start.
      assert.deepEqual(
        d.annotations.map((a) => a.value),
        ['ws', 'wr', 'retry'],
        `annotations sorted by time: ${JSON.stringify(d.annotations)}`,
      );
      const offsets = [1_500, 12_345, 30_000];
      d.annotations.forEach((a, i) => {
        assert.match(a.at, /^\+/, `annotation time "${a.at}" is relative (+…)`);
        assert.ok(durationAgrees(a.at.slice(1), offsets[i]), `annotation "${a.value}" at "${a.at}" should be +${offsets[i]}µs from the span start`);
      });
      assert.ok(durationAgrees(d.fields.Start.replace(/^\+/, ''), 5_000), `Start "${d.fields.Start}" is +5ms from the trace start`);
      assert.equal(d.fields.Children, '1', 'one child');
      assert.match(d.fields.Kind, /CLIENT/i, 'kind');
      assert.match(d.fields.Remote ?? '', /payments/, 'remote endpoint');
      assert.ok(d.error, 'an "error" tag shows the error badge');
      assert.ok(d.raw.includes(child.id) && d.raw.includes('card declined'), 'raw JSON holds the span');

      // The copy button next to the span id puts the id on the clipboard.
      await page.locator(`${sel('span-detail')} tr:has(th:text-is("Span ID")) button`).click();
      const clip = await poll(() => page.evaluate(() => navigator.clipboard.readText()), (x) => x === child.id, 'copy puts the span id on the clipboard');
      assert.equal(clip, child.id);

      // The root: no parent row, three spans under it.
      const r0 = rowPoint(main, 0);
      await page.mouse.click(r0.x, r0.y);
      const rd = await assertDetailShows(page, tree.order[0], T);
      assert.equal(rd.fields['Parent ID'], undefined, 'a root has no Parent ID row');
      assert.equal(rd.fields.Children, '1', 'the root has one child');
      assert.ok(!rd.error, 'no error badge on the root');
      assert.equal(rd.annotations.length, 0, 'no annotations on the root');
      assert.match(rd.fields.Local ?? '', /frontend 10\.0\.0\.1/, 'local endpoint: service and address');
    },
  },
  {
    name: 'trace-fixture-rows',
    timeout: 45_000,
    async run(t) {
      const { page } = t;
      // Real traces from files, read in place: every drawn row selects the fixture's span at that
      // row, and the detail panel agrees with the fixture's JSON.
      for (const file of ['zipkin-v2/zipkin__yelp.json', 'zipkin-v2/zipkin__messaging-kafka.json']) {
        const path = fixture(file);
        const spans = JSON.parse(readFileSync(path, 'utf8'));
        const tree = spanTree(spans);
        await openApp(t);
        await page.setInputFiles(sel('file-input'), path);
        const view = await waitForTraceView(page, { traceId: spans[0].traceId });
        assert.equal(view.spanCount, spans.length, `${file}: data-span-count`);
        const { main } = await boxes(page);
        // Rows wholly on screen (a click on a partly shown last row would scroll).
        const rows = Math.min(Math.floor((main.height - RULER_PX) / ROW_PX), spans.length);
        let annotated = 0;
        for (let row = 0; row < rows; row += 1) {
          const node = tree.order[row];
          const p = rowPoint(main, row);
          await page.mouse.click(p.x, p.y);
          await waitForView(page, (v) => v.selectedSpan === String(node.index), `${file}: a click on row ${row} selects ${label(node)}`);
          const d = await assertDetailShows(page, node, spans[0].traceId.padStart(16, '0'));
          const tags = Object.entries(node.span.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          assert.deepEqual(d.tags.map((x) => [x.key, x.text]), tags, `${file} row ${row}: tags sorted by key, as in the file`);
          const anns = [...(node.span.annotations ?? [])].sort((a, b) => a.timestamp - b.timestamp);
          assert.deepEqual(d.annotations.map((a) => a.value), anns.map((a) => a.value), `${file} row ${row}: annotations`);
          if (!d.fields['Clock skew']) {
            anns.forEach((a, i) => {
              const want = a.timestamp - node.span.timestamp;
              assert.ok(durationAgrees(d.annotations[i].at.replace(/^\+/, ''), want), `${file} row ${row}: annotation "${a.value}" at "${d.annotations[i].at}" should be +${want}µs`);
            });
            annotated += anns.length;
          }
        }
        t.note(`${file}: ${rows} rows clicked, ${annotated} annotation times checked`);
        if (spans.length > rows) {
          // Scrolled by 120 px (5 rows): clicks still hit the row under the pointer.
          await page.mouse.move(main.x + main.width / 2, main.y + main.height / 2);
          await page.mouse.wheel(0, 5 * ROW_PX);
          await waitForView(page, (v) => v.firstRow === 5, `${file}: wheel 120 px scrolls to row 5`);
          for (const row of [5, Math.min(spans.length - 1, 5 + rows - 1)]) {
            const node = tree.order[row];
            const p = rowPoint(main, row, { firstRowOffsetPx: 5 * ROW_PX });
            await page.mouse.click(p.x, p.y);
            await waitForView(page, (v) => v.selectedSpan === String(node.index), `${file}: scrolled, a click on row ${row} selects ${label(node)}`);
          }
        }
        const errors = spans.filter(isError).length;
        await setFilter(page, 'is:error');
        await waitForView(page, (v) => v.matchCount === String(errors), `${file}: is:error matches the ${errors} spans with an error tag`);
        await setFilter(page, '');
      }
    },
  },
  {
    name: 'trace-hostile-tags',
    async run(t) {
      const { page } = t;
      const dialogs = [];
      page.on('dialog', (dlg) => {
        dialogs.push(dlg.message());
        dlg.dismiss().catch(() => {});
      });
      const strayRequests = [];
      page.on('request', (r) => /\/x$|example\.(com|org)/.test(r.url()) && strayRequests.push(r.url()));
      const now = Date.now() * 1000;
      const T = 'bad7a9bad7a90000';
      const tags = {
        'a.html': '<img src=x onerror=window.__pwned=1>',
        'b.js': 'javascript:alert(1)',
        'c.js-case': 'JaVaScRiPt:window.__pwned=2',
        'd.js-space': '  javascript:window.__pwned=3',
        'e.http': 'http://example.com/a?b=1&c=<x>',
        'f.https': 'https://example.org/path',
        'g.data': 'data:text/html,<script>window.__pwned=4</script>',
        'h.vbscript': 'vbscript:msgbox(1)',
        'i.tab-js': 'java\tscript:window.__pwned=5',
        'j.http-then-js': 'http://ok.example/ javascript:alert(1)',
        'k.svg': '<svg onload=window.__pwned=6></svg>',
        'l.entity': '&lt;b&gt;bold&lt;/b&gt;',
        'm.proto-rel': '//example.com/x',
      };
      const links = { 'e.http': 'http:', 'f.https': 'https:' };
      const name = '<img src=x onerror=window.__pwned=7>';
      const spans = [
        {
          traceId: T, id: 'bad7a9bad7a90001', name, kind: 'SERVER', timestamp: now - 50_000, duration: 40_000,
          localEndpoint: { serviceName: 'javascript:alert(1)' }, tags,
          annotations: [{ timestamp: now - 45_000, value: '<script>window.__pwned=8</script>' }],
        },
        { traceId: T, parentId: 'bad7a9bad7a90001', id: 'bad7a9bad7a90002', name: 'child', timestamp: now - 40_000, duration: 10_000, localEndpoint: { serviceName: 'b' } },
      ];
      const server = await t.servers.start(['--samples', '1', '--seed', '5']);
      const post = await fetch(server.api('/spans'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spans) });
      assert.ok(post.ok, `POST /spans -> ${post.status}`);
      const { main } = await openTrace(t, server, await server.getJson(`/trace/${T}`));

      const p = rowPoint(main, 0);
      await page.mouse.click(p.x, p.y);
      const d = await waitForDetail(page, 0);
      await page.waitForTimeout(300); // let any injected handler run
      assert.equal(d.title, `javascript:alert(1): ${name}`, 'the title is the literal service and name');
      assert.equal(d.tags.length, Object.keys(tags).length, 'every tag is listed');
      for (const row of d.tags) {
        const sent = tags[row.key];
        assert.equal(row.text, sent, `tag ${row.key}: shown as the literal text`);
        if (links[row.key]) {
          assert.ok(row.href, `tag ${row.key} (${sent}) is an http(s) URL and becomes a link`);
          assert.equal(new URL(row.href).protocol, links[row.key], `link of ${row.key} keeps its scheme: ${row.href}`);
          assert.equal(row.target, '_blank', `link of ${row.key} opens in a new tab`);
          assert.match(row.rel ?? '', /noopener/, `link of ${row.key} has rel=noopener`);
          assert.deepEqual(row.elements, ['a'], `tag ${row.key}: one <a>, nothing else`);
        } else {
          assert.equal(row.href, null, `tag ${row.key} (${JSON.stringify(sent)}) is not a link`);
          assert.ok(row.elements.every((e) => e === 'span'), `tag ${row.key}: plain text, no elements (${row.elements})`);
        }
      }
      assert.equal(d.annotations[0]?.value, spans[0].annotations[0].value, 'annotation value is text');
      const state = await page.evaluate(() => ({
        pwned: window.__pwned,
        injected: document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], script:not([src]):not([type])').length,
        jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => !/^https?:/i.test(a.href) && !a.getAttribute('href').startsWith('?')).map((a) => a.getAttribute('href')),
      }));
      assert.equal(state.pwned, undefined, `markup from tags ran script (window.__pwned=${state.pwned})`);
      assert.equal(state.injected, 0, 'tag values became DOM elements');
      assert.deepEqual(state.jsLinks, [], 'no link with another scheme exists');

      // Clicking the javascript: values does nothing.
      for (const key of ['b.js', 'c.js-case']) {
        await page.locator(`${sel('span-tags')} tr:has(th:text-is("${key}")) td`).click();
      }
      await page.waitForTimeout(200);
      assert.deepEqual(dialogs, [], 'no dialog opened');
      assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran after clicks');
      assert.deepEqual(strayRequests, [], 'nothing was fetched from the tag values');
    },
  },
  {
    name: 'trace-collapse',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickMedium(await allTraces(api));
      const { tree, main, capacity } = await openTrace(t, api, spans);
      const n = spans.length;
      assert.ok(n <= capacity, `the trace fits (${n} <= ${capacity} rows)`);
      const parents = tree.order.filter((x) => x.children.length);
      const collapsedRows = (pred) => drawn(visibleAfterCollapse(tree, pred).length, capacity);
      const expectState = async (collapsed, rows, what) =>
        waitForView(page, (v) => v.collapsedCount === String(collapsed) && v.visibleRows === rows, `${what}: data-collapsed-count=${collapsed}, ${rows} rows drawn`);

      // The glyph of the root collapses the whole trace into one row, and a second click expands it.
      let g = glyphPoint(main, 0, 0);
      await page.mouse.click(g.x, g.y);
      await expectState(1, 1, 'glyph click on the root');
      assert.equal((await traceView(page)).selectedSpan, '', 'a glyph click does not select');
      await page.mouse.click(g.x, g.y);
      await expectState(0, n, 'second glyph click on the root');

      // A child with children: its subtree folds into its row.
      const row = tree.order.findIndex((x) => x.depth === 1 && x.children.length);
      assert.ok(row > 0, 'the trace has a depth-1 span with children');
      const node = tree.order[row];
      g = glyphPoint(main, row, 1);
      await page.mouse.click(g.x, g.y);
      await expectState(1, n - (node.size - 1), `glyph click on row ${row} (${label(node)}, ${node.size} spans in its subtree)`);
      await page.mouse.click(g.x, g.y);
      await expectState(0, n, `glyph click again on row ${row}`);

      // Collapse all / expand all.
      await page.click(sel('collapse-all'));
      await expectState(parents.length, tree.roots.length, 'collapse-all');
      await page.click(sel('expand-all'));
      await expectState(0, n, 'expand-all');

      // Depth: "N levels" shows N levels.
      for (const levels of [2, 3]) {
        await page.selectOption(sel('collapse-depth'), String(levels));
        const pred = (x) => x.depth + 1 >= levels;
        await expectState(parents.filter(pred).length, collapsedRows(pred), `collapse-depth ${levels}`);
      }
      await page.click(sel('expand-all'));
      await expectState(0, n, 'expand-all after depth');

      // Shorter than: every subtree whose root is shorter collapses.
      const durations = [...new Set(parents.map((x) => x.span.duration))].sort((a, b) => a - b);
      const cut = durations[Math.floor(durations.length / 2)];
      const pred = (x) => x.span.duration < cut;
      assert.ok(parents.some(pred) && !parents.every(pred), 'the cut collapses some parents but not all');
      await page.fill(sel('collapse-shorter'), `${cut}us`);
      await page.press(sel('collapse-shorter'), 'Enter');
      await expectState(parents.filter(pred).length, collapsedRows(pred), `collapse-shorter ${cut}us`);
      await page.fill(sel('collapse-shorter'), `${cut / 1000}ms`);
      await page.press(sel('collapse-shorter'), 'Enter');
      await expectState(parents.filter(pred).length, collapsedRows(pred), `collapse-shorter ${cut / 1000}ms (same cut in ms)`);
      await page.click(sel('expand-all'));
      await expectState(0, n, 'expand-all after shorter-than');
    },
  },
  {
    name: 'trace-focus',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickMedium(await allTraces(api));
      const { tree, main, capacity, total } = await openTrace(t, api, spans);
      const n = spans.length;
      const row = tree.order.findIndex((x) => x.depth >= 1 && x.size >= 3);
      assert.ok(row > 0, 'a subtree of 3+ spans below the root');
      const node = tree.order[row];
      const p = rowPoint(main, row);
      await page.mouse.click(p.x, p.y);
      await waitForDetail(page, node.index);
      assert.equal(await page.locator(sel('focus-breadcrumb')).count(), 0, 'no breadcrumb before focusing');
      assert.equal(await page.isDisabled(sel('zoom-reset')), true, 'not zoomed before focusing');

      await page.click(sel('detail-focus'));
      await waitForView(page, (v) => v.visibleRows === drawn(node.size, capacity), `focus shows only the ${node.size} spans of the subtree of ${label(node)}`);
      const crumb = await page.locator(sel('focus-breadcrumb')).innerText();
      assert.ok(crumb.includes(node.span.name) && crumb.includes(node.span.localEndpoint.serviceName), `breadcrumb "${crumb}" names ${label(node)}`);
      // The focused span fills the time axis.
      assert.equal(await page.isDisabled(sel('zoom-reset')), false, 'focusing zooms to the subtree (zoom-reset enabled)');
      assert.ok(node.span.duration < total, 'the subtree is shorter than the trace');
      assert.equal((await traceView(page)).selectedSpan, String(node.index), 'the selection stays');

      // Back to the whole trace.
      await page.locator(`${sel('focus-breadcrumb')} button`).click();
      await waitForView(page, (v) => v.visibleRows === n, 'the breadcrumb button shows the whole trace again');
      await poll(() => page.locator(sel('focus-breadcrumb')).count(), (c) => c === 0, 'breadcrumb goes away');
      assert.equal(await page.isDisabled(sel('zoom-reset')), true, 'the whole time axis is shown again');

      // The URL's from/to follow the window focusing sets, and go when the whole trace is back
      // (zoomed first with +, so a stale window would show). Checked at the end.
      const problems = [];
      await focusView(page);
      await press(page, '+');
      const zoomed = await poll(() => urlWindow(page), (x) => x !== null, '+ zooms');
      await press(page, 'f');
      await waitForView(page, (v) => v.visibleRows === drawn(node.size, capacity), 'f focuses the selected subtree');
      const traceStart = Math.min(...spans.map((x) => x.timestamp));
      const want = { from: node.span.timestamp - traceStart, to: node.span.timestamp - traceStart + node.span.duration };
      const w = urlWindow(page);
      if (!w || Math.abs(w.from - want.from) > 2 || Math.abs(w.to - want.to) > 2) {
        problems.push(`after focusing ${label(node)} the view shows ${want.from}-${want.to}µs but the URL says ${JSON.stringify(w)} (was ${JSON.stringify(zoomed)} before)`);
      }
      await press(page, 'Backspace');
      await waitForView(page, (v) => v.visibleRows === n, 'Backspace shows the whole trace');
      await poll(() => page.isDisabled(sel('zoom-reset')), (d) => d === true, 'whole time axis after Backspace');
      if (urlWindow(page) !== null) problems.push(`back on the whole (unzoomed) trace the URL still says from=${urlState(page).from}&to=${urlState(page).to}`);
      assert.deepEqual(problems, [], 'the URL should describe the zoom window on screen');
    },
  },
  {
    name: 'trace-filter',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickMedium(await allTraces(api));
      const { tree, capacity } = await openTrace(t, api, spans);
      const n = spans.length;

      const check = async (query) => {
        const match = spanFilter(query);
        const matched = tree.order.filter((x) => match(x.span));
        await setFilter(page, query);
        const v = await waitForView(page, (x) => x.matchCount === String(matched.length), `filter "${query}": data-match-count = ${matched.length} (from the API's JSON)`);
        const text = await matchText(page);
        assert.match(text, new RegExp(`^${matched.length} match`), `match-count text "${text}" for "${query}"`);
        assert.equal(urlState(page).q, query, `URL q= holds the filter: ${page.url()}`);
        assert.equal(v.visibleRows, drawn(n, capacity), `dim mode keeps every row for "${query}"`);
        t.note(`"${query}": ${matched.length} matches`);
        return matched;
      };

      // A service that is on some spans but not most of them.
      const services = [...new Set(spans.map((s) => s.localEndpoint?.serviceName).filter(Boolean))];
      const svc = services
        .map((s) => ({ s, c: spans.filter(spanFilter(`service:${s}`)).length }))
        .filter((x) => x.c >= 2 && x.c <= n - 4)
        .sort((a, b) => a.c - b.c)[0]?.s;
      assert.ok(svc, 'a service with a few spans');
      const matched = await check(`service:${svc}`);

      // "only" mode: the matches and their ancestors.
      await page.selectOption(sel('filter-mode'), 'only');
      const kept = withAncestors(tree, (x) => matched.includes(x));
      assert.ok(kept.length < n, 'only-mode must drop rows');
      await waitForView(page, (v) => v.visibleRows === drawn(kept.length, capacity), `"only matches" shows the ${kept.length} matches and ancestors`);
      await page.selectOption(sel('filter-mode'), 'dim');
      await waitForView(page, (v) => v.visibleRows === drawn(n, capacity), '"dim others" shows every row again');

      // Next / previous match walk the matches in display order, wrapping around.
      const next = page.locator('button[title^="Next match"]');
      const prev = page.locator('button[title^="Previous match"]');
      const expectSelected = (node, what) => waitForView(page, (v) => v.selectedSpan === String(node.index), `${what} selects ${label(node)}`);
      await next.click();
      await expectSelected(matched[0], 'next (nothing selected)');
      await next.click();
      await expectSelected(matched[1], 'next again');
      await prev.click();
      await expectSelected(matched[0], 'previous');
      await prev.click();
      await expectSelected(matched[matched.length - 1], 'previous from the first match (wraps)');
      await next.click();
      await expectSelected(matched[0], 'next from the last match (wraps)');

      // More of the language: durations, tags, errors, AND, quoting, free text.
      const durs = spans.map((s) => s.duration).sort((a, b) => a - b);
      await check(`dur>${durs[Math.floor(n / 2)]}us`);
      await check(`dur<=${(durs[Math.floor(n / 3)] / 1000).toFixed(3)}ms`);
      if (spans.some(isError)) await check('is:error');
      const [tk, tv] = Object.entries(spans.find((s) => s.tags?.['rpc.method'])?.tags ?? { 'http.method': 'GET' }).find(([k]) => k === 'rpc.method' || k === 'http.method');
      await check(`${tk}=${tv}`);
      await check(`service:${svc} dur>1ms`);
      await check(spans[n - 1].name.split(/[\s/]/).filter(Boolean).pop());

      // Clearing the filter.
      await setFilter(page, '');
      await waitForView(page, (v) => v.matchCount === '' && v.visibleRows === drawn(n, capacity), 'an empty filter clears data-match-count');
      assert.equal(urlState(page).q, null, `no q= without a filter: ${page.url()}`);
      assert.equal((await matchText(page)).trim(), '', 'match-count text is empty without a filter');
    },
  },
  {
    name: 'trace-filter-error',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickMedium(await allTraces(api));
      const { tree, main, capacity } = await openTrace(t, api, spans);
      const n = spans.length;

      await setFilter(page, 'dur>fast');
      const text = await poll(() => matchText(page), (x) => /fast/.test(x), 'a bad duration shows an error naming the bad value');
      t.note(`dur>fast: "${text}"`);
      assert.match(text, /not a duration/i, `error says what is wrong: "${text}"`);
      assert.match(text, /character 1\b/, `error says where (character 1): "${text}"`);
      await setFilter(page, 'service:api dur>fast');
      const text2 = await poll(() => matchText(page), (x) => /character 13\b/.test(x), 'the error position follows the bad term (character 13)');
      t.note(`service:api dur>fast: "${text2}"`);
      await setFilter(page, 'name:"unclosed');
      await poll(() => matchText(page), (x) => /unclosed quote/i.test(x), 'an unclosed quote is reported');

      // The view still works: rows drawn, a click selects, no error panel.
      const v = await traceView(page);
      assert.equal(v.visibleRows, drawn(n, capacity), 'every row is still drawn after a bad filter');
      await assertCanvasDrawn(page, 'canvas after a bad filter');
      assert.equal(await page.locator(sel('error')).count(), 0, 'a bad filter is not an app error');
      const p = rowPoint(main, 2);
      await page.mouse.click(p.x, p.y);
      await waitForView(page, (x) => x.selectedSpan === String(tree.order[2].index), 'selection still works after a bad filter');

      // And a good filter afterwards works.
      const q = 'is:error';
      const count = spans.filter(isError).length;
      await setFilter(page, q);
      await waitForView(page, (x) => x.matchCount === String(count), `after fixing, "${q}" gives ${count} matches`);
      assert.match(await matchText(page), new RegExp(`^${count} match`), 'the error text is replaced by the count');
    },
  },
  {
    name: 'trace-critical-path',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickMedium(await allTraces(api));
      const { view, main, nw } = await openTrace(t, api, spans);
      const critical = Number(view.criticalPathCount);
      assert.ok(Number.isInteger(critical) && critical > 0 && critical <= spans.length, `data-critical-path-count ${view.criticalPathCount} in 1..${spans.length}`);
      assert.equal(await page.isChecked(sel('critical-toggle')), false, 'the overlay is off at first');

      // Dark line pixels (theme.critical, light theme) in the timeline's rows area.
      const rowsArea = { x: nw + 2, y: RULER_PX, w: main.width - nw - 2, h: spans.length * ROW_PX };
      const rootLine = { x: nw + 2, y: RULER_PX + ROW_PX / 2 - 2, w: main.width - nw - 2, h: 4 };
      const INK = 0x1f2328;
      await pointerAway(page);
      await page.waitForTimeout(150);
      const off = await canvasStats(page);
      const inkOff = await countPixels(page, rowsArea, INK, { tolerance: 12 });
      const rootOff = await countPixels(page, rootLine, INK, { tolerance: 12 });

      await page.check(sel('critical-toggle'));
      const on = await poll(() => canvasStats(page), (s) => s.hash !== off.hash, 'the canvas changes when the critical path is shown');
      const inkOn = await countPixels(page, rowsArea, INK, { tolerance: 12 });
      const rootOn = await countPixels(page, rootLine, INK, { tolerance: 12 });
      t.note(`critical path: ${critical} spans; overlay pixels ${inkOff.match} -> ${inkOn.match}; on the root row ${rootOff.match} -> ${rootOn.match}`);
      assert.ok(inkOn.match >= inkOff.match + critical * 3 * 3, `overlay lines are drawn (${inkOff.match} -> ${inkOn.match} dark pixels)`);
      assert.ok(rootOn.match > rootOff.match + 6, 'the root, always on the critical path, gets a line');

      await page.uncheck(sel('critical-toggle'));
      await poll(() => canvasStats(page), (s) => s.hash === off.hash, 'turning the overlay off restores the picture');
      await focusView(page);
      await press(page, 'c');
      await poll(() => page.isChecked(sel('critical-toggle')), (c) => c === true, 'the c key turns the overlay on (checkbox follows)');
      await poll(() => canvasStats(page), (s) => s.hash === on.hash, 'c draws the same overlay');

      // The filter's is:critical picks the same spans.
      await setFilter(page, 'is:critical');
      await waitForView(page, (v) => v.matchCount === String(critical), `filter is:critical should match the ${critical} spans of data-critical-path-count`);
    },
  },
  {
    name: 'trace-zoom',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickShowcase(await allTraces(api));
      const { main, nw, total } = await openTrace(t, api, spans);
      const tw = main.width - nw;
      const tol = total * 0.01;
      const near = (a, b) => Math.abs(a - b) <= tol;
      assert.equal(await page.isDisabled(sel('zoom-reset')), true, 'zoom-reset is disabled at first');
      assert.equal(urlWindow(page), null, 'no from/to at first');
      await pointerAway(page);
      const before = await canvasStats(page);

      // Brushing the ruler from 25% to 50% of the timeline zooms into that range.
      await drag(page, { x: main.x + nw + 0.25 * tw, y: main.y + 14 }, { x: main.x + nw + 0.5 * tw, y: main.y + 14 });
      let w = await poll(() => urlWindow(page), (x) => x !== null, 'a ruler brush writes from/to to the URL');
      t.note(`brush: ${JSON.stringify(w)} of ${total}µs`);
      assert.ok(near(w.from, 0.25 * total) && near(w.to, 0.5 * total), `brushed window ${JSON.stringify(w)} should be [${0.25 * total}, ${0.5 * total}]`);
      assert.equal(await page.isDisabled(sel('zoom-reset')), false, 'zoom-reset is enabled when zoomed');
      await pointerAway(page);
      await poll(() => canvasStats(page), (s) => s.hash !== before.hash, 'the canvas is redrawn zoomed');
      assert.equal((await traceView(page)).selectedSpan, '', 'brushing selects nothing');

      await page.click(sel('zoom-reset'));
      await poll(() => urlWindow(page), (x) => x === null, 'zoom-reset removes from/to');
      assert.equal(await page.isDisabled(sel('zoom-reset')), true, 'zoom-reset is disabled again');
      await pointerAway(page);
      await poll(() => canvasStats(page), (s) => s.hash === before.hash, 'zoom-reset restores the picture');

      // Ctrl+wheel zooms in around the pointer: the time under it stays put.
      const ax = 0.4;
      await page.mouse.move(main.x + nw + ax * tw, main.y + main.height / 2);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -300);
      await page.keyboard.up('Control');
      w = await poll(() => urlWindow(page), (x) => x !== null, 'ctrl+wheel zooms (from/to in the URL)');
      const factor = 1.0015 ** -300;
      t.note(`ctrl+wheel: ${JSON.stringify(w)}; expected width ${(factor * total).toFixed(0)}`);
      assert.ok(w.to - w.from < total * 0.9, `ctrl+wheel up zooms in: ${JSON.stringify(w)}`);
      const anchor = w.from + ax * (w.to - w.from);
      assert.ok(near(anchor, ax * total), `the time under the pointer stays (${anchor.toFixed(0)} vs ${(ax * total).toFixed(0)})`);
      assert.equal(urlState(page).span, null, 'ctrl+wheel selects nothing');
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, 300);
      await page.keyboard.up('Control');
      await poll(() => urlWindow(page), (x) => x === null || x.to - x.from >= total * 0.999, 'ctrl+wheel down zooms back out');

      // + and - keys zoom around the middle by 0.7.
      if (!(await page.isDisabled(sel('zoom-reset')))) await page.click(sel('zoom-reset'));
      await focusView(page);
      await press(page, '+');
      w = await poll(() => urlWindow(page), (x) => x !== null, '+ zooms in');
      assert.ok(near(w.to - w.from, 0.7 * total) && near(w.from, 0.15 * total), `+ shows the middle 70%: ${JSON.stringify(w)}`);
      await press(page, '+');
      w = await poll(() => urlWindow(page), (x) => x && near(x.to - x.from, 0.49 * total), '+ twice shows 49%');
      await press(page, '-');
      await poll(() => urlWindow(page), (x) => x && near(x.to - x.from, 0.7 * total), '- zooms out by the same step');
      await press(page, '0');
      await poll(() => urlWindow(page), (x) => x === null, '0 resets the zoom');
      assert.equal(await page.isDisabled(sel('zoom-reset')), true, 'zoom-reset disabled after 0');
    },
  },
  {
    name: 'trace-pan',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickBig(await allTraces(api));
      const { main, nw, total } = await openTrace(t, api, spans);
      const tw = main.width - nw;
      const tol = total * 0.005;
      await focusView(page);
      await press(page, '+');
      await press(page, '+');
      let w0 = await poll(() => urlWindow(page), (x) => x && Math.abs(x.to - x.from - 0.49 * total) < tol * 2, 'zoomed to 49%');
      const perPx = (w0.to - w0.from) / tw;

      // l / h pan by 80 px of the timeline.
      await press(page, 'l');
      let w = await poll(() => urlWindow(page), (x) => x && x.from > w0.from, 'l pans later');
      assert.ok(Math.abs(w.from - w0.from - 80 * perPx) <= tol, `l moves by 80 px (${(80 * perPx).toFixed(0)}µs), moved ${(w.from - w0.from).toFixed(0)}µs`);
      assert.ok(Math.abs(w.to - w.from - (w0.to - w0.from)) <= 1, 'panning keeps the window width');
      await press(page, 'h');
      w = await poll(() => urlWindow(page), (x) => x && Math.abs(x.from - w0.from) <= 1, 'h pans back');
      await press(page, 'Shift+ArrowRight');
      await poll(() => urlWindow(page), (x) => x && x.from > w0.from + perPx, 'shift+→ pans later');
      await press(page, 'Shift+ArrowLeft');
      w0 = await poll(() => urlWindow(page), (x) => x && Math.abs(x.from - w0.from) <= 1, 'shift+← pans back');

      // Shift+wheel pans.
      await page.mouse.move(main.x + nw + tw / 2, main.y + main.height / 2);
      await page.keyboard.down('Shift');
      await page.mouse.wheel(0, 120);
      await page.keyboard.up('Shift');
      w = await poll(() => urlWindow(page), (x) => x && x.from > w0.from, 'shift+wheel pans');
      assert.ok(Math.abs(w.from - w0.from - 120 * perPx) <= tol, `shift+wheel 120 px pans by ${(120 * perPx).toFixed(0)}µs, moved ${(w.from - w0.from).toFixed(0)}µs`);
      assert.equal((await traceView(page)).firstRow, 0, 'shift+wheel does not scroll rows');

      // Dragging the body pans time and scrolls rows.
      w0 = w;
      const start = { x: main.x + nw + tw / 2, y: main.y + RULER_PX + 10 * ROW_PX };
      await drag(page, start, { x: start.x - 150, y: start.y - 3 * ROW_PX }, { steps: 10 });
      w = await poll(() => urlWindow(page), (x) => x && x.from > w0.from, 'dragging left pans later');
      assert.ok(Math.abs(w.from - w0.from - 150 * perPx) <= tol, `a 150 px drag pans by ${(150 * perPx).toFixed(0)}µs, moved ${(w.from - w0.from).toFixed(0)}µs`);
      const v = await waitForView(page, (x) => x.firstRow === 3, 'dragging up by 3 rows scrolls 3 rows');
      assert.equal(v.selectedSpan, '', 'a drag does not select');

      // Panning stops at the trace's ends.
      await focusView(page);
      for (let i = 0; i < 40; i += 1) await press(page, 'h');
      w = await poll(() => urlWindow(page), (x) => x && x.from === 0, 'panning far left stops at the trace start');
      for (let i = 0; i < 40; i += 1) await press(page, 'l');
      w = await poll(() => urlWindow(page), (x) => x && Math.abs(x.to - total) <= 1, 'panning far right stops at the trace end');

      // End / Home / PageDown / Space scroll the rows.
      await press(page, 'End');
      const end = await waitForView(page, (x) => x.firstRow >= spans.length - x.visibleRows - 1 && x.firstRow > 0, 'End scrolls to the last rows');
      await press(page, 'Home');
      await waitForView(page, (x) => x.firstRow === 0, 'Home scrolls to the top');
      await press(page, 'PageDown');
      const pd = await waitForView(page, (x) => x.firstRow > 0, 'PageDown scrolls a page');
      assert.ok(Math.abs(pd.firstRow - (end.visibleRows - 2)) <= 2, `PageDown scrolls about a screen (${pd.firstRow} rows, ${end.visibleRows} drawn)`);
      await press(page, ' ');
      await waitForView(page, (x) => x.firstRow > pd.firstRow, 'Space scrolls another page');

      // A body drag released outside the canvas keeps the pan, and the URL says so.
      await press(page, 'Home');
      w0 = await poll(() => urlWindow(page), (x) => x !== null, 'still zoomed');
      const s2 = { x: main.x + nw + tw / 2, y: main.y + RULER_PX + 5 * ROW_PX };
      await page.mouse.move(s2.x, s2.y);
      await page.mouse.down();
      for (let i = 1; i <= 5; i += 1) await page.mouse.move(s2.x + i * 30, s2.y);
      for (let i = 1; i <= 5; i += 1) await page.mouse.move(s2.x + 150, s2.y - i * 120); // up, out of the canvas
      await page.mouse.up();
      await page.waitForTimeout(200);
      const wOut = urlWindow(page);
      const shown = await shownWindow(page);
      t.note(`drag right by 150 px released above the canvas: URL window ${JSON.stringify(w0)} -> ${JSON.stringify(wOut)}; the view shows ${JSON.stringify(shown)}`);
      assert.ok(Math.abs(w0.from - shown.from - 150 * perPx) <= tol, `the drag panned the view by 150 px: ${JSON.stringify(w0)} -> ${JSON.stringify(shown)}`);
      assert.ok(
        wOut && Math.abs(w0.from - wOut.from - 150 * perPx) <= tol,
        `a 150 px drag to the right, released outside the canvas, panned the view to ${JSON.stringify(shown)} but the URL still says ${JSON.stringify(wOut)}`,
      );
    },
  },
  {
    name: 'trace-minimap',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickBig(await allTraces(api));
      const { main, mini, total, capacity } = await openTrace(t, api, spans);
      const W = mini.width;
      const tol = total * 0.01;
      const near = (a, b) => Math.abs(a - b) <= tol;
      const rows = spans.length;
      assert.ok(rows > 3 * capacity, 'a trace much taller than the screen');
      const miniStats = () => page.evaluate((s) => {
        const c = document.querySelector(s);
        return c ? c.toDataURL().length + ':' + c.width : null;
      }, sel('minimap'));
      assert.ok(mini.height >= 50 && mini.height <= 60, `minimap is 56 px tall (${mini.height})`);
      const shot0 = await miniStats();

      // Moving the viewport box down scrolls the rows.
      const by1 = (((main.height - RULER_PX) / ROW_PX) / rows) * 56;
      const grab = { x: mini.x + W / 2, y: mini.y + Math.max(1, by1 / 2) };
      await drag(page, grab, { x: grab.x, y: grab.y + 20 });
      const expectedFirst = Math.floor((20 / 56) * rows);
      const v = await waitForView(page, (x) => Math.abs(x.firstRow - expectedFirst) <= 2, `dragging the minimap box 20 px down scrolls to row ≈${expectedFirst} of ${rows}`);
      t.note(`minimap vertical drag: first row ${v.firstRow} (expected ≈${expectedFirst})`);
      assert.equal(urlWindow(page), null, 'a vertical move does not zoom');
      assert.notEqual(await miniStats(), shot0, 'the minimap box is redrawn');

      // Its right edge resizes the time window.
      await drag(page, { x: mini.x + W - 2, y: mini.y + 30 }, { x: mini.x + W / 2, y: mini.y + 30 });
      let w = await poll(() => urlWindow(page), (x) => x !== null, 'dragging the right edge zooms');
      assert.ok(near(w.from, 0) && near(w.to, total / 2), `right edge to the middle: window ${JSON.stringify(w)} should be [0, ${total / 2}]`);
      assert.equal(await page.isDisabled(sel('zoom-reset')), false, 'zoom-reset enabled');

      // Moving the box sideways pans.
      await drag(page, { x: mini.x + W / 4, y: mini.y + 30 }, { x: mini.x + W / 4 + 100, y: mini.y + 30 });
      w = await poll(() => urlWindow(page), (x) => x && x.from > tol, 'moving the box right pans');
      assert.ok(near(w.from, (100 / W) * total) && near(w.to - w.from, total / 2), `box moved 100 px: window ${JSON.stringify(w)} should start at ${((100 / W) * total).toFixed(0)}`);

      // Its left edge too.
      const leftEdge = (w.from / total) * W;
      await drag(page, { x: mini.x + leftEdge + 1, y: mini.y + 30 }, { x: mini.x + leftEdge + 1 + 0.1 * W, y: mini.y + 30 });
      const w2 = await poll(() => urlWindow(page), (x) => x && x.from > w.from + tol, 'dragging the left edge right narrows the window');
      assert.ok(near(w2.to, w.to), `the right end stays (${w2.to} vs ${w.to})`);
      assert.ok(near(w2.from, w.from + 0.1 * total), `left edge moved by 10%: ${JSON.stringify(w2)}`);

      // Brushing outside the box zooms to the brushed range.
      await drag(page, { x: mini.x + 0.8 * W, y: mini.y + 30 }, { x: mini.x + 0.95 * W, y: mini.y + 30 });
      w = await poll(() => urlWindow(page), (x) => x && near(x.from, 0.8 * total), 'a minimap brush zooms to its range');
      assert.ok(near(w.to, 0.95 * total), `brush 80%-95%: ${JSON.stringify(w)}`);

      // A click outside the box centres the window there.
      await page.mouse.click(mini.x + 0.2 * W, mini.y + 30);
      w = await poll(() => urlWindow(page), (x) => x && x.from < 0.5 * total, 'a minimap click centres the window');
      assert.ok(near((w.from + w.to) / 2, 0.2 * total) && near(w.to - w.from, 0.15 * total), `centred at 20%, width 15%: ${JSON.stringify(w)}`);

      // A drag released outside the 56 px strip keeps what it did, and the URL and the reset
      // button agree with the view.
      await page.click(sel('zoom-reset'));
      await poll(() => urlWindow(page), (x) => x === null, 'zoom reset');
      await page.mouse.move(mini.x + W - 2, mini.y + 30);
      await page.mouse.down();
      for (let i = 1; i <= 8; i += 1) await page.mouse.move(mini.x + W - 2 - (i * 0.4 * W) / 8, mini.y + 30);
      for (let i = 1; i <= 4; i += 1) await page.mouse.move(mini.x + 0.6 * W, mini.y + 30 + i * 25); // down onto the main canvas
      await page.mouse.up();
      await pointerAway(page);
      await page.waitForTimeout(200);
      const resetEnabled = !(await page.isDisabled(sel('zoom-reset')));
      const after = urlWindow(page);
      const shown = await shownWindow(page);
      t.note(`edge drag released below the minimap: zoom-reset enabled=${resetEnabled}, URL window ${JSON.stringify(after)}; the view shows ${JSON.stringify(shown)}`);
      assert.ok(
        resetEnabled && after && near(after.to, 0.6 * total) && near(after.from, 0),
        `after resizing the minimap box to 60% and releasing below the minimap, the view is zoomed to [0, ${0.6 * total}]; ` +
          `the URL should say so and zoom-reset be enabled (URL window ${JSON.stringify(after)}, zoom-reset enabled: ${resetEnabled})`,
      );
    },
  },
  {
    name: 'trace-url-state',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickMedium(await allTraces(api));
      const { tree, main, nw, total } = await openTrace(t, api, spans);
      const svc = spans[spans.length - 1].localEndpoint.serviceName;
      const query = `service:${svc}`;
      const count = spans.filter(spanFilter(query)).length;
      await setFilter(page, query);
      await waitForView(page, (v) => v.matchCount === String(count), `filter ${query}`);
      const row = 4;
      const p = rowPoint(main, row);
      await page.mouse.click(p.x, p.y);
      await waitForView(page, (v) => v.selectedSpan === String(tree.order[row].index), 'row selected');
      const spanId = urlSpanId(tree.order[row].span.id);
      await poll(() => urlState(page).span, (s) => s === spanId, 'the URL names the selected span by its id');
      const { main: main2 } = await boxes(page); // the detail panel narrows the canvas
      const tw = main2.width - nw;
      await drag(page, { x: main2.x + nw + 0.2 * tw, y: main2.y + 12 }, { x: main2.x + nw + 0.6 * tw, y: main2.y + 12 });
      const w = await poll(() => urlWindow(page), (x) => x !== null, 'zoomed');
      assert.ok(w.to - w.from < total, 'zoomed in');
      const url = page.url();
      const s = urlState(page);
      t.note(`shared URL: ${url}`);
      assert.equal(s.q, query);
      assert.equal(s.span, spanId);

      // The same URL in a fresh page reproduces the view.
      const fresh = await t.browser.newContext({ viewport: page.viewportSize() });
      try {
        const p2 = await fresh.newPage();
        t.watch(p2);
        await p2.goto(url);
        await waitForTraceView(p2, { traceId: spans[0].traceId });
        const v2 = await waitForView(
          p2,
          (v) => v.selectedSpan === String(tree.order[row].index) && v.matchCount === String(count),
          `a reloaded link restores selection (span ${s.span}) and filter (${count} matches)`,
        );
        assert.equal(await p2.inputValue(sel('trace-filter')), query, 'the filter input shows the query');
        assert.equal((await waitForDetail(p2, String(tree.order[row].index))).fields['Span ID'], tree.order[row].span.id, 'the detail panel shows the span');
        await poll(() => p2.isDisabled(sel('zoom-reset')), (d) => d === false, 'the view is zoomed (zoom-reset enabled)');
        const s2 = urlState(p2);
        assert.deepEqual(s2, s, `the URL keeps every parameter: ${p2.url()}`);
        t.note(`restored: selected ${v2.selectedSpan}, ${v2.matchCount} matches, window ${s2.from}-${s2.to}`);
      } finally {
        await fresh.close();
      }
    },
  },
  {
    name: 'trace-history',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const traces = await allTraces(api);
      const spans = pickMedium(traces);
      const id = spans[0].traceId;
      await openApp(t, { api });
      await waitForServiceOptions(page);
      await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
      await waitForTraceList(page, traces.length);
      await page.click(`${sel('trace-row')}[data-trace-id="${id}"]`);
      const { tree, main } = await openTrace(t, api, spans, { page });

      // Filter (an edit is one history entry), select by click (another), zoom by key (in
      // place: continuous changes do not pile up entries).
      const errors = String(spans.filter(isError).length);
      await setFilter(page, 'is:error');
      await waitForView(page, (v) => v.matchCount === errors, 'filter applied');
      const p = rowPoint(main, 2);
      await page.mouse.click(p.x, p.y);
      const selected = String(tree.order[2].index);
      await waitForView(page, (v) => v.selectedSpan === selected, 'row selected');
      await poll(() => urlState(page).span, (s) => s === urlSpanId(tree.order[2].span.id), 'the click is in the URL');
      await focusView(page);
      await press(page, '+');
      await poll(() => urlWindow(page), (x) => x !== null, 'zoomed');
      const traceUrl = page.url();
      const params = (u) => Object.fromEntries([...new URL(u).searchParams].sort());

      // Back undoes one step at a time within the trace: the selection (and the zoom made
      // with it), then the filter; the view follows the URL each time.
      await page.goBack();
      await waitForView(page, (v) => v.selectedSpan === '' && v.matchCount === errors, `back: no selection, filter kept (${page.url()})`);
      assert.deepEqual([urlState(page).span, urlState(page).q, urlWindow(page)], [null, 'is:error', null], `back: the URL before the click: ${page.url()}`);
      await poll(() => page.isDisabled(sel('zoom-reset')), (d) => d === true, 'back: the zoom is undone');
      assert.equal(await page.locator(sel('span-detail')).count(), 0, 'back: the detail panel closes');
      await page.goBack();
      await waitForView(page, (v) => v.matchCount === '', 'back again: no filter');
      assert.equal(await page.inputValue(sel('trace-filter')), '', 'the filter input is emptied');

      // One more step back is the search view, with its list.
      await page.goBack();
      await page.locator(sel('search-form')).waitFor({ state: 'visible' });
      await poll(() => page.locator(sel('trace-view')).count(), (c) => c === 0, 'browser back leaves the trace view');
      const q = urlState(page);
      assert.deepEqual([q.trace, q.span, q.q, q.from, q.to], [null, null, null, null, null], `the search URL holds no trace state: ${page.url()}`);
      await waitForTraceList(page, traces.length);
      assert.equal((await traceList(page)).ids.includes(id), true);

      // Forward three times: the trace view as it was left.
      await page.goForward();
      await waitForTraceView(page, { traceId: id });
      await page.goForward();
      await waitForView(page, (v) => v.matchCount === errors && v.selectedSpan === '', 'forward: the filter again');
      await page.goForward();
      await waitForView(page, (v) => v.selectedSpan === selected && v.matchCount === errors, 'forward restores selection and filter');
      assert.deepEqual(params(page.url()), params(traceUrl), 'forward returns to the URL the view was left at');
      await poll(() => page.isDisabled(sel('zoom-reset')), (d) => d === false, `forward restores the zoom of ${page.url()} (zoom-reset enabled)`);
      await waitForDetail(page, selected, 'forward reopens the detail panel');
    },
  },
  {
    name: 'trace-keyboard',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickMedium(await allTraces(api));
      const { tree, capacity } = await openTrace(t, api, spans);
      const n = spans.length;
      const problems = [];
      const sel0 = (row, what) => waitForView(page, (v) => v.selectedSpan === String(tree.order[row].index), `${what} selects row ${row} (${label(tree.order[row])})`);
      await focusView(page);

      // Selection moves with j/k and the arrows.
      await press(page, 'j');
      await sel0(0, 'j with nothing selected');
      await press(page, 'j');
      await sel0(1, 'j');
      await press(page, 'ArrowDown');
      await sel0(2, '↓');
      await press(page, 'k');
      await sel0(1, 'k');
      await press(page, 'ArrowUp');
      await sel0(0, '↑');
      await press(page, 'ArrowUp');
      await sel0(0, '↑ on the first row');

      // ← collapses the selected span, → expands it.
      await press(page, 'ArrowLeft');
      await waitForView(page, (v) => v.collapsedCount === '1' && v.visibleRows === 1, '← collapses the selected root');
      await press(page, 'ArrowRight');
      await waitForView(page, (v) => v.collapsedCount === '0' && v.visibleRows === drawn(n, capacity), '→ expands it');

      // f focuses the selected subtree, Backspace goes back.
      const row = tree.order.findIndex((x) => x.depth >= 1 && x.size >= 3);
      for (let i = 0; i < row; i += 1) await press(page, 'j');
      await sel0(row, `${row} × j`);
      await press(page, 'f');
      await waitForView(page, (v) => v.visibleRows === drawn(tree.order[row].size, capacity), 'f focuses the subtree');
      await page.locator(sel('focus-breadcrumb')).waitFor({ state: 'visible' });
      await press(page, 'Backspace');
      await waitForView(page, (v) => v.visibleRows === drawn(n, capacity), 'Backspace shows the whole trace');
      await poll(() => page.locator(sel('focus-breadcrumb')).count(), (c) => c === 0, 'breadcrumb gone after Backspace');

      // c toggles the critical path.
      await press(page, 'c');
      await poll(() => page.isChecked(sel('critical-toggle')), (c) => c, 'c checks critical-toggle');
      await press(page, 'c');
      await poll(() => page.isChecked(sel('critical-toggle')), (c) => !c, 'c again unchecks it');

      // + zooms, 0 resets.
      await press(page, '+');
      await poll(() => page.isDisabled(sel('zoom-reset')), (d) => !d, '+ zooms in');
      await press(page, '0');
      await poll(() => page.isDisabled(sel('zoom-reset')), (d) => d, '0 resets the zoom');

      // ? shows the shortcut list; ? again or Esc hides it.
      await press(page, '?');
      const list = page.locator(sel('shortcuts'));
      await list.waitFor({ state: 'visible' });
      const text = await list.innerText();
      for (const k of [/j k/, /Esc/, /\//, /\bn\s+N\b/, /Backspace/, /\?/]) assert.match(text, k, 'the shortcut list names the key');
      await press(page, '?');
      await poll(() => list.count(), (c) => c === 0, '? again hides the list');
      await press(page, '?');
      await list.waitFor({ state: 'visible' });
      await press(page, 'Escape');
      await poll(() => list.count(), (c) => c === 0, 'Esc hides the list');
      assert.equal((await traceView(page)).selectedSpan, String(tree.order[row].index), 'Esc closing the list keeps the selection');

      // / focuses the filter; typing filters; Esc leaves the input; n / N step through matches.
      await press(page, '/');
      await poll(() => page.evaluate((s) => document.activeElement === document.querySelector(s), sel('trace-filter')), (x) => x, '/ focuses the filter');
      assert.equal(await page.inputValue(sel('trace-filter')), '', '/ is not typed into the filter');
      const query = 'is:error';
      const matched = tree.order.filter((x) => isError(x.span));
      assert.ok(matched.length >= 2, 'the trace has two errors or more');
      await page.keyboard.type(query);
      await waitForView(page, (v) => v.matchCount === String(matched.length), `typing "${query}" filters`);
      // Esc in the filter should hand the keyboard back (the app's key handler blurs the input
      // on Escape). Checked softly so the steps below still run; the test fails at the end.
      await press(page, 'Escape');
      await page.waitForTimeout(200);
      const afterEsc = await page.evaluate((s) => ({
        focused: document.activeElement === document.querySelector(s),
        value: document.querySelector(s).value,
      }), sel('trace-filter'));
      if (afterEsc.focused) problems.push('Esc in the filter input leaves the focus in the input (expected: blurred, shortcuts work again)');
      if (afterEsc.value !== query) {
        // Chromium's type=search clears itself on Esc: fine if the view follows (no filter left).
        const v = await traceView(page);
        t.note(`Esc in the filter: input emptied; data-match-count "${v.matchCount}", URL q=${urlState(page).q}`);
        if (v.matchCount !== '' || urlState(page).q !== null) {
          problems.push(`Esc emptied the filter input but the view still filters (data-match-count "${v.matchCount}", q=${urlState(page).q})`);
        }
        await setFilter(page, query);
      }
      await waitForView(page, (v) => v.matchCount === String(matched.length), `filter "${query}" still applied`);
      await focusView(page);
      const after = matched.find((x) => tree.order.indexOf(x) > row) ?? matched[0];
      await press(page, 'n');
      await waitForView(page, (v) => v.selectedSpan === String(after.index), `n selects the next match after row ${row} (${label(after)})`);
      await press(page, 'N');
      const before = [...matched].reverse().find((x) => tree.order.indexOf(x) < tree.order.indexOf(after)) ?? matched[matched.length - 1];
      await waitForView(page, (v) => v.selectedSpan === String(before.index), `N selects the previous match (${label(before)})`);

      // Esc clears the filter first, then the selection.
      await press(page, 'Escape');
      await waitForView(page, (v) => v.matchCount === '', 'Esc clears the filter');
      assert.equal(await page.inputValue(sel('trace-filter')), '', 'the input is emptied');
      await press(page, 'Escape');
      await waitForView(page, (v) => v.selectedSpan === '', 'Esc again clears the selection');
      await poll(() => page.locator(sel('span-detail')).count(), (c) => c === 0, 'and closes the detail panel');
      assert.deepEqual(problems, [], 'keyboard problems found above');
    },
  },
  {
    name: 'trace-themes',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const spans = pickShowcase(await allTraces(api));
      const { tree, main } = await openTrace(t, api, spans);
      const app = page.locator(sel('app'));
      assert.equal(await app.getAttribute('data-theme'), 'light', 'light theme by default (headless prefers light)');
      const row = Math.min(3, spans.length - 1);
      const p = rowPoint(main, row);
      await page.mouse.click(p.x, p.y);
      await waitForDetail(page, tree.order[row].index);
      await page.check(sel('critical-toggle'));
      await pointerAway(page);
      // The ruler's left end (no tick labels there): its background follows the theme.
      const bg = () => averageColour(page, { x: 2, y: 2, w: 20, h: 6 });
      const lum = ([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      await page.waitForTimeout(200);
      const light = await bg();
      assert.ok(lum(light) > 0.7, `the light canvas is light (${light})`);
      await t.screenshot('trace-light');

      await page.click(sel('theme-toggle'));
      await poll(() => app.getAttribute('data-theme'), (x) => x === 'dark', 'theme-toggle switches data-theme to dark');
      const dark = await poll(bg, (c) => lum(c) < 0.3, 'the canvas is repainted dark');
      const pageBg = await page.evaluate(() => getComputedStyle(document.querySelector('.app')).backgroundColor);
      t.note(`canvas ruler light ${light} -> dark ${dark}; page background ${pageBg}`);
      assert.ok(/rgb\((\d+), (\d+), (\d+)\)/.test(pageBg) && lum(pageBg.match(/\d+/g).map(Number)) < 0.3, `the page background is dark (${pageBg})`);
      await t.screenshot('trace-dark');

      await page.click(sel('theme-toggle'));
      await poll(() => app.getAttribute('data-theme'), (x) => x === 'light', 'and back to light');
      await poll(bg, (c) => lum(c) > 0.7, 'the canvas is repainted light');

      // ?theme=dark opens dark.
      await page.goto(`${page.url()}&theme=dark`);
      await waitForTraceView(page, { traceId: spans[0].traceId });
      await poll(() => app.getAttribute('data-theme'), (x) => x === 'dark', '?theme=dark opens in the dark theme');
      await poll(bg, (c) => lum(c) < 0.3, 'and the canvas is dark');
    },
  },
];
