// 8. The search page in full (issue 5): every /traces parameter (the request the app sends
//    and the rows it shows, against the API's own answer), suggestions, config.json, the
//    settings dialog, the three base-path modes, cancelling, timeouts, the in-browser filter,
//    sorting, the scatter plot, several results as tabs, and the URL round trip.
import assert from 'node:assert/strict';
import {
  CHROMIUM_FETCH_ERRORS, dismissError, isTracesRequest, openApp, poll, queryOf, sel, traceList, traceView, waitForApiBase,
  waitForError, waitForServiceOptions, waitForTraceList, waitForTraceView,
} from '../lib/app.mjs';
import {
  datalist, findColour, inEffect, openSettings, resultCount, rows, scatter, search, waitForAnswer,
} from '../lib/search.mjs';

const TWO_DAYS = 172_800_000;
const ids = (body) => body.map((trace) => trace[0].traceId);
const sameSet = (a, b, what) => assert.deepEqual([...new Set(a)].sort(), [...new Set(b)].sort(), what);

/** Searches with `fields`, checks the request's parameters, then that the rows are the API's answer to it. */
async function check(page, fields, expect) {
  const r = await search(page, fields);
  assert.equal(r.status, 200, `${r.url} answered ${r.status}`);
  for (const [k, v] of Object.entries(expect)) {
    assert.equal(r.url.searchParams.get(k), v === null ? null : String(v), `request ${r.url.search} has ${k}=${v}`);
  }
  const direct = await (await fetch(r.url)).json();
  await waitForAnswer(page, r.url, direct);
  if (direct.length <= 100) {
    const list = await waitForTraceList(page, direct.length);
    sameSet(list.ids, ids(direct), `rows are the API's answer to ${r.url.search}`);
  }
  return { ...r, direct };
}

