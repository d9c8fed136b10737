// 8. A large trace (100k generated spans) loads in the engine's worker: through the file input
//    and through ?trace= from the test server, with progress shown, the page responsive (Back
//    works mid-load) and no long main-thread task. The bound on tasks is loose on purpose;
//    the browser benchmark (tests/bench/waterfall.mjs) reports the real figures.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, openSync, readSync, closeSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  CHROMIUM_FETCH_ERRORS, appUrl, assertCanvasDrawn, openApp, poll, sel, traceView, waitForError, waitForServiceOptions,
  waitForTraceView,
} from '../lib/app.mjs';
import { fixture, requireDist, requireSynth } from '../lib/env.mjs';

const YELP = { file: 'zipkin-v2/zipkin__yelp.json', traceId: 'a03ee8fff1dcd9b9', spans: 16 };

const SPANS = 100_000;
const LONG_TASK_LIMIT_MS = 200;
const LOAD_TIMEOUT_MS = 90_000;

/** Generates the trace with tracescope-synth; returns its path and trace id. */
async function generate(t) {
  const file = path.join(await t.tmpDir(), `realistic-${SPANS}.json`);
  execFileSync(requireSynth(), ['--spans', String(SPANS), '--seed', '1', '--shape', 'realistic', '--out', file]);
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(1024);
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const traceId = /"traceId"\s*:\s*"([0-9a-f]+)"/.exec(head.toString())?.[1];
  assert.ok(traceId, 'the generated file starts with a span');
  return { file, traceId };
}

