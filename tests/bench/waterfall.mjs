#!/usr/bin/env node
// Browser benchmark of the trace view: what only a browser can measure. Prints a table; it
// is never a timed test (nothing fails on a slow figure).
//
//   node tests/bench/waterfall.mjs [--sizes 10000,100000,1000000] [--runs 1] [--frames 100]
//
// For each size: a synthetic trace (tracescope-synth, seed 1, realistic shape) is served by
// the test server together with the release bundle, and the page opens it with `?trace=`:
// the engine's worker fetches and parses it while the main thread only shows progress. Then
// the page scrolls, zooms (Ctrl+wheel) and pans (Shift+wheel) the waterfall, one input event
// per animation frame for `--frames` frames each, and types filters.
//
// Frame time is what a frame costs us: the time spent in the waterfall's rAF callback
// (layout of the visible rows, painting both canvases), recorded by the app and read with
// `window.wasmBindings.tracescope_frame_times()`. The interval between rAF timestamps is
// printed too, but headless Chromium paces it at the display rate (16.7 ms), so it only
// shows a missed frame. Long tasks (> 50 ms) come from a PerformanceObserver.
//
// `--profile DIR` also writes a CPU profile of the main thread during the `?trace=` load of
// each size (DIR/load-<spans>.cpuprofile, for Chromium's DevTools) and prints its heaviest
// functions by self time.
//
// Needs (scripts/bench-browser.sh builds them): dist/ (trunk build --release),
// target/release/tracescope-testserver and target/release/tracescope-synth. Paths follow
// TRACESCOPE_DIST, TRACESCOPE_TESTSERVER, TRACESCOPE_SYNTH, CARGO_TARGET_DIR and
// TRACESCOPE_CHROMIUM. Generated traces are kept in bench-out/traces/ for the next run.
//
// The same trace is then opened from disk through the file input (`fileLoad`), which shows
// the pipeline without the network.
//
// Adding a row (zoom, pan or filter latency...): write one async function `(s) => ({ 'row
// name (unit)': number })` and add it to MEASUREMENTS. `s` holds the page with the trace
// loaded and drawn (`s.page`), the CDP session (`s.cdp`), the size, and helpers
// (`s.frames(n, perFrame)` runs `perFrame` once per animation frame in the page and returns
// the frame times). Measurements run in order on the same page.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGET = path.resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target');
const DIST = path.resolve(ROOT, process.env.TRACESCOPE_DIST ?? 'dist');
const SERVER = path.resolve(ROOT, process.env.TRACESCOPE_TESTSERVER ?? path.join(TARGET, 'release/tracescope-testserver'));
const SYNTH = path.resolve(ROOT, process.env.TRACESCOPE_SYNTH ?? path.join(TARGET, 'release/tracescope-synth'));
const CHROMIUM = process.env.TRACESCOPE_CHROMIUM ?? '/usr/bin/chromium';
const TRACES_DIR = path.join(ROOT, 'bench-out', 'traces');
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const VIEWPORT = { width: 1280, height: 800 };
const LOAD_TIMEOUT_MS = 300_000;

function parseArgs(argv) {
  const opts = { sizes: [10_000, 100_000, 1_000_000], runs: 1, frames: 100, profile: null };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (key === '--sizes') opts.sizes = value().split(',').map((s) => Number(s.replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000')));
    else if (key === '--runs') opts.runs = Number(value());
    else if (key === '--frames') opts.frames = Number(value());
    else if (key === '--profile') opts.profile = path.resolve(value());
    else if (key === '--help' || key === '-h') {
      console.log('node tests/bench/waterfall.mjs [--sizes 10000,100000,1000000] [--runs 1] [--frames 100] [--profile DIR]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (opts.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`bad --sizes: ${opts.sizes}`);
  return opts;
}

function need(file, how) {
  if (!existsSync(file)) throw new Error(`missing ${file}: ${how} (or run scripts/bench-browser.sh)`);
}

/** The generated trace of `spans` spans (made once, then reused), and its trace id. */
function traceFile(spans) {
  mkdirSync(TRACES_DIR, { recursive: true });
  const file = path.join(TRACES_DIR, `realistic-${spans}-seed1.json`);
  if (!existsSync(file)) {
    need(SYNTH, 'cargo build --release -p tracescope-synth');
    process.stderr.write(`[bench] generating ${spans} spans → ${path.relative(ROOT, file)}\n`);
    execFileSync(SYNTH, ['--spans', String(spans), '--seed', '1', '--shape', 'realistic', '--out', file], { stdio: 'inherit' });
  }
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4096);
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const id = /"traceId"\s*:\s*"([0-9a-fA-F]+)"/.exec(head.toString('utf8'))?.[1];
  if (!id) throw new Error(`no traceId at the start of ${file}`);
  return { file, id, bytes: statSync(file).size };
}

/** Starts the test server with `args`; resolves { url, stop() } once it listens. */
function startServer(args) {
  need(SERVER, 'cargo build --release -p tracescope-testserver');
  const child = spawn(SERVER, ['--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 3000).unref();
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { stop(); reject(new Error(`test server did not start in 120 s\n${log}`)); }, 120_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`test server exited (${code})\n${log}`)); });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ url: m[1], pid: child.pid, stop });
      }
    });
  });
}

