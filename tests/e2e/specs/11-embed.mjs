// Embedding: the URL parameters of embed mode, and the three example dashboards in
// examples/ (iframe + postMessage, the JS API, the <tracescope-view> element), each served
// from another origin than tracescope, as a dashboard would be.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, poll, sel, traceView, waitForError, waitForTraceView } from '../lib/app.mjs';
import { allTraces } from '../lib/data.mjs';
import { REPO_ROOT, fixture, requireDist } from '../lib/env.mjs';
import { spanTree } from '../lib/tree.mjs';
import { boxes, rowPoint } from '../lib/waterfall.mjs';

const EXAMPLES = path.join(REPO_ROOT, 'examples');

/** A trace with one root that has children, and its tree. */
async function pickTrace(server) {
  const traces = await allTraces(server);
  for (const spans of traces) {
    const tree = spanTree(spans);
    if (tree.roots.length === 1 && tree.roots[0].children.length >= 2 && spans.length >= 8) {
      return { id: spans[0].traceId, spans, tree };
    }
  }
  throw new Error('no sample trace with a single root and children');
}

/**
 * tracescope (with its own sample API) on one origin, allowing `allowed` origins to exchange
 * messages and sending CORS headers on its files; returns the server.
 */
async function tracescopeAllowing(t, allowed) {
  const dir = await t.tmpDir();
  cpSync(requireDist(), dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ api: '', embed: { allowedOrigins: allowed } }));
  return t.servers.start([
    '--static', dir, '--samples', '12', '--seed', '3', '--static-header', 'Access-Control-Allow-Origin: *',
  ]);
}

/** The events the example page logged, oldest first: [{type, text}]. */
function events(page) {
  return page.$$eval('#events li', (lis) => lis.map((li) => ({ type: li.dataset.type, text: li.textContent })).reverse());
}

function waitForEvent(page, type, message = `the dashboard should receive ${type}`) {
  return poll(() => events(page), (es) => es.some((e) => e.type === type), message);
}

/** Clicks the second row of the waterfall inside `scope` (the page or a frame). */
async function clickSecondRow(page, scope) {
  const { main } = await boxes(scope);
  const p = rowPoint(main, 1);
  await page.mouse.click(p.x, p.y);
}

/** The span-select of the last click, the logs link, and their agreement with the trace. */
async function checkSpanSelect(page, trace) {
  await waitForEvent(page, 'span-select');
  const href = await page.getAttribute('#logs-link', 'href');
  const url = new URL(href);
  assert.equal(url.searchParams.get('traceId'), trace.id, 'the logs link names the trace');
  const spanId = url.searchParams.get('spanId');
  assert.ok(trace.spans.some((s) => s.id === spanId), `the logs link names a span of the trace (${spanId})`);
}

/** The number of spans whose service is `service` (the filter `service:NAME` matches them). */
function countService(trace, service) {
  return trace.spans.filter((s) => s.localEndpoint?.serviceName === service).length;
}