export default [
  {
    name: 'search-query-params',
    timeout: 45_000,
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      await openApp(t, { api });
      const services = await api.getJson('/services');
      await waitForServiceOptions(page, services.length + 1);

      // Service + suggestions for span name and remote service from the API.
      let chosen = null;
      for (const s of services) {
        const remote = await api.getJson(`/remoteServices?serviceName=${encodeURIComponent(s)}`);
        if (remote.length) { chosen = { s, remote }; break; }
      }
      assert.ok(chosen, 'some service calls a remote service in the sample data');
      const spans = await api.getJson(`/spans?serviceName=${encodeURIComponent(chosen.s)}`);
      await page.selectOption(sel('service-select'), chosen.s);
      await poll(() => datalist(page, 'span-name-options'), (o) => o.length === spans.length, 'span names come from /spans');
      sameSet(await datalist(page, 'span-name-options'), spans, 'span-name suggestions = GET /spans');
      await poll(() => datalist(page, 'remote-service-options'), (o) => o.length === chosen.remote.length, 'remote services come from /remoteServices');
      sameSet(await datalist(page, 'remote-service-options'), chosen.remote, 'remote-service suggestions = GET /remoteServices');

      const all = await check(page, { service: '', lookback: TWO_DAYS, limit: 1000 }, { serviceName: null, lookback: TWO_DAYS, limit: 1000 });
      assert.ok(all.direct.length >= 50, `sample answer is big enough: ${all.direct.length}`);
      await check(page, { service: chosen.s }, { serviceName: chosen.s });
      await check(page, { span: spans[0] }, { serviceName: chosen.s, spanName: spans[0] });
      await check(page, { span: '', remote: chosen.remote[0] }, { spanName: null, remoteServiceName: chosen.remote[0] });

      // Tags: keys then values are suggested; the query is sent as annotationQuery.
      const keys = await api.getJson('/autocompleteKeys');
      const key = keys.find((k) => k === 'http.method') ?? keys[0];
      const values = await api.getJson(`/autocompleteValues?key=${encodeURIComponent(key)}`);
      assert.ok(values.length > 0, `values for ${key}`);
      await page.fill(sel('tags-input'), key.slice(0, 3));
      await poll(() => datalist(page, 'tag-options'), (o) => o.includes(key), `tag suggestions offer the key ${key}`);
      await page.fill(sel('tags-input'), `${key}=`);
      await poll(() => datalist(page, 'tag-options'), (o) => o.length === values.length, 'tag suggestions offer the values');
      sameSet(await datalist(page, 'tag-options'), values.map((v) => `${key}=${v}`), 'value suggestions = GET /autocompleteValues');
      const tagged = await check(page, { service: '', remote: '', tags: `${key}=${values[0]}` }, { annotationQuery: `${key}=${values[0]}`, serviceName: null });
      assert.ok(tagged.direct.length < all.direct.length, 'the tag query narrows the answer');

      // Durations typed with units become microseconds.
      const minMax = await check(page, { tags: '', min: '20ms', max: '1.5s' }, { minDuration: 20000, maxDuration: 1500000, annotationQuery: null });
      assert.ok(minMax.direct.length > 0 && minMax.direct.length < all.direct.length, `duration bounds narrow: ${minMax.direct.length}`);
      await check(page, { max: '' }, { minDuration: 20000, maxDuration: null });
      // A duration that is not one is refused in the form, naming it; nothing is sent.
      const before = (await resultCount(page)).request;
      await page.fill(sel('min-duration-input'), 'fast');
      await page.click(sel('search-button'));
      const formError = await page.locator(sel('form-error')).textContent();
      assert.match(formError, /"fast" is not a duration/);
      assert.equal((await resultCount(page)).request, before, 'no request for an invalid form');

      // A custom range: endTs and lookback from the two local date-times.
      const range = await page.evaluate(() => {
        const f = (ms) => {
          const d = new Date(ms);
          const p = (n) => String(n).padStart(2, '0');
          return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
        };
        const end = Math.ceil((Date.now() + 120_000) / 60_000) * 60_000;
        const start = end - 30 * 60_000;
        return { start: f(start), end: f(end), startMs: new Date(f(start)).getTime(), endMs: new Date(f(end)).getTime() };
      });
      await page.fill(sel('min-duration-input'), '');
      await page.selectOption(sel('lookback-select'), 'custom');
      const custom = await check(page, { start: range.start, end: range.end }, { endTs: range.endMs, lookback: range.endMs - range.startMs, minDuration: null });
      assert.ok(custom.direct.length < all.direct.length, 'the last 30 minutes hold fewer traces than two days');

      // Limit.
      await page.selectOption(sel('lookback-select'), String(TWO_DAYS));
      await check(page, { limit: 4 }, { limit: 4 });
      const four = await traceList(page);
      assert.equal(four.rows, 4);
    },
  },
  {
    name: 'search-config-json',
    async run(t) {
      const { page } = t;
      const server = await t.servers.start([
        '--samples', '20', '--seed', '5', '--query-limit', '7', '--ui-default-lookback-ms', '7200000',
        '--environment', 'staging', '--logs-url', 'https://logs.example/search?trace={traceId}',
        '--low-error-rate', '0.2', '--high-error-rate', '0.4',
      ]);
      const first = page.waitForRequest(isTracesRequest);
      await openApp(t, { api: server });
      const url = new URL((await first).url());
      assert.equal(url.searchParams.get('limit'), '7', `queryLimit is the default limit: ${url}`);
      assert.equal(url.searchParams.get('lookback'), '7200000', `defaultLookback is the default lookback: ${url}`);
      assert.equal(await page.inputValue(sel('limit-input')), '7');
      assert.equal(await page.inputValue(sel('lookback-select')), '7200000');
      assert.equal((await page.textContent(sel('environment'))).trim(), 'staging');
      await waitForTraceList(page, 7);
      const link = page.locator(sel('row-logs')).first();
      const id = await page.locator(sel('trace-row')).first().getAttribute('data-trace-id');
      assert.equal(await link.getAttribute('href'), `https://logs.example/search?trace=${id}`);
      assert.equal(await link.getAttribute('target'), '_blank');
      await openSettings(page);
      assert.match(await page.textContent(sel('settings-server-config')), /was read/);
      assert.equal(await page.getAttribute(sel('settings-error-rates'), 'data-low'), '0.2');
      assert.equal(await page.getAttribute(sel('settings-error-rates'), 'data-high'), '0.4');
    },
  },
  {
    name: 'search-settings',
    allowErrors: [CHROMIUM_FETCH_ERRORS.refused],
    async run(t) {
      const { page } = t;
      const app = await t.shared.app();
      const api = await t.shared.api();
      // Same origin first: the app server's own 10 traces.
      await openApp(t, { app });
      await waitForApiBase(page, app.url);
      await openSettings(page);
      assert.deepEqual(await inEffect(page), { source: 'same-origin', root: `${app.url}/api/v2` });
      // Test connection: the typed base, not the one in effect.
      await page.fill(sel('settings-base-input'), api.url);
      await page.click(sel('settings-test'));
      await poll(() => page.getAttribute(sel('settings-test-result'), 'data-state'), (s) => s === 'ok', 'connection test succeeds');
      const services = await api.getJson('/services');
      assert.match(await page.textContent(sel('settings-test-result')), new RegExp(`${services.length} services`));
      // Save: the saved base wins over same origin, and searches go there.
      const next = page.waitForRequest((r) => isTracesRequest(r) && r.url().startsWith(api.url));
      await page.click(sel('settings-save'));
      await next;
      await poll(() => inEffect(page), (e) => e.source === 'saved' && e.root === `${api.url}/api/v2`, 'the saved base is in effect');
      await page.click(sel('settings-close'));
      // It persists: a reload without ?api= uses it.
      await page.reload();
      await waitForApiBase(page, api.url);
      await openSettings(page);
      assert.equal((await inEffect(page)).source, 'saved');
      assert.equal(await page.getAttribute(`${sel('settings-candidate')}[data-source="saved"]`, 'data-active'), 'true');
      await t.screenshot('search-settings-dialog');
      // A broken base fails the test with the reason, and saves nothing.
      const gone = await t.servers.start([]);
      await gone.stop();
      await page.fill(sel('settings-base-input'), gone.url);
      await page.click(sel('settings-test'));
      await poll(() => page.getAttribute(sel('settings-test-result'), 'data-state'), (s) => s === 'error', 'connection test fails');
      assert.match(await page.textContent(sel('settings-test-result')), new RegExp(`${gone.url}/api/v2/services`));
      await page.click(sel('settings-close'));
      // ?api= wins over the saved base; the dialog says so.
      await openApp(t, { app, api: app.url });
      await waitForApiBase(page, app.url);
      await openSettings(page);
      assert.deepEqual(await inEffect(page), { source: 'url', root: `${app.url}/api/v2` });
      assert.equal(await page.getAttribute(`${sel('settings-candidate')}[data-source="saved"]`, 'data-active'), 'false');
      // Clearing forgets it.
      await page.click(sel('settings-clear'));
      assert.equal(await page.evaluate(() => localStorage.getItem('tracescope.apiBase')), null);
    },
  },
  {
    name: 'search-base-paths',
    allowErrors: [CHROMIUM_FETCH_ERRORS.status(404)],
    async run(t) {
      const { page } = t;
      const lookback = ['--ui-default-lookback-ms', '7200000'];
      const zipkin = await t.servers.start(['--samples', '8', '--seed', '11', '--query-limit', '50', ...lookback]);
      const sky = await t.servers.start(['--samples', '6', '--seed', '12', '--query-limit', '40', '--skywalking', ...lookback]);
      const modes = [
        { name: 'zipkin root', base: zipkin.url, root: `${zipkin.url}/api/v2`, n: 8, limit: '50' },
        { name: 'zipkin behind /zipkin', base: `${zipkin.url}/zipkin`, root: `${zipkin.url}/zipkin/api/v2`, n: 8, limit: '50' },
        { name: 'SkyWalking /zipkin', base: `${sky.url}/zipkin`, root: `${sky.url}/zipkin/api/v2`, n: 6, limit: '40' },
      ];
      for (const m of modes) {
        const first = page.waitForRequest(isTracesRequest);
        await openApp(t, { api: m.base });
        const url = (await first).url();
        assert.ok(url.startsWith(`${m.root}/traces?`), `${m.name}: searches ${url}`);
        // config.json is read where the mode serves it (…/zipkin/config.json).
        assert.equal(new URL(url).searchParams.get('limit'), m.limit, `${m.name}: queryLimit from its config.json`);
        assert.equal(new URL(url).searchParams.get('lookback'), '7200000', `${m.name}: defaultLookback from its config.json`);
        await waitForTraceList(page, m.n);
        assert.equal(await page.getAttribute(sel('app'), 'data-api-root'), m.root);
      }
      // SkyWalking serves nothing outside /zipkin: a root base is a clear 404.
      await openApp(t, { api: sky.url });
      const message = await waitForError(page);
      assert.match(message, /404/, `a root base on SkyWalking says 404: ${message}`);
    },
  },
  {
    name: 'search-cancel-timeout',
    timeout: 40_000,
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const base = api.faultBase('delay=1500');
      const failed = [];
      page.on('requestfailed', (r) => isTracesRequest(r) && failed.push({ url: r.url(), error: r.failure()?.errorText }));
      await openApp(t, { api: base });
      await waitForApiBase(page, base);
      const n = 10; // the default limit
      await waitForTraceList(page, n);

      // A slow query shows progress and can be cancelled: nothing changes, no error.
      const sent = page.waitForRequest(isTracesRequest);
      await page.fill(sel('limit-input'), '5');
      await page.click(sel('search-button'));
      await sent;
      await page.locator(sel('search-progress')).waitFor({ state: 'visible' });
      assert.equal(await page.getAttribute(sel('search-progress'), 'data-phase'), 'waiting');
      await page.click(sel('search-cancel'));
      await page.locator(sel('search-progress')).waitFor({ state: 'detached' });
      await poll(() => failed.length, (k) => k === 1, 'the cancelled request is aborted');
      assert.match(failed[0].error, /ABORTED/);
      assert.equal((await traceList(page)).rows, n, 'the earlier results stay');
      assert.equal(await page.locator(sel('error')).count(), 0, 'cancelling is not an error');

      // A new query cancels the one in flight; only the newer answer shows.
      const a = page.waitForRequest((r) => isTracesRequest(r) && new URL(r.url()).searchParams.get('limit') === '3');
      await page.fill(sel('limit-input'), '3');
      await page.click(sel('search-button'));
      await a;
      const b = page.waitForResponse((r) => isTracesRequest(r.request()) && new URL(r.url()).searchParams.get('limit') === '2');
      await page.fill(sel('limit-input'), '2');
      await page.click(sel('search-button'));
      await b;
      await waitForTraceList(page, 2);
      await poll(() => failed.length, (k) => k === 2, 'the superseded request is aborted');
      assert.equal(new URL(failed[1].url).searchParams.get('limit'), '3');

      // Timeout (1 s in the settings) against a 1.5 s server: reported; results stay.
      await openSettings(page);
      await page.fill(sel('settings-timeout'), '1');
      await page.click(sel('settings-save'));
      await page.click(sel('settings-close'));
      await page.fill(sel('limit-input'), '4');
      await page.click(sel('search-button'));
      const message = await waitForError(page);
      t.note(`timeout: ${message}`);
      assert.match(message, /within 1 s/);
      assert.match(message, /timed out/);
      assert.equal((await traceList(page)).rows, 2, 'the earlier results stay after a timeout');
      await dismissError(page);
    },
  },
  {
    name: 'search-download-progress',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      // The server sends bodies at 1 MB/s: a two-day answer (~2.5 MB) takes a few seconds.
      const base = api.faultBase('rate=1000000');
      await openApp(t, { api: base });
      await waitForServiceOptions(page);
      const seen = [];
      const sent = page.waitForRequest(isTracesRequest);
      await page.selectOption(sel('lookback-select'), String(TWO_DAYS));
      await page.fill(sel('limit-input'), '1000');
      await page.click(sel('search-button'));
      await sent;
      const reading = await poll(
        () => page.evaluate((s) => {
          const el = document.querySelector(s);
          return el ? { phase: el.dataset.phase, bytes: Number(el.dataset.bytes), total: Number(el.dataset.total), text: el.textContent } : null;
        }, sel('search-progress')),
        (p) => { if (p) seen.push(p.phase); return p && p.phase === 'reading' && p.bytes > 0 && p.total > p.bytes; },
        'the progress line counts the bytes received',
        { timeout: 10_000, interval: 50 },
      );
      t.note(`progress: ${reading.text}`);
      assert.match(reading.text, /receiving [\d.]+ MB of [\d.]+ MB \(\d+ %\)/);
      const n = (await (await fetch(`${api.url}/api/v2/traces?limit=1000&lookback=${TWO_DAYS}&endTs=${Date.now()}`)).json()).length;
      await poll(() => resultCount(page), (c) => c && c.total === n, `all ${n} traces listed`, { timeout: 15_000 });
      await page.locator(sel('search-progress')).waitFor({ state: 'detached' });
      assert.ok(seen.includes('reading'), `phases seen: ${[...new Set(seen)]}`);
    },
  },
  {
    name: 'search-results-filter',
    timeout: 45_000,
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      await openApp(t, { api });
      await waitForServiceOptions(page);
      const all = await search(page, { lookback: TWO_DAYS, limit: 1000 });
      const total = all.body.length;
      await waitForTraceList(page, total);
      const full = await rows(page);

      // Six orders, each checked on the row facts.
      const orders = {
        newest: (a, b) => b.start - a.start, oldest: (a, b) => a.start - b.start,
        longest: (a, b) => b.duration - a.duration, shortest: (a, b) => a.duration - b.duration,
        spans: (a, b) => b.spans - a.spans, errors: (a, b) => b.errors - a.errors,
      };
      for (const [name, cmp] of Object.entries(orders)) {
        await page.selectOption(sel('sort-select'), name);
        const got = await poll(() => rows(page), (r) => r.length === total && r.every((x, i) => i === 0 || cmp(r[i - 1], x) <= 0), `rows sorted ${name}`);
        sameSet(got.map((r) => r.id), full.map((r) => r.id), `${name}: same rows`);
        await poll(() => queryOf(page).get('sort'), (v) => v === (name === 'newest' ? null : name), `?sort= follows (${name})`);
      }

      // Text: a trace id prefix finds that trace; counts update as you type.
      const target = full[7];
      await page.fill(sel('result-filter'), target.id.slice(0, 12));
      const c1 = await poll(() => resultCount(page), (c) => c.shown === 1, 'one trace matches its id');
      assert.equal(c1.total, total);
      assert.deepEqual((await traceList(page)).ids, [target.id]);
      await page.fill(sel('result-filter'), '');

      // Service: traces with a span of that service (facts from the API's JSON).
      const perService = new Map();
      for (const tr of all.body) {
        for (const s of new Set(tr.map((sp) => sp.localEndpoint?.serviceName).filter(Boolean))) perService.set(s, (perService.get(s) ?? 0) + 1);
      }
      const [svc, svcN] = [...perService].find(([, k]) => k > 1 && k < total);
      await page.selectOption(sel('filter-service'), svc);
      await poll(() => resultCount(page), (c) => c.shown === svcN, `${svc} is in ${svcN} traces`);
      await page.selectOption(sel('filter-service'), '');

      // Duration range and errors only, checked on the row facts.
      await page.fill(sel('filter-min'), '10ms');
      await page.fill(sel('filter-max'), '1s');
      const inRange = full.filter((r) => r.duration >= 10_000 && r.duration <= 1_000_000).length;
      await poll(() => resultCount(page), (c) => c.shown === inRange, `${inRange} traces last 10ms–1s`);
      await page.check(sel('filter-errors'));
      const both = full.filter((r) => r.duration >= 10_000 && r.duration <= 1_000_000 && r.errors > 0);
      const c2 = await poll(() => resultCount(page), (c) => c.shown === both.length, 'errors only within the range');
      assert.equal(c2.errors, both.length);
      sameSet((await traceList(page)).ids, both.map((r) => r.id), 'rows = errors within the range');
      await poll(() => queryOf(page).get('errors'), (v) => v === '1', '?errors=1 once typing pauses');
      assert.equal(queryOf(page).get('fmin'), '10ms');
      // Scatter: one point per shown trace, all in the error colour now.
      const sc = await poll(() => scatter(page), (s) => s.points === both.length, 'scatter shows the filtered traces');
      assert.equal(sc.errorPoints, both.length);
      await page.click(sel('clear-filter'));
      await poll(() => resultCount(page), (c) => c.shown === total, 'clear-filter shows everything');

      // Scatter: hover an error point → tooltip of a trace with errors; click opens it.
      const errs = full.filter((r) => r.errors > 0).length;
      const s0 = await poll(() => scatter(page), (s) => s.points === total && s.errorPoints === errs, 'scatter: every trace, errors counted');
      // Error points: the light theme's red (at 75% alpha on a transparent canvas).
      const red = await findColour(page, [0xdc, 0x26, 0x26], 30);
      assert.ok(red.length > 0, 'error points are drawn in red');
      let p = null;
      let tipId = null;
      for (let k = 0; k < 6 && !p; k += 1) {
        const q = red[Math.floor((red.length * k) / 6)];
        await page.mouse.move(s0.left + q.x, s0.top + q.y);
        await page.locator(sel('scatter-tooltip')).waitFor({ state: 'visible' });
        const id = await page.getAttribute(sel('scatter-tooltip'), 'data-trace-id');
        if (full.find((r) => r.id === id)?.errors > 0) [p, tipId] = [q, id];
      }
      assert.ok(p, 'hovering a red point shows a trace with errors');

      // Brush: a drag over the middle of the plot keeps the traces that started in it.
      const left = s0.left + s0.plot.left;
      const width = s0.width - s0.plot.left - s0.plot.right;
      const y = s0.top + s0.height / 2;
      await page.mouse.move(left + width * 0.3, y);
      await page.mouse.down();
      await page.mouse.move(left + width * 0.5, y, { steps: 4 });
      await page.mouse.move(left + width * 0.65, y, { steps: 4 });
      await page.mouse.up();
      const brushed = await poll(() => scatter(page), (s) => s.window, 'the brush sets a window');
      const [from, to] = brushed.window.split(',').map(Number);
      const inWindow = full.filter((r) => r.start >= from && r.start <= to).length;
      assert.ok(inWindow > 0 && inWindow < total, `the window holds some traces: ${inWindow}`);
      await poll(() => resultCount(page), (c) => c.shown === inWindow, 'the list keeps the brushed window');
      await poll(() => queryOf(page).get('window'), (v) => v === brushed.window, '?window= follows the brush');
      await page.click(sel('scatter-clear'));
      await poll(() => resultCount(page), (c) => c.shown === total, 'clearing the window');

      // Click on the hovered point opens its trace.
      await page.mouse.click(s0.left + p.x, s0.top + p.y);
      await waitForTraceView(page, { traceId: tipId });
      assert.equal(queryOf(page).get('trace'), tipId);
      await t.screenshot('search-scatter-open');
    },
  },
  {
    name: 'search-open-tabs',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      await openApp(t, { api });
      await waitForServiceOptions(page);
      await search(page, { lookback: TWO_DAYS, limit: 6 });
      await waitForTraceList(page, 6);
      const chosen = (await traceList(page)).ids.slice(1, 4);
      for (const id of chosen) await page.check(`${sel('trace-row')}[data-trace-id="${id}"] ${sel('row-select')}`);
      assert.equal(await page.getAttribute(sel('selection-bar'), 'data-count'), '3');
      const many = page.waitForRequest((r) => new URL(r.url()).pathname.endsWith('/api/v2/traceMany'));
      const singles = [];
      page.on('request', (r) => /\/api\/v2\/trace\//.test(new URL(r.url()).pathname) && singles.push(r.url()));
      await page.click(sel('open-selected'));
      const req = new URL((await many).url());
      assert.deepEqual(req.searchParams.get('traceIds').split(','), chosen, `one /traceMany for the selection: ${req}`);
      await waitForTraceView(page, { traceId: chosen[0] });
      assert.deepEqual(queryOf(page).get('tabs').split(','), chosen);
      const tabs = await page.locator(sel('trace-tab')).evaluateAll((els) => els.map((e) => ({ id: e.dataset.traceId, active: e.dataset.active })));
      assert.deepEqual(tabs.map((x) => x.id), chosen);
      assert.deepEqual(tabs.map((x) => x.active), ['true', 'false', 'false']);
      await page.click(`${sel('trace-tab')}[data-trace-id="${chosen[2]}"]`);
      await waitForTraceView(page, { traceId: chosen[2] });
      const direct = await api.getJson(`/trace/${chosen[2]}`);
      assert.equal((await traceView(page)).spanCount, direct.length, 'the tab shows its own trace');
      await page.goBack();
      await waitForTraceView(page, { traceId: chosen[0] });
      assert.deepEqual(singles, [], 'switching tabs loads nothing more');
    },
  },
  {
    name: 'search-url-round-trip',
    timeout: 40_000,
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const sent = [];
      page.on('request', (r) => isTracesRequest(r) && sent.push(r.url()));
      await openApp(t, { api });
      await waitForServiceOptions(page);
      const services = await api.getJson('/services');
      // Query A (all, two days), then filter it.
      const a = await search(page, { lookback: TWO_DAYS, limit: 1000 });
      await waitForTraceList(page, a.body.length);
      await page.selectOption(sel('sort-select'), 'longest');
      await page.fill(sel('filter-min'), '5ms');
      const shownA = await poll(() => resultCount(page), (c) => c.shown < c.total, 'filter A applied');
      const orderA = (await traceList(page)).ids;
      // Query B (one service, tags, min duration): a new history entry.
      // A service that roots some traces, so B lists something.
      const svc = a.body.map((tr) => tr.find((sp) => !sp.parentId)?.localEndpoint?.serviceName).find(Boolean);
      services[1] = svc;
      const b = await search(page, { service: svc, tags: 'http.method=GET', min: '1ms' });
      assert.ok(b.body.length > 0, `query B lists something: ${b.url}`);
      await waitForAnswer(page, b.url, b.body);
      await page.fill(sel('result-filter'), services[1].slice(0, 4));
      const qB = await poll(() => queryOf(page), (q) => q.get('filter') === services[1].slice(0, 4), '?filter= once typing pauses');
      assert.equal(qB.get('service'), services[1]);
      assert.equal(qB.get('tags'), 'http.method=GET');
      assert.equal(qB.get('minDuration'), '1ms');
      assert.equal(qB.get('filter'), services[1].slice(0, 4));
      const requests = sent.length;

      // Back: A with its filter and order, from memory.
      await page.goBack();
      await poll(() => resultCount(page), (c) => c.shown === shownA.shown && c.total === shownA.total, 'back restores A and its filter');
      assert.deepEqual((await traceList(page)).ids, orderA, 'in its order');
      assert.equal(await page.inputValue(sel('filter-min')), '5ms');
      assert.equal(await page.inputValue(sel('sort-select')), 'longest');
      assert.equal(await page.inputValue(sel('service-select')), '');
      // Forward: B with its filter.
      await page.goForward();
      await poll(() => page.inputValue(sel('result-filter')), (v) => v === services[1].slice(0, 4), 'forward restores B\'s filter');
      assert.equal(await page.inputValue(sel('service-select')), services[1]);
      assert.equal(await page.inputValue(sel('tags-input')), 'http.method=GET');
      assert.equal(await page.inputValue(sel('min-duration-input')), '1ms');
      assert.equal(sent.length, requests, 'back and forward did not refetch');

      // A fresh page with B's URL shows the same (fetched once).
      const shownB = await resultCount(page);
      const idsB = (await traceList(page)).ids;
      const fresh = await t.context.newPage();
      await fresh.goto(page.url());
      await poll(() => resultCount(fresh), (c) => c && c.shown === shownB.shown && c.total === shownB.total, 'a fresh page reproduces B');
      assert.deepEqual((await traceList(fresh)).ids, idsB);
      assert.equal(await fresh.inputValue(sel('result-filter')), services[1].slice(0, 4));
      await fresh.close();
    },
  },
];
