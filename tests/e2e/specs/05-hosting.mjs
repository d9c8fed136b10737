// 8-9. Where the API and the app live: a /zipkin base, hosting under a sub-path, config.json.
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  longestLookback, openApp, queryOf, sel, serviceOptions, submitSearch, waitForApiBase, waitForServiceOptions,
  waitForTraceList, waitForTraceView,
} from '../lib/app.mjs';
import { allTraces } from '../lib/data.mjs';
import { fixture, requireDist } from '../lib/env.mjs';

/** Records every response with status >= 400 and every request, for the page's lifetime. */
function recordTraffic(page) {
  const requests = [];
  const bad = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => r.status() >= 400 && bad.push(`${r.status()} ${r.url()}`));
  // A request the page itself cancelled (ERR_ABORTED: e.g. a spare engine worker stopped
  // while its script loads) is not a hosting problem; refused, missing or blocked ones are.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) bad.push(`failed ${r.url()} (${why})`);
  });
  return { requests, bad };
}

export default [
  {
    name: 'zipkin-base',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const traffic = recordTraffic(page);
      const base = `${api.url}/zipkin`;
      await openApp(t, { api: base });
      await waitForApiBase(page, base);
      const services = await api.getJson('/services', { prefix: '/zipkin' });
      await waitForServiceOptions(page, services.length + 1);
      const traces = await allTraces(api, { prefix: '/zipkin' });
      const res = await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
      assert.ok(res.url.startsWith(`${api.url}/zipkin/api/v2/traces?`), `search goes to /zipkin/api/v2: ${res.url}`);
      await waitForTraceList(page, traces.length);

      const id = traces[0][0].traceId;
      await page.click(`${sel('trace-row')}[data-trace-id="${id}"]`);
      const view = await waitForTraceView(page, { traceId: id });
      assert.equal(view.spanCount, traces[0].length);
      const apiCalls = traffic.requests.filter((u) => u.startsWith(api.url));
      // …besides the server's own UI settings, which Zipkin serves at /zipkin/config.json.
      const stray = apiCalls.filter((u) => !u.startsWith(`${api.url}/zipkin/api/v2/`) && u !== `${api.url}/zipkin/config.json`);
      assert.deepEqual(stray, [], 'every API call goes under /zipkin/api/v2/');
      assert.deepEqual(traffic.bad, [], 'no failed request');
    },
  },
  {
    name: 'sub-path',
    async run(t) {
      const { page } = t;
      const dist = requireDist();
      const server = await t.servers.start([
        '--static', dist, '--static-path', '/tools/tracescope/', '--samples', '15', '--seed', '5',
      ]);
      const traffic = recordTraffic(page);
      const home = `${server.url}/tools/tracescope/`;
      await openApp(t, { app: server, path: '/tools/tracescope/' });
      const services = await server.getJson('/services');
      await waitForServiceOptions(page, services.length + 1);
      const res = await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
      assert.ok(res.url.startsWith(`${server.url}/api/v2/traces?`), `same-origin API at /api/v2: ${res.url}`);
      await waitForTraceList(page, 15);

      // Every file of the bundle came from under the sub-path; nothing failed.
      // (The API's server settings, /zipkin/config.json, are an API call, not a bundle file.)
      const assets = traffic.requests.filter((u) => u.startsWith(server.url) && !u.includes('/api/v2/') && !u.endsWith('/zipkin/config.json'));
      const outside = assets.filter((u) => !u.startsWith(home));
      assert.deepEqual(outside, [], `bundle files load from ${home}`);

      // Deep links work under the sub-path as well.
      const id = res.body[0][0].traceId;
      await page.click(`${sel('trace-row')}[data-trace-id="${id}"]`);
      await waitForTraceView(page, { traceId: id });
      assert.ok(page.url().startsWith(home), `the trace URL stays under the sub-path: ${page.url()}`);
      assert.equal(queryOf(page).get('trace'), id);
      await page.reload();
      await waitForTraceView(page, { traceId: id });

      // Checked last and together, so that one failure does not hide the other.
      // KNOWN MISMATCH (app as of a86219b/dea967b): the bundle has no config.json, so the app's
      // lookup of `config.json` beside index.html is a 404, which Chromium logs as a console
      // error ("loads without console errors" fails); and for the same-origin case the app
      // sets data-api-base="" instead of the resolved base (the page's origin). Shipping a
      // config.json (e.g. `{}`) in dist/ and exposing the resolved base would fix both.
      const problems = [];
      if (traffic.bad.length) {
        problems.push(`failed requests (a missing config.json is a 404 and a console error): ${traffic.bad.join(', ')}`);
      }
      const base = await page.getAttribute(sel('app'), 'data-api-base');
      if (![server.url, `${server.url}/`].includes(base)) {
        problems.push(`data-api-base should be the resolved same-origin base ${server.url}, got ${JSON.stringify(base)}`);
      }
      assert.deepEqual(problems, [], 'sub-path hosting problems');
    },
  },
  {
    name: 'config-json',
    async run(t) {
      const { page } = t;
      // The API the config points at: only the Yelp fixture, moved to the last hour.
      const yelp = await t.servers.start(['--load', fixture('zipkin-v2/zipkin__yelp.json'), '--shift-to-now']);
      const dir = await t.tmpDir();
      cpSync(requireDist(), dir, { recursive: true });
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ api: yelp.url }));
      const host = await t.servers.start(['--static', dir, '--samples', '5', '--seed', '9']);

      await openApp(t, { app: host });
      await waitForApiBase(page, yelp.url); // config.json sets the API base
      const services = await yelp.getJson('/services');
      const options = await waitForServiceOptions(page, services.length + 1);
      assert.deepEqual(options.slice(1).map((o) => o.value).sort(), [...services].sort(), 'services come from the configured API');
      const res = await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
      assert.ok(res.url.startsWith(`${yelp.url}/api/v2/traces?`), `search goes to the configured API: ${res.url}`);
      await waitForTraceList(page, 1);

      // ?api= wins over config.json.
      await openApp(t, { app: host, api: host });
      await waitForApiBase(page, host.url); // ?api= overrides config.json
      const own = await host.getJson('/services');
      assert.deepEqual((await waitForServiceOptions(page, own.length + 1)).slice(1).map((o) => o.value).sort(), [...own].sort());
      assert.ok((await serviceOptions(page)).length > 1);
    },
  },
];