export default [
  {
    name: 'embed-params',
    async run(t) {
      const { page } = t;
      const app = await t.shared.app();
      const trace = await pickTrace(app);
      const q = new URLSearchParams({
        embed: '1', hide: 'minimap,detail,summary,search', collapse: '1', theme: 'dark', trace: trace.id,
      });
      await page.goto(`${app.url}/index.html?${q}`);
      const view = await waitForTraceView(page, { traceId: trace.id });
      const root = await page.locator(sel('app'));
      assert.equal(await root.getAttribute('data-embed'), 'true');
      assert.equal(await root.getAttribute('data-hide'), 'minimap,search,detail,summary');
      assert.equal(await root.getAttribute('data-theme'), 'dark', 'theme=dark');
      assert.equal(await page.locator('header.top').isVisible(), false, 'embed=1 hides the header');
      assert.equal(await page.locator(sel('minimap')).isVisible(), false, 'hide=minimap');
      assert.equal(await page.locator('header.trace-header').isVisible(), false, 'hide=summary');
      assert.equal(await page.locator(sel('back-to-search')).isVisible(), false, 'hide=search');
      // collapse=1: the root and its children, each child collapsed.
      assert.equal(view.visibleRows, 1 + trace.tree.roots[0].children.length, 'collapse=1 shows the root and its children');
      await clickSecondRow(page, page);
      await poll(() => traceView(page), (v) => v.selectedSpan !== '', 'a click selects a span');
      assert.equal(await page.locator(sel('span-detail')).count(), 0, 'hide=detail');

      // filter= applies the in-trace filter.
      const service = trace.spans[0].localEndpoint.serviceName;
      await page.goto(`${app.url}/index.html?embed=1&filter=${encodeURIComponent(`service:${service}`)}&trace=${trace.id}`);
      await poll(() => traceView(page), (v) => v?.ready === 'true' && Number(v.matchCount) === countService(trace, service), 'filter= matches');

      // span= names a span by its id (any case, leading zeros optional): the deepest span of
      // the last branch is selected, its collapsed ancestors expanded.
      const deep = [...trace.tree.order].reverse().find((n) => n.depth >= 2);
      assert.ok(deep, 'the trace has a span two levels down');
      const shortId = deep.span.id.replace(/^0+(?=.)/, '').toUpperCase();
      await page.goto(`${app.url}/index.html?embed=1&collapse=1&trace=${trace.id}&span=${shortId}`);
      const chosen = await poll(() => traceView(page), (v) => v?.selectedSpan === String(deep.index), `span=${shortId} selects ${deep.span.name} (span ${deep.index})`);
      assert.ok(Number(chosen.visibleRows) > 1 + trace.tree.roots[0].children.length, 'its collapsed ancestors are expanded');
      const detail = await page.locator(sel('span-detail')).getAttribute('data-span');
      assert.equal(detail, String(deep.index), 'the detail panel shows it');
      assert.equal(new URL(page.url()).searchParams.get('span'), shortId, 'the link is kept as given');

      // A bad value is reported, the others still apply.
      await page.goto(`${app.url}/index.html?embed=1&hide=minimap,sidebar&trace=${trace.id}`);
      const text = await waitForError(page);
      assert.match(text, /hide="sidebar" was ignored: expected one of minimap, search, detail, summary/);
      await waitForTraceView(page, { traceId: trace.id });
      assert.equal(await page.locator(sel('minimap')).isVisible(), false, 'the valid part of hide= applies');
    },
  },
  {
    name: 'embed-iframe',
    async run(t) {
      const { page } = t;
      const host = await t.servers.start(['--static', EXAMPLES]);
      const stranger = await t.servers.start(['--static', EXAMPLES]);
      const app = await tracescopeAllowing(t, [host.url]);
      const trace = await pickTrace(app);

      await page.goto(`${host.url}/iframe.html?tracescope=${encodeURIComponent(`${app.url}/`)}&trace=${trace.id}`);
      const frame = page.frameLocator(sel('embed-frame'));
      const inner = page.frames().find((f) => f.url().startsWith(app.url));
      assert.ok(inner, 'the iframe loads tracescope');
      await waitForTraceView(inner, { traceId: trace.id });
      await waitForEvent(page, 'trace-load');
      const load = (await events(page)).find((e) => e.type === 'trace-load');
      assert.ok(load.text.includes(trace.id), `trace-load names the trace: ${load.text}`);
      assert.equal(await frame.locator('header.top').isVisible(), false, 'embed=1 in the iframe URL');

      await clickSecondRow(page, inner);
      await checkSpanSelect(page, trace);
      await t.screenshot('embed-iframe-dashboard');

      // A command from the dashboard: setFilter.
      const service = trace.spans[0].localEndpoint.serviceName;
      await page.fill('#filter', `service:${service}`);
      await page.click('#filter-form button');
      const expected = countService(trace, service);
      await poll(() => traceView(inner), (v) => Number(v.matchCount) === expected, `setFilter by postMessage matches ${expected} spans`);

      // A page on an origin the deployment does not allow: no events reach it, its
      // commands are ignored (the app warns on the console).
      await page.goto(`${stranger.url}/iframe.html?tracescope=${encodeURIComponent(`${app.url}/`)}&trace=${trace.id}`);
      const other = page.frames().find((f) => f.url().startsWith(app.url));
      await waitForTraceView(other, { traceId: trace.id });
      await page.fill('#filter', `service:${service}`);
      await page.click('#filter-form button');
      await clickSecondRow(page, other);
      await poll(() => traceView(other), (v) => v.selectedSpan !== '', 'the click selects a span');
      // The app posts its events right after the selection's detail arrives; give a late one
      // the time of a round trip to the worker before concluding that none came.
      await page.waitForTimeout(300);
      assert.deepEqual(await events(page), [], 'no event reaches a page the deployment does not allow');
      assert.equal(await other.getAttribute(sel('trace-view'), 'data-match-count'), '', 'its setFilter was ignored');
    },
  },
  {
    name: 'embed-js-api',
    async run(t) {
      const { page } = t;
      const host = await t.servers.start(['--static', EXAMPLES]);
      const app = await tracescopeAllowing(t, []);
      const trace = await pickTrace(app);
      const requests = [];
      page.on('request', (r) => requests.push(r.url()));

      await page.goto(`${host.url}/js-api.html?tracescope=${encodeURIComponent(`${app.url}/`)}&trace=${trace.id}`);
      await waitForTraceView(page, { traceId: trace.id, timeout: 20_000 });
      await waitForEvent(page, 'trace-load');
      assert.equal(await page.locator('header.top').isVisible(), false, 'a mounted view has no header');
      assert.ok(!page.url().includes('trace='.repeat(2)), 'the host URL is left alone');
      assert.equal(new URL(page.url()).searchParams.get('span'), null);

      await clickSecondRow(page, page);
      await checkSpanSelect(page, trace);
      await t.screenshot('embed-js-api-dashboard');
      assert.equal(new URL(page.url()).searchParams.get('span'), null, 'selecting does not touch the host page URL');

      const service = trace.spans[0].localEndpoint.serviceName;
      await page.fill('#filter', `service:${service}`);
      await page.click('#filter-form button');
      const expected = countService(trace, service);
      await poll(() => traceView(page), (v) => Number(v.matchCount) === expected, `setFilter matches ${expected} spans`);

      // loadJson: a trace given as text.
      const yelp = JSON.parse(readFileSync(fixture('zipkin-v2/zipkin__yelp.json'), 'utf8'));
      await page.evaluate((json) => window.tracescopeView.loadJson(json), yelp);
      await poll(() => traceView(page), (v) => v?.ready === 'true' && v.traceId !== trace.id, 'loadJson shows the given trace');
      assert.equal((await traceView(page)).spanCount, yelp.length);

      // The engine worker runs (from a same-origin blob importing the bundle), nothing
      // of the bundle came from the dashboard's origin.
      assert.ok(requests.some((u) => u === `${app.url}/tracescope-worker.js`), 'the worker glue is loaded from tracescope');
      const own = requests.filter((u) => u.startsWith(host.url)).map((u) => new URL(u).pathname);
      assert.deepEqual(own.filter((p) => /tracescope|\.wasm$/.test(p)), [], 'no bundle file from the dashboard origin');

      const after = await page.evaluate(() => {
        window.tracescopeView.destroy();
        const empty = document.getElementById('view').shadowRoot.childElementCount === 0;
        try {
          window.tracescopeView.loadTrace('1');
          return { empty, error: null };
        } catch (e) {
          return { empty, error: String(e) };
        }
      });
      assert.ok(after.empty, 'destroy() empties the host element');
      assert.equal(await page.locator(sel('trace-view')).count(), 0, 'the view is gone');
      assert.match(after.error ?? '', /destroyed/, 'a destroyed view says so');
    },
  },
  {
    name: 'embed-element',
    async run(t) {
      const { page } = t;
      const host = await t.servers.start(['--static', EXAMPLES]);
      const app = await tracescopeAllowing(t, []);
      const trace = await pickTrace(app);
      await page.goto(`${host.url}/element.html?tracescope=${encodeURIComponent(`${app.url}/`)}&trace=${trace.id}`);
      await waitForTraceView(page, { traceId: trace.id, timeout: 20_000 });
      await waitForEvent(page, 'trace-load');
      assert.equal(await page.locator(sel('minimap')).isVisible(), false, 'hide="search,minimap"');

      // Another trace-id attribute shows another trace.
      const traces = await allTraces(app);
      const other = traces.find((s) => s[0].traceId !== trace.id)[0].traceId;
      await page.evaluate((id) => document.querySelector('tracescope-view').setAttribute('trace-id', id), other);
      await waitForTraceView(page, { traceId: other });

      // Removing the element destroys the view.
      await page.evaluate(() => document.querySelector('tracescope-view').remove());
      await poll(() => page.locator(sel('trace-view')).count(), (n) => n === 0, 'the view is gone with its element');
    },
  },
];
