// Exports from the trace view: the trace as Zipkin v2 JSON, the original bytes, statistics
// as CSV, the waterfall as PNG, and the permalink; each file's contents checked.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  longestLookback, openApp, poll, sel, submitSearch, traceView, waitForTraceList, waitForTraceView,
} from '../lib/app.mjs';
import { allTraces } from '../lib/data.mjs';
import { fixture } from '../lib/env.mjs';

/** Clicks an item of the export menu and returns the downloaded file: { name, bytes }. */
async function download(page, testid) {
  await page.click(`${sel('export-menu')} summary`);
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(sel(testid))]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Clicks a PNG button and checks the file is a PNG of the canvas's backing size. */
async function checkPng(page, button, canvas) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(sel(button))]);
  const bytes = readFileSync(await file.path());
  assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${button} saves a PNG`);
  const size = await page.$eval(sel(canvas), (c) => [c.width, c.height]);
  assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], size, `${button}: the canvas's size`);
}

/** Parses our CSV (no quoted line breaks in these traces). */
function csvRows(text) {
  return text.trimEnd().split('\r\n').map((l) => l.split(','));
}

export default [
  {
    name: 'export-trace',
    context: { permissions: ['clipboard-read', 'clipboard-write'] },
    async run(t) {
      const { page } = t;
      const app = await t.shared.app();
      const traces = await allTraces(app);
      const spans = traces.reduce((a, b) => (b.length > a.length ? b : a));
      const id = spans[0].traceId;
      await openApp(t, { trace: id });
      await waitForTraceView(page, { traceId: id });

      // Normalised Zipkin v2: the same spans (ids, names, times) as the API's.
      const zipkin = await download(page, 'export-zipkin');
      assert.equal(zipkin.name, `${id}.json`);
      const exported = JSON.parse(zipkin.bytes.toString('utf8'));
      assert.equal(exported.length, spans.length);
      const key = (s) => `${s.id}|${s.kind ?? ''}|${s.name ?? ''}|${s.timestamp}|${s.duration}`;
      assert.deepEqual(exported.map(key).sort(), spans.map(key).sort(), 'the same spans');

      // The original: the API's answer, byte for byte.
      const original = await download(page, 'export-original');
      const body = Buffer.from(await (await fetch(app.api(`/trace/${id}`))).arrayBuffer());
      assert.ok(original.bytes.equals(body), 'the original bytes are the API answer');

      // Statistics: one row per service with its span count.
      const csv = csvRows((await download(page, 'export-services-csv')).bytes.toString('utf8'));
      assert.deepEqual(csv[0].slice(0, 4), ['service', 'operation', 'spans', 'errors']);
      const counts = new Map();
      for (const s of spans) {
        const name = s.localEndpoint?.serviceName ?? '';
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      const got = new Map(csv.slice(1).map((r) => [r[0], Number(r[2])]));
      assert.deepEqual([...got.entries()].sort(), [...counts.entries()].sort(), 'spans per service');
      const ops = csvRows((await download(page, 'export-operations-csv')).bytes.toString('utf8'));
      assert.equal(ops.slice(1).reduce((n, r) => n + Number(r[2]), 0), spans.length, 'every span in one operation row');

      // The waterfall as PNG, at the canvas's backing size.
      const png = await download(page, 'export-png');
      assert.ok(png.bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG');
      const width = png.bytes.readUInt32BE(16);
      const backing = await page.$eval(sel('waterfall-canvas'), (c) => c.width);
      assert.equal(width, backing, 'the PNG has the canvas size');

      // The permalink reproduces the view (here: the page URL with the selection).
      await page.click(`${sel('export-menu')} summary`);
      await page.click(sel('copy-permalink'));
      const link = await poll(() => page.evaluate(() => navigator.clipboard.readText()), (v) => v.includes('trace='), 'the permalink is copied');
      assert.equal(link, page.url());
    },
  },
  {
    name: 'export-charts',
    async run(t) {
      const { page } = t;
      const app = await t.shared.app();
      await openApp(t);
      const res = await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
      await waitForTraceList(page, res.body.length);
      await poll(() => page.getAttribute(sel('scatter'), 'data-points'), (n) => Number(n) > 0, 'the scatter is drawn');
      await checkPng(page, 'scatter-png', 'scatter');

      await page.goto(`${app.url}/index.html?view=dependencies`);
      await poll(() => page.getAttribute(sel('dependency-graph'), 'data-node-count'), (n) => Number(n) > 0, 'the graph is drawn');
      await checkPng(page, 'graph-png', 'dependency-canvas');
    },
  },
  {
    name: 'export-file-original',
    async run(t) {
      const { page } = t;
      await openApp(t);
      const file = fixture('zipkin-v2/zipkin__yelp.json');
      await page.setInputFiles(sel('file-input'), file);
      await poll(() => traceView(page), (v) => v?.ready === 'true', 'the file is shown');
      const original = await download(page, 'export-original');
      assert.equal(original.name, 'zipkin__yelp.json');
      assert.ok(original.bytes.equals(readFileSync(file)), 'the file, byte for byte');
    },
  },
];