// Installed in every page before the app starts: records long tasks and load stages.
function pageProbe() {
  window.__bench = { longTasks: [], stages: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid="load-progress"]');
    const stage = el?.getAttribute('data-stage');
    const s = window.__bench.stages;
    if (stage && s[s.length - 1] !== stage) s.push(stage);
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'] });
}

const round = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v) ? null : Number(v.toFixed(digits)));
const MB = 1e6;

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

// ---------------------------------------------------------------------------------------
// Measurements: each returns { 'row (unit)': value }. Rows appear in the order first seen.

/** Times of the last load from the app's performance marks, and the long tasks during it. */
async function loadFigures(page) {
  const marks = await page.evaluate(() => {
    const out = {};
    for (const e of performance.getEntriesByType('mark')) if (e.name.startsWith('tracescope:')) out[e.name] = e.startTime;
    for (const e of performance.getEntriesByType('measure')) if (e.name.startsWith('tracescope:')) out[e.name] = e.duration;
    return out;
  });
  const m = (k) => marks[`tracescope:${k}`];
  const span = (from, to) => (m(from) !== undefined && m(to) !== undefined ? m(to) - m(from) : null);
  const start = m('load-start');
  const paint = m('first-frame');
  // Complete: the waterfall and the minimap (sliced after the first frame for big traces).
  const complete = Math.max(paint, m('minimap-ready') ?? paint);
  const tasks = (await page.evaluate(() => window.__bench.longTasks)).filter((t) => t.start + t.duration >= start && t.start <= complete);
  return {
    total: paint - start,
    complete: complete - start,
    fromBytes: paint - m('stage:parsing'),
    wait: span('load-start', 'worker-ready'),
    read: span('worker-ready', 'stage:parsing'),
    parse: span('stage:parsing', 'stage:deriving'),
    derive: span('stage:deriving', 'stage:building'),
    build: span('stage:building', 'load-end'),
    copy: m('copy-model'),
    decode: m('decode-model'),
    frame: span('load-end', 'first-frame'),
    longest: tasks.reduce((a, t) => Math.max(a, t.duration), 0),
    longTasks: tasks.length,
    boot: (await page.evaluate(() => window.__bench.longTasks)).filter((t) => t.start < start).reduce((a, t) => Math.max(a, t.duration), 0),
  };
}

/** The load by URL (`?trace=`, fetched by the worker): first paint, stages, long tasks. */
async function load(s) {
  const f = await loadFigures(s.page);
  return {
    'input JSON (MB)': round(s.trace.bytes / MB, 1),
    'load → first complete paint (ms)': round(f.complete),
    '  waterfall drawn (ms)': round(f.total),
    'response bytes → first paint (ms)': round(f.fromBytes),
    '  waiting for a worker (ms)': round(f.wait),
    '  reading: fetch in the worker (ms)': round(f.read),
    '  parsing (ms)': round(f.parse),
    '  deriving (ms)': round(f.derive),
    '  building view + transfer + decode (ms)': round(f.build),
    '  of which copy on main thread (ms)': round(f.copy, 1),
    '  of which decode on main thread (ms)': round(f.decode, 1),
    '  first frame after load (ms)': round(f.frame),
    '  minimap slices after the first frame (ms)': round(f.complete - f.total),
    'longest main-thread task during load (ms)': round(f.longest),
    'long tasks (>50 ms) during load': f.longTasks,
    'longest task at app start-up (ms)': round(f.boot),
    'progress stages shown': (await s.page.evaluate(() => window.__bench.stages)).join('>'),
  };
}

