// The service dependency page and the trace view's services tab. Expected values come from
// the API's own /dependencies answer, never from the app.
import assert from 'node:assert/strict';
import { fixture } from '../lib/env.mjs';
import {
  longestLookback, openApp, poll, queryOf, sel, submitSearch, waitForServiceOptions, waitForTraceList, waitForTraceView,
} from '../lib/app.mjs';
import { allTraces, pickShowcase } from '../lib/data.mjs';

const HOUR = 3_600_000;
const QUARTER = 900_000;

async function graphState(page) {
  return page.$eval(sel('dependency-graph'), (el) => ({
    nodes: Number(el.dataset.nodeCount),
    edges: Number(el.dataset.edgeCount),
    selected: el.dataset.selectedService ?? '',
    hops: Number(el.dataset.hops),
    lit: el.dataset.highlightedCount === '' ? null : Number(el.dataset.highlightedCount),
    positions: JSON.parse(el.dataset.nodes || '[]'),
  }));
}

/** Waits until the page shows links for `lookback` (data-loaded-range "end:lookback"). */
async function waitForRange(page, lookback) {
  return poll(
    () => page.$eval(sel('dependencies-page'), (el) => ({ state: el.dataset.state, range: el.dataset.loadedRange })),
    (s) => s.state === 'ready' && s.range.endsWith(`:${lookback}`),
    `dependency page loaded for lookback ${lookback}`,
  );
}

/** Node centres on screen by name (the page writes them for graphs of up to 60 nodes). */
async function nodePositions(page) {
  const st = await poll(() => graphState(page), (s) => s.positions.length > 0, 'data-nodes written');
  return new Map(st.positions.map(([name, x, y, w, h, layer]) => [name, { x, y, w, h, layer }]));
}

async function clickCanvas(page, x, y) {
  const box = await page.locator(sel('dependency-canvas')).boundingBox();
  await page.mouse.click(box.x + x, box.y + y);
}

async function hoverCanvas(page, x, y) {
  const box = await page.locator(sel('dependency-canvas')).boundingBox();
  await page.mouse.move(box.x + x, box.y + y);
}

/** Services within `hops` calls of `start`, each way, as the page defines it. */
function neighbourhood(links, start, hops) {
  const on = new Set([start]);
  for (const down of [true, false]) {
    let frontier = [start];
    const seen = new Set([start]);
    for (let h = 0; h < hops; h++) {
      const next = [];
      for (const v of frontier) {
        for (const l of links) {
          const [from, to] = down ? [l.parent, l.child] : [l.child, l.parent];
          if (from !== v) continue;
          on.add(to);
          if (!seen.has(to)) { seen.add(to); next.push(to); }
        }
      }
      frontier = next;
    }
  }
  return on;
}