/** Runs in the page before the app: records long tasks and every load stage shown. */
function probe() {
  window.__e2e = { longTasks: [], stages: [], percents: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__e2e.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    const strip = document.querySelector('[data-testid="load-progress"]');
    const stage = strip?.getAttribute('data-stage');
    const seen = window.__e2e.stages;
    if (stage && seen[seen.length - 1] !== stage) seen.push(stage);
    // The percentage (bytes read of the total) as the attribute and as the text shown.
    const percent = strip?.getAttribute('data-percent');
    if (percent) window.__e2e.percents.push({ at: performance.now(), stage, percent: Number(percent), text: strip.querySelector('[data-testid="load-percent"]')?.textContent ?? '' });
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-stage', 'data-percent'] });
}

/** Checks what the user saw during a load that started at page time `since`. */
async function checkLoad(t, since, what) {
  const { longTasks, stages, percents } = await t.page.evaluate(() => window.__e2e);
  t.note(`${what}: stages shown ${stages.join(' > ')}; percentages ${[...new Set(percents.map((p) => p.percent))].join(', ')}`);
  const reading = percents.filter((p) => p.stage === 'reading' && p.at >= since);
  // A file's size is known; a response's only with a Content-Length (and no encoding).
  if (what === 'file input') assert.ok(reading.length > 0, `${what}: a percentage is shown while the bytes are read`);
  assert.ok(reading.every((p) => p.percent >= 0 && p.percent <= 100), `${what}: percentages within 0-100: ${JSON.stringify(reading)}`);
  assert.ok(reading.some((p) => new RegExp(`^${p.percent}%$`).test(p.text.trim())), `${what}: the strip shows "N%" text: ${JSON.stringify(reading.slice(0, 3))}`);
  for (let i = 1; i < reading.length; i++) assert.ok(reading[i].percent >= reading[i - 1].percent, `${what}: the percentage never goes back`);
  assert.ok(stages.includes('parsing') || stages.includes('deriving'), `${what}: progress shows the engine's stages: ${stages}`);
  assert.equal(stages[0] === 'starting' ? stages[1] : stages[0], 'reading', `${what}: the first stage is reading: ${stages}`);
  const during = longTasks.filter((x) => x.start + x.duration >= since);
  const longest = Math.max(0, ...during.map((x) => x.duration));
  t.note(`${what}: ${during.length} long task(s), longest ${Math.round(longest)} ms` +
    (during.length ? ` (${during.map((x) => `${Math.round(x.duration)} ms at +${Math.round(x.start - since)}`).join(', ')})` : ''));
  assert.ok(longest <= LONG_TASK_LIMIT_MS, `${what}: no main-thread task over ${LONG_TASK_LIMIT_MS} ms (longest ${Math.round(longest)} ms)`);
  await poll(() => t.page.locator(sel('load-progress')).count(), (n) => n === 0, `${what}: the progress strip goes away`);
}

const now = (page) => page.evaluate(() => performance.now());

export default [
  {
    name: 'large-file',
    timeout: 150_000,
    async run(t) {
      const { page } = t;
      const { file, traceId } = await generate(t);
      await page.addInitScript(probe);
      const api = await t.shared.api();
      await openApp(t, { api });
      await waitForServiceOptions(page);

      const since = await now(page);
      await page.setInputFiles(sel('file-input'), file);
      const view = await waitForTraceView(page, { traceId, timeout: LOAD_TIMEOUT_MS });
      assert.equal(view.spanCount, SPANS, 'data-span-count of the generated file');
      await assertCanvasDrawn(page, 'waterfall of 100k spans');
      await checkLoad(t, since, 'file input');

      // A file opened while another loads supersedes it: the small one shows and stays.
      await page.setInputFiles(sel('file-input'), file);
      await page.locator(`${sel('load-progress')}:not([data-stage="starting"]):not([data-stage="reading"])`)
        .first().waitFor({ timeout: LOAD_TIMEOUT_MS });
      await page.setInputFiles(sel('file-input'), fixture(YELP.file));
      await waitForTraceView(page, { traceId: YELP.traceId });
      await poll(() => page.locator(sel('load-progress')).count(), (n) => n === 0, 'no load left in flight');
      await page.waitForTimeout(2000); // longer than the abandoned load would have taken
      const after = await traceView(page);
      assert.equal(after?.traceId, YELP.traceId, 'the abandoned load never replaces the newer trace');
      assert.equal(after.spanCount, YELP.spans);
      assert.equal(await page.locator(sel('error')).count(), 0, 'an abandoned load is no error');
    },
  },
  {
    name: 'no-worker-fallback',
    timeout: 60_000,
    allowErrors: [CHROMIUM_FETCH_ERRORS.status(404)],
    async run(t) {
      const { page } = t;
      // 1. A browser without Worker: the engine runs in the page, behind the same client.
      await page.addInitScript(() => {
        delete window.Worker;
      });
      const api = await t.shared.api();
      await openApp(t, { api });
      await waitForServiceOptions(page);
      await page.setInputFiles(sel('file-input'), fixture(YELP.file));
      const view = await waitForTraceView(page, { traceId: YELP.traceId });
      assert.equal(view.spanCount, YELP.spans, 'without Worker: data-span-count');
      await assertCanvasDrawn(page, 'waterfall without Worker');

      // 2. A bundle deployed without the worker's files: the app notices and works alone.
      const dir = await t.tmpDir();
      cpSync(requireDist(), dir, { recursive: true });
      for (const f of readdirSync(dir).filter((f) => f.startsWith('tracescope-worker'))) rmSync(path.join(dir, f));
      const host = await t.servers.start(['--static', dir, '--samples', '5', '--seed', '3']);
      const page2 = await t.context.newPage();
      await page2.goto(appUrl(host));
      await page2.setInputFiles(sel('file-input'), fixture(YELP.file));
      const view2 = await waitForTraceView(page2, { traceId: YELP.traceId });
      assert.equal(view2.spanCount, YELP.spans, 'without the worker script: data-span-count');
      // A malformed answer still gives a positioned error there.
      await page2.goto(appUrl(host, { trace: 'feedfacecafebeef' }));
      const message = await waitForError(page2);
      assert.match(message, /404/, `the error of a failed load shows without a worker: ${message}`);
    },
  },
  {
    name: 'large-trace-url',
    timeout: 150_000,
    async run(t) {
      const { page } = t;
      const { file, traceId } = await generate(t);
      const server = await t.servers.start(['--load', file, '--shift-to-now', '--static', requireDist()]);
      await page.addInitScript(probe);
      const url = appUrl(server, { trace: traceId });

      // Mid-load the page answers: Back shows the search page and the load is dropped.
      await page.goto(url);
      // Any stage will do: with the fast reader, parsing and deriving 100k spans can be over
      // before a poll sees them, while reading 46 MB always takes a while.
      const midLoad = ['reading', 'parsing', 'deriving'].map((s) => `${sel('load-progress')}[data-stage="${s}"]`).join(', ');
      await page.locator(midLoad).first().waitFor({ timeout: LOAD_TIMEOUT_MS });
      const clicked = Date.now();
      await page.click(sel('back-to-search'));
      await page.locator(sel('search-form')).waitFor({ timeout: 2000 });
      t.note(`back during the load: search page after ${Date.now() - clicked} ms`);
      await poll(() => page.locator(sel('load-progress')).count(), (n) => n === 0, 'leaving the page drops the load');
      assert.equal(await traceView(page), null, 'no trace view on the search page');

      // The browser's back button returns to the trace: it loads from the start and is drawn.
      const since = await now(page);
      await page.goBack();
      const view = await waitForTraceView(page, { traceId, timeout: LOAD_TIMEOUT_MS });
      assert.equal(view.spanCount, SPANS, 'data-span-count of the served trace');
      await assertCanvasDrawn(page, 'waterfall of 100k spans');
      await checkLoad(t, since, '?trace=');
    },
  },
];