/** The same trace opened from disk through the file input (read by the worker from the File). */
async function fileLoad(s) {
  // The marks of the previous load would satisfy the wait below at once.
  await s.page.evaluate(() => {
    window.__bench.stages = [];
    performance.clearMarks('tracescope:first-frame');
    performance.clearMarks('tracescope:minimap-ready');
  });
  if (s.opts.profile) await startProfile(s.cdp);
  await s.page.setInputFiles('[data-testid="file-input"]', s.trace.file);
  // Both marks of the new load: the app sets them only for the view of the latest load (the
  // previous view, still on screen while the file loads, may finish a minimap meanwhile).
  await s.page.waitForFunction(
    () => document.querySelector('[data-testid="trace-view"]')?.getAttribute('data-ready') === 'true'
      && performance.getEntriesByName('tracescope:first-frame').length > 0
      && performance.getEntriesByName('tracescope:minimap-ready').length > 0,
    null,
    { timeout: LOAD_TIMEOUT_MS, polling: 50 },
  );
  if (s.opts.profile) await stopProfile(s.cdp, s.opts.profile, `file-${s.size}`, `file input load of ${label(s.size)}`);
  const f = await loadFigures(s.page);
  return {
    'file input: load → first complete paint (ms)': round(f.complete),
    '  reading the file in the worker (ms)': round(f.read),
    'file input: longest main-thread task (ms)': round(f.longest),
  };
}

/** Frame rows of one interaction: our frame cost (median, p95, max), the rAF interval p95. */
function frameRows(what, f) {
  const cost = [...f.cost].sort((a, b) => a - b);
  const interval = [...f.interval].sort((a, b) => a - b);
  return {
    [`${what}: frames measured`]: cost.length,
    [`${what}: frame cost, median (ms)`]: round(percentile(cost, 50), 2),
    [`${what}: frame cost, p95 (ms)`]: round(percentile(cost, 95), 2),
    [`${what}: frame cost, max (ms)`]: round(cost[cost.length - 1], 2),
    [`${what}: rAF interval, p95 (ms)`]: round(percentile(interval, 95), 1),
    [`${what}: longest task (ms)`]: round(f.longest),
  };
}

/** Scrolling: a wheel event per animation frame. */
async function scroll(s) {
  const f = await s.frames(s.opts.frames, () => {
    const c = document.querySelector('[data-testid="waterfall-canvas"]');
    c.dispatchEvent(new WheelEvent('wheel', { deltaY: 120, deltaMode: 0, bubbles: true, cancelable: true }));
  });
  const firstRow = Number(await s.page.getAttribute('[data-testid="trace-view"]', 'data-first-row'));
  return { ...frameRows('scroll', f), 'rows scrolled': firstRow };
}

/** Zooming: Ctrl+wheel at the middle of the timeline, in for half the frames, then out. */
async function zoom(s) {
  await s.page.evaluate(() => { window.__zoomStep = 0; });
  const f = await s.frames(s.opts.frames, () => {
    const c = document.querySelector('[data-testid="waterfall-canvas"]');
    const r = c.getBoundingClientRect();
    const inward = (window.__zoomStep++ % 100) < 50;
    c.dispatchEvent(new WheelEvent('wheel', {
      deltaY: inward ? -60 : 60, deltaMode: 0, ctrlKey: true, bubbles: true, cancelable: true,
      clientX: r.left + r.width * 0.65, clientY: r.top + r.height / 2,
    }));
  });
  return frameRows('zoom', f);
}

/** Panning: zoomed in to a tenth of the trace, Shift+wheel sideways, one event per frame. */
async function pan(s) {
  await s.page.evaluate(() => {
    const c = document.querySelector('[data-testid="waterfall-canvas"]');
    const r = c.getBoundingClientRect();
    c.dispatchEvent(new WheelEvent('wheel', { deltaY: -1535, deltaMode: 0, ctrlKey: true, bubbles: true, cancelable: true, clientX: r.left + r.width * 0.4, clientY: r.top + 100 }));
    window.__panStep = 0;
  });
  const f = await s.frames(s.opts.frames, () => {
    const c = document.querySelector('[data-testid="waterfall-canvas"]');
    const right = (window.__panStep++ % 100) < 50;
    c.dispatchEvent(new WheelEvent('wheel', { deltaY: right ? 40 : -40, deltaMode: 0, shiftKey: true, bubbles: true, cancelable: true }));
  });
  await s.page.click('[data-testid="zoom-reset"]').catch(() => {});
  return frameRows('pan', f);
}

/**
 * Filter latency: from typing a query (one input event) to the end of the frame that draws
 * its matches. Three queries, each typed into an empty filter, then cleared.
 */
