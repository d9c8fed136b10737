// 1. Searching: services come from the API, the list matches the API's answer for the query
//    the app sent, and choosing a service narrows the list.
import assert from 'node:assert/strict';
import {
  isTracesRequest, longestLookback, openApp, sel, serviceOptions, submitSearch, traceList, waitForApiBase, waitForServiceOptions, waitForTraceList,
} from '../lib/app.mjs';
import { SAMPLE_TRACES } from '../lib/shared.mjs';

export default [
  {
    name: 'search',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const sent = [];
      page.on('request', (req) => isTracesRequest(req) && sent.push(req.url()));

      await openApp(t, { api });
      await waitForApiBase(page, api.url);

      // The select holds "all services" (value "") followed by exactly the API's services.
      const services = await api.getJson('/services');
      assert.ok(services.length >= 3, `sample data should have several services, got ${services}`);
      const options = await waitForServiceOptions(page, services.length + 1);
      assert.equal(options[0].value, '', 'first option is "all services" with value ""');
      assert.match(options[0].label, /all/i, 'first option reads "all services"');
      assert.deepEqual(
        options.slice(1).map((o) => o.value).sort(),
        [...services].sort(),
        'service options equal GET /api/v2/services',
      );
      for (const field of ['search-form', 'lookback-select', 'limit-input', 'search-button']) {
        await page.locator(sel(field)).waitFor({ state: 'visible' });
      }

      // All services: the list shows what the API returns for the very request the app made.
      const lookback = await longestLookback(page);
      const all = await submitSearch(page, { service: '', limit: 1000, lookback });
      assert.equal(all.status, 200, `search request ${all.url} answered ${all.status}`);
      assert.ok(!new URL(all.url).searchParams.get('serviceName'), `no serviceName for "all services": ${all.url}`);
      assert.equal(new URL(all.url).searchParams.get('limit'), '1000', `limit-input is sent as limit: ${all.url}`);
      assert.equal(new URL(all.url).searchParams.get('lookback'), String(lookback), `lookback-select is sent as lookback: ${all.url}`);
      const direct = await (await fetch(all.url)).json();
      assert.equal(direct.length, SAMPLE_TRACES, `API lists all ${SAMPLE_TRACES} sample traces for ${all.url}`);
      const listAll = await waitForTraceList(page, direct.length);
      assert.deepEqual(
        new Set(listAll.ids),
        new Set(direct.map((trace) => trace[0].traceId)),
        'rows carry the trace ids the API returned',
      );
      await t.screenshot('search');
      await page.click(sel('theme-toggle'));
      await t.screenshot('search-dark');
      await page.click(sel('theme-toggle'));

      // Pick a service that takes part in some traces but not all, so the list must shrink.
      const perService = [];
      for (const s of services) {
        const u = new URL(all.url);
        u.searchParams.set('serviceName', s);
        perService.push({ service: s, n: (await (await fetch(u)).json()).length });
      }
      const narrow = perService.filter((p) => p.n > 0 && p.n < direct.length).sort((a, b) => a.n - b.n)[0];
      assert.ok(narrow, `some service should appear in only part of the traces: ${JSON.stringify(perService)}`);

      const one = await submitSearch(page, { service: narrow.service });
      assert.equal(new URL(one.url).searchParams.get('serviceName'), narrow.service, `request has serviceName=: ${one.url}`);
      const directOne = await (await fetch(one.url)).json();
      assert.equal(directOne.length, narrow.n);
      const listOne = await waitForTraceList(page, directOne.length);
      assert.ok(listOne.rows < listAll.rows, `choosing ${narrow.service} narrows the list`);
      assert.deepEqual(new Set(listOne.ids), new Set(directOne.map((trace) => trace[0].traceId)));
      assert.ok(
        sent.some((u) => new URL(u).searchParams.get('serviceName') === narrow.service),
        `page.on('request') saw a /traces request with serviceName=${narrow.service}`,
      );

      // A different limit is honoured too.
      const limited = await submitSearch(page, { service: '', limit: 3 });
      assert.equal(new URL(limited.url).searchParams.get('limit'), '3');
      await waitForTraceList(page, 3);
      // The select still offers the same services after searching.
      assert.equal((await serviceOptions(page)).length, services.length + 1);
      assert.ok(await traceList(page));
    },
  },
];
