// 0. The test server itself keeps the contract the other tests rely on (no browser needed).
//    If this fails, the failures of the app tests say little about the app.
import assert from 'node:assert/strict';
import { allTraces } from '../lib/data.mjs';
import { SAMPLE_TRACES } from '../lib/shared.mjs';

async function get(url, init) {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export default [
  {
    name: 'testserver-contract',
    async run(t) {
      const api = await t.shared.api();
      assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);

      const services = await api.getJson('/services');
      assert.ok(Array.isArray(services) && services.length >= 3, `several services: ${JSON.stringify(services)}`);
      const traces = await allTraces(api);
      assert.equal(traces.length, SAMPLE_TRACES, '--samples N gives N traces');
      const hourAgoUs = (Date.now() - 3_600_000) * 1000;
      for (const tr of traces) {
        assert.ok(tr.length >= 1 && tr.every((s) => s.traceId === tr[0].traceId), 'a trace is a group of spans of one id');
        assert.ok(tr.some((s) => s.timestamp >= hourAgoUs - 60e6), 'sample traces lie in the last hour');
        assert.equal(new Set(tr.map((s) => `${s.id}/${s.kind}/${s.shared ?? false}`)).size, tr.length, 'no duplicate spans');
      }
      const big = Math.max(...traces.map((tr) => tr.length));
      t.note(`${services.length} services, ${traces.length} traces, ${traces.reduce((n, tr) => n + tr.length, 0)} spans, largest ${big}`);

      // Same seed, same data: a second server must agree (tests compare the app against fresh fetches).
      const id = traces[0][0].traceId;
      const one = await api.getJson(`/trace/${id}`);
      assert.equal(one.length, traces[0].length, `/trace/{id} returns the trace's spans`);
      const viaZipkin = await api.getJson(`/trace/${id}`, { prefix: '/zipkin' });
      assert.equal(viaZipkin.length, one.length, '/zipkin/api/v2 serves the same API');

      const missing = await get(api.api('/trace/feedfacecafebeef'));
      assert.equal(missing.status, 404);
      assert.match(missing.text, /feedfacecafebeef not found/);

      // CORS for a page from another origin, and the fault prefix.
      const origin = 'http://127.0.0.1:1';
      const cors = await get(api.api('/services'), { headers: { Origin: origin } });
      const allow = cors.headers.get('access-control-allow-origin');
      assert.ok(allow === '*' || allow === origin, `CORS allows other origins by default (got ${allow})`);
      const nocors = await get(`${api.faultBase('nocors')}/api/v2/services`, { headers: { Origin: origin } });
      assert.equal(nocors.status, 200);
      assert.equal(nocors.headers.get('access-control-allow-origin'), null, 'nocors drops the CORS header');
      const s500 = await get(`${api.faultBase('status=500')}/api/v2/services`);
      assert.equal(s500.status, 500);
      const cut = await get(`${api.faultBase('truncate=12')}/api/v2/services`);
      assert.equal(cut.status, 200);
      assert.equal(Buffer.byteLength(cut.text), 12, 'truncate=12 sends 12 bytes');
      const started = Date.now();
      await get(`${api.faultBase('delay=300')}/api/v2/services`);
      assert.ok(Date.now() - started >= 290, 'delay=300 waits');
      const combined = await get(`${api.faultBase('delay=50,status=503')}/api/v2/services`);
      assert.equal(combined.status, 503, 'fault specs combine');
    },
  },
];