async function filter(s) {
  const queries = ['service:payment-service', 'is:error', 'dur>50ms'];
  const times = [];
  const engineTimes = [];
  let longest = 0;
  for (const q of queries) {
    const r = await s.page.evaluate((q) => new Promise((resolve) => {
      const view = document.querySelector('[data-testid="trace-view"]');
      const input = document.querySelector('[data-testid="trace-filter"]');
      const before = window.__bench.longTasks.length;
      const done = (matches) => {
        const tasks = window.__bench.longTasks.slice(before);
        const engine = performance.getEntriesByName('tracescope:filter-engine').at(-1)?.duration ?? null;
        resolve({ ms: performance.now() - t0, engine, matches, longest: tasks.reduce((a, t) => Math.max(a, t.duration), 0) });
      };
      const obs = new MutationObserver(() => {
        const n = view.getAttribute('data-match-count');
        if (n === '') return;
        obs.disconnect();
        // The app draws in the next animation frame; a rAF registered now runs after it.
        requestAnimationFrame(() => done(Number(n)));
      });
      obs.observe(view, { attributes: true, attributeFilter: ['data-match-count'] });
      const t0 = performance.now();
      input.value = q;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }), q);
    times.push(r.ms);
    engineTimes.push(r.engine);
    longest = Math.max(longest, r.longest);
    // Clear, and wait until the view has no filter again.
    await s.page.evaluate(() => {
      const input = document.querySelector('[data-testid="trace-filter"]');
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await s.page.waitForFunction(() => document.querySelector('[data-testid="trace-view"]').getAttribute('data-match-count') === '', null, { polling: 'raf' });
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    'filter: type → repaint, median of 3 queries (ms)': round(percentile(sorted, 50)),
    'filter: type → repaint, slowest (ms)': round(sorted[sorted.length - 1]),
    '  of which the engine (worker round trip), slowest (ms)': engineTimes.every((t) => t !== null) ? round(Math.max(...engineTimes)) : null,
    'filter: longest task (ms)': round(longest),
  };
}

/** Memory after the load: the page's JS heap and the wasm memories. */
async function memory(s) {
  const { metrics } = await s.cdp.send('Performance.getMetrics');
  const heap = metrics.find((x) => x.name === 'JSHeapUsedSize')?.value;
  const wasm = await s.page.evaluate(() => window.wasmBindings?.tracescope_memory?.() ?? null);
  return {
    'JS heap used, page (MB)': round(heap / MB, 1),
    'wasm memory, page (MB)': wasm ? round(wasm.main / MB, 1) : null,
    'wasm memory, worker after load (MB)': wasm ? round(wasm.worker / MB, 1) : null,
  };
}

// In order, on one page; `fileLoad` replaces the trace, so it comes last.
const MEASUREMENTS = [load, scroll, zoom, pan, filter, memory, fileLoad];

/** Rows aggregated over runs by their worst value rather than the median. */
const WORST = /longest|long tasks|max|slowest/;

// ---------------------------------------------------------------------------------------

/**
 * Runs `perFrame` in the page once per animation frame for `n` frames. Returns our frame
 * costs as the app recorded them, the rAF intervals, and the longest task meanwhile.
 */
function framesHelper(page) {
  return (n, perFrame) =>
    page.evaluate(
      ({ n, body }) =>
        new Promise((resolve) => {
          const step = new Function(body);
          const stamps = [];
          const before = window.__bench.longTasks.length;
          window.wasmBindings.tracescope_frame_times();
          const tick = (t) => {
            stamps.push(t);
            if (stamps.length > n) {
              // Let the last input's frame run before reading the costs.
              requestAnimationFrame(() => {
                const cost = Array.from(window.wasmBindings.tracescope_frame_times());
                const tasks = window.__bench.longTasks.slice(before);
                resolve({
                  cost,
                  interval: stamps.slice(1).map((x, i) => x - stamps[i]),
                  longest: tasks.reduce((a, t) => Math.max(a, t.duration), 0),
                });
              });
              return;
            }
            step();
            requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        }),
      { n, body: `(${perFrame.toString()})()` },
    );
}

async function startProfile(cdp) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
}

/** Stops the profiler; writes DIR/NAME.cpuprofile; prints the heaviest functions and the longest busy stretches. */
async function stopProfile(cdp, dir, name, what) {
  const { profile } = await cdp.send('Profiler.stop');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${name}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));
  process.stderr.write(`[bench] main-thread CPU profile of the ${what} → ${out}; heaviest by self time:\n`);
  for (const [fn, ms] of topFunctions(profile, 12)) process.stderr.write(`  ${ms.toFixed(1).padStart(8)} ms  ${fn}\n`);
  for (const b of busyStretches(profile).slice(0, 5)) {
    process.stderr.write(`  busy ${b.ms.toFixed(0)} ms at +${b.at.toFixed(0)} ms: ${b.top.map(([fn, ms]) => `${fn} ${ms.toFixed(0)}`).join(', ')}\n`);
  }
}