/** The graph canvas shows a drawing: several colours, some non-background pixels. */
async function assertGraphDrawn(page) {
  const probe = () => page.$eval(sel('dependency-canvas'), (canvas) => {
    if (!canvas.width || !canvas.height) return { colours: 0, drawn: 0 };
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const counts = new Map();
    for (let i = 0; i < data.length; i += 16) {
      const k = ((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const total = data.length / 16;
    const sorted = [...counts.values()].sort((a, b) => b - a);
    return { colours: sorted.filter((n) => n >= total * 0.0005).length, drawn: 1 - sorted[0] / total };
  });
  return poll(probe, (s) => s.colours >= 3 && s.drawn >= 0.002, 'the graph canvas shows nodes and edges');
}

const servicesOf = (links) => new Set(links.flatMap((l) => [l.parent, l.child]));

async function openDependencies(t, api, query = '') {
  const app = await t.shared.app();
  await t.page.goto(`${app.url}/index.html?api=${encodeURIComponent(api.url)}&view=dependencies${query}`);
  await t.page.locator(sel('dependencies-page')).waitFor({ state: 'attached' });
}

export default [
  {
    name: 'dependencies-range-refetch',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const requests = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname.endsWith('/api/v2/dependencies')) requests.push(new URL(r.url()));
      });
      const end = Date.now();
      await openDependencies(t, api, `&lookback=${HOUR}&endTs=${end}`);
      await waitForRange(page, HOUR);
      const hourLinks = await api.getJson(`/dependencies?endTs=${end}&lookback=${HOUR}`);
      let st = await graphState(page);
      assert.equal(st.edges, hourLinks.length, `data-edge-count equals the ${hourLinks.length} links of the last hour`);
      assert.equal(st.nodes, servicesOf(hourLinks).size, 'data-node-count equals the services named by the links');
      assert.equal(requests.at(-1).searchParams.get('lookback'), String(HOUR));
      await assertGraphDrawn(page);
      await t.screenshot('dependencies-light');

      // A shorter range: a new request, a new graph, the URL follows.
      const before = requests.length;
      await page.selectOption(sel('dependency-lookback'), String(QUARTER));
      await waitForRange(page, QUARTER);
      assert.ok(requests.length > before, 'changing the range fetches again');
      assert.equal(requests.at(-1).searchParams.get('lookback'), String(QUARTER));
      assert.equal(queryOf(page).get('lookback'), String(QUARTER), `URL holds the range: ${page.url()}`);
      const quarterLinks = await api.getJson(`/dependencies?endTs=${end}&lookback=${QUARTER}`);
      st = await poll(() => graphState(page), (s) => s.edges === quarterLinks.length, `edge count for 15 minutes is ${quarterLinks.length}`);
      t.note(`1 h: ${hourLinks.length} links; 15 min: ${quarterLinks.length} links`);

      // Refresh asks again for the same range.
      const n = requests.length;
      await page.click(sel('dependency-refresh'));
      await waitForRange(page, QUARTER);
      assert.equal(requests.length, n + 1, 'Refresh fetches again');

      // A custom end in the past (before every trace): nothing.
      await page.fill(sel('dependency-end'), '2001-01-01T00:00');
      await poll(() => graphState(page), (s) => s.edges === 0, 'a range before the data has no links');
      assert.ok(Number(queryOf(page).get('endTs')) > 0, 'URL holds the custom end');
    },
  },
  {
    name: 'dependencies-select-hops-search',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const end = Date.now();
      await openDependencies(t, api, `&lookback=${HOUR}&endTs=${end}`);
      await waitForRange(page, HOUR);
      const links = await api.getJson(`/dependencies?endTs=${end}&lookback=${HOUR}`);
      // The service with callers and callees whose 1- and 2-hop neighbourhoods differ most.
      const names = [...servicesOf(links)].filter((s) => links.some((l) => l.child === s) && links.some((l) => l.parent === s));
      assert.ok(names.length, 'sample data has a service with callers and callees');
      const pick = names.sort((a, b) => (neighbourhood(links, b, 2).size - neighbourhood(links, b, 1).size)
        - (neighbourhood(links, a, 2).size - neighbourhood(links, a, 1).size) || a.localeCompare(b))[0];
      const pos = (await nodePositions(page)).get(pick);
      assert.ok(pos, `${pick} is on screen`);

      // Hover shows calls and errors; click selects.
      await hoverCanvas(page, pos.x, pos.y);
      const tip = await page.locator(sel('graph-tooltip')).textContent();
      const callsIn = links.filter((l) => l.child === pick).reduce((n, l) => n + l.callCount, 0);
      assert.ok(tip.startsWith(pick) && tip.includes(`${callsIn} calls in`), `tooltip names ${pick} and ${callsIn} calls in: ${tip}`);
      await clickCanvas(page, pos.x, pos.y);
      let st = await poll(() => graphState(page), (s) => s.selected === pick, `${pick} selected`);
      assert.equal(queryOf(page).get('service'), pick, 'URL holds the selection');
      assert.equal(st.lit, neighbourhood(links, pick, 1).size, '1 hop highlights the direct callers and callees');
      assert.equal(await page.textContent(sel('dependency-calls-in')), String(callsIn), 'panel: calls in');
      const callsOut = links.filter((l) => l.parent === pick).reduce((n, l) => n + l.callCount, 0);
      assert.equal(await page.textContent(sel('dependency-calls-out')), String(callsOut), 'panel: calls out');

      await page.selectOption(sel('dependency-hops'), '2');
      st = await poll(() => graphState(page), (s) => s.hops === 2, 'hops 2');
      assert.equal(st.lit, neighbourhood(links, pick, 2).size, '2 hops highlight callers of callers and callees of callees');
      assert.equal(queryOf(page).get('hops'), '2', 'URL holds the hop count');
      await page.click(sel('theme-toggle'));
      await t.screenshot('dependencies-dark-selected');

      // The URL restores the view.
      await page.reload();
      await waitForRange(page, HOUR);
      st = await poll(() => graphState(page), (s) => s.selected === pick && s.hops === 2, 'selection and hops restored from the URL');

      // Search traces of the service.
      await page.click(sel('dependency-search-service'));
      await page.locator(sel('search-form')).waitFor({ state: 'visible' });
      assert.equal(queryOf(page).get('service'), pick, `search for ${pick}: ${page.url()}`);
      assert.equal(queryOf(page).get('lookback'), String(HOUR), 'with the page range');
    },
  },
  {
    name: 'dependencies-edge-click',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const end = Date.now();
      await openDependencies(t, api, `&lookback=${HOUR}&endTs=${end}`);
      await waitForRange(page, HOUR);
      const links = await api.getJson(`/dependencies?endTs=${end}&lookback=${HOUR}`);
      const nodes = await nodePositions(page);
      // An edge between neighbouring columns: its curve passes through the middle of its ends.
      let hit = null;
      for (const l of links) {
        const a = nodes.get(l.parent);
        const b = nodes.get(l.child);
        if (!a || !b || b.layer !== a.layer + 1) continue;
        const x = (a.x + a.w / 2 + b.x - b.w / 2) / 2;
        const y = (a.y + b.y) / 2;
        await hoverCanvas(page, x, y);
        const tip = await page.locator(sel('graph-tooltip')).textContent({ timeout: 500 }).catch(() => '');
        if (tip.startsWith(`${l.parent} → ${l.child}\n`)) {
          assert.ok(tip.includes(`${l.callCount} calls · ${l.errorCount ?? 0} errors`), `edge tooltip: ${tip} for ${JSON.stringify(l)}`);
          hit = { l, x, y };
          break;
        }
      }
      assert.ok(hit, 'an edge can be hovered at its middle');
      await clickCanvas(page, hit.x, hit.y);
      await page.locator(sel('search-form')).waitFor({ state: 'visible' });
      const q = queryOf(page);
      assert.equal(q.get('service'), hit.l.parent, `edge click searches its caller: ${page.url()}`);
      assert.equal(q.get('remoteService'), hit.l.child, 'and its callee as remoteService');
    },
  },
  {
    name: 'dependencies-filter-threshold-fixture',
    async run(t) {
      const { page } = t;
      // The real Zipkin answer with errorCount > callCount, served as is.
      const api = await t.servers.start(['--dependencies-file', fixture('dependencies/kronicle__zipkin-api-dependencies.json')]);
      await openDependencies(t, api);
      await waitForRange(page, HOUR);
      let st = await graphState(page);
      assert.deepEqual([st.nodes, st.edges], [7, 5], 'the fixture: 7 services, 5 links');
      // Every link's error rate is above highErrorRate: drawn in the error colour.
      await assertGraphDrawn(page);
      await t.screenshot('dependencies-errors');
      await page.fill(sel('dependency-filter'), 'unrelated');
      st = await poll(() => graphState(page), (s) => s.nodes === 2, 'the filter keeps the matches and their peers');
      assert.equal(st.edges, 1);
      await page.fill(sel('dependency-filter'), '');
      await page.fill(sel('dependency-min-calls'), '25');
      await page.press(sel('dependency-min-calls'), 'Enter');
      st = await poll(() => graphState(page), (s) => s.nodes < 7, 'the threshold hides quiet services');
      // Services with ≥ 25 calls in + out: test-service-1 (10+12+20+22), its two downstreams
      // are 20 and 22 (hidden), the unrelated pair has 30 each.
      assert.deepEqual([st.nodes, st.edges], [3, 1], `min 25 calls: ${JSON.stringify(st)}`);
      assert.equal(queryOf(page).get('minCalls'), '25', 'URL holds the threshold');
    },
  },
  {
    name: 'dependencies-from-search-results',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const traces = await allTraces(api);
      await openApp(t, { api });
      await waitForServiceOptions(page);
      const lookback = await longestLookback(page);
      const res = await submitSearch(page, { service: '', limit: 1000, lookback });
      await waitForTraceList(page, res.body.length);
      assert.equal(res.body.length, traces.length, 'the search finds every trace');
      // The same traces through the server's linker: the browser's must agree.
      const links = await api.getJson(`/dependencies?endTs=${Date.now()}&lookback=${lookback}`);
      await page.click(sel('nav-dependencies'));
      await page.locator(sel('dependencies-page')).waitFor({ state: 'attached' });
      await page.selectOption(sel('dependency-source'), 'search');
      const st = await poll(
        () => page.$eval(sel('dependencies-page'), (el) => el.dataset.source).then(async (source) => ({ source, ...(await graphState(page)) })),
        (s) => s.source === 'search' && s.edges > 0,
        'links derived from the search results',
      );
      assert.deepEqual([st.nodes, st.edges], [servicesOf(links).size, links.length],
        `derived in the browser from ${traces.length} traces = the server's /dependencies`);
      assert.equal(queryOf(page).get('source'), 'search', 'URL holds the source');
      const calls = links.reduce((n, l) => n + l.callCount, 0);
      const totals = await page.textContent(sel('dependency-totals'));
      const short = calls < 1000 ? String(calls) : calls < 1e6 ? `${(calls / 1e3).toFixed(1)}k` : `${(calls / 1e6).toFixed(1)}M`;
      assert.ok(totals.endsWith(`${links.length} links · ${short} calls`), `totals "${totals}" count ${calls} calls`);
    },
  },
  {
    name: 'trace-services-tab',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const traces = await allTraces(api);
      const showcase = pickShowcase(traces);
      const id = showcase[0].traceId;
      await openApp(t, { api, trace: id });
      await waitForTraceView(page, { traceId: id });
      await page.click(sel('tab-services'));
      const st = await poll(() => graphState(page), (s) => s.nodes > 1, 'the trace has a service graph');
      assert.ok(st.edges >= st.nodes - 1 || st.edges > 0, `edges ${st.edges} join ${st.nodes} services`);
      assert.equal(queryOf(page).get('tab'), 'services', 'URL holds the tab');
      await assertGraphDrawn(page);
      await t.screenshot('trace-services');
      await page.click(sel('tab-timeline'));
      await page.locator(sel('trace-view')).waitFor({ state: 'visible' });
    },
  },
];