/** Stretches of the profile without an idle sample (tasks, or tasks back to back), longest first. */
function busyStretches(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = [];
  let t = profile.startTime;
  let cur = null;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const f = byId.get(profile.samples[i]).callFrame;
    if (f.functionName === '(idle)') { cur = null; continue; }
    if (!cur) { cur = { at: (t - dt - profile.startTime) / 1000, ms: 0, self: new Map() }; out.push(cur); }
    cur.ms += dt / 1000;
    const fn = `${f.functionName || '(anonymous)'}${f.url ? ` ${path.basename(f.url.split('?')[0])}` : ''}`;
    cur.self.set(fn, (cur.self.get(fn) ?? 0) + dt / 1000);
  }
  for (const b of out) b.top = [...b.self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
  return out.sort((a, b) => b.ms - a.ms);
}

/** Heaviest functions by self time in a CDP CPU profile. */
function topFunctions(profile, count) {
  const self = new Map();
  const dt = profile.timeDeltas;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url ? path.basename(f.url.split('?')[0]) : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}

async function measureSize(browser, spans, opts) {
  const trace = traceFile(spans);
  const server = await startServer(['--load', trace.file, '--shift-to-now', '--static', DIST]);
  try {
    // The server turns a big trace into JSON once; do that before timing.
    const res = await fetch(`${server.url}/api/v2/trace/${trace.id}`);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`GET /trace/${trace.id}: ${res.status}`);

    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.addInitScript(pageProbe);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    if (opts.profile) await startProfile(cdp);
    await page.goto(`${server.url}/index.html?trace=${trace.id}`);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="trace-view"]')?.getAttribute('data-ready') === 'true'
        && performance.getEntriesByName('tracescope:minimap-ready').length > 0,
      null,
      { timeout: LOAD_TIMEOUT_MS, polling: 50 },
    );
    if (opts.profile) await stopProfile(cdp, opts.profile, `load-${spans}`, `?trace= load of ${label(spans)}`);
    const shown = Number(await page.getAttribute('[data-testid="trace-view"]', 'data-span-count'));
    if (shown !== spans) errors.push(`data-span-count ${shown}, expected ${spans}`);
    const s = { page, cdp, size: spans, trace, opts, frames: framesHelper(page) };
    const row = {};
    for (const measure of MEASUREMENTS) Object.assign(row, await measure(s));
    await context.close();
    if (errors.length) row['errors'] = errors.slice(0, 3).join(' | ');
    return row;
  } finally {
    await server.stop();
  }
}

function median(values) {
  const nums = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (nums.length !== values.length) return values[values.length - 1];
  return nums[Math.floor((nums.length - 1) / 2)];
}

function label(n) {
  return n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M spans` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k spans` : `${n} spans`;
}

function printTable(sizes, results) {
  const names = [];
  for (const r of results) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  const header = ['metric', ...sizes.map(label)];
  // The long-task observer sees only tasks over 50 ms: 0 means none.
  const cell = (k, v) => (v === undefined || v === null ? '–' : /longest.*task/.test(k) && v === 0 ? '<50' : String(v));
  const rows = names.map((k) => [k, ...results.map((r) => cell(k, r[k]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  need(path.join(DIST, 'index.html'), 'trunk build --release');
  need(CHROMIUM, 'apt-get install chromium, or set TRACESCOPE_CHROMIUM');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const results = [];
  try {
    for (const spans of opts.sizes) {
      const runs = [];
      for (let i = 0; i < opts.runs; i++) {
        process.stderr.write(`[bench] ${label(spans)}, run ${i + 1} of ${opts.runs}\n`);
        runs.push(await measureSize(browser, spans, opts));
      }
      const merged = {};
      for (const k of Object.keys(runs[0])) {
        const values = runs.map((r) => r[k]);
        merged[k] = WORST.test(k) && values.every((v) => typeof v === 'number') ? Math.max(...values) : median(values);
      }
      results.push(merged);
    }
  } finally {
    await browser.close();
  }
  console.log(`tracescope browser benchmark — ${new Date().toISOString()}`);
  console.log(`${browser.version ? `Chromium ${browser.version()}` : 'Chromium'} headless (software rendering), ` +
    `${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
    `viewport ${VIEWPORT.width}×${VIEWPORT.height}; ${opts.runs} run(s) per size (median)`);
  console.log('');
  printTable(opts.sizes, results);
}

main().catch((err) => {
  console.error(err.stack ?? String(err));
  process.exit(1);
});
