#!/usr/bin/env node
// Browser benchmark of the trace view: what only a browser can measure. Prints a table; it
// is never a timed test (nothing fails on a slow figure).
//
//   node tests/bench/waterfall.mjs [--sizes 10000,100000,1000000] [--runs 1] [--frames 100]
//
// For each size: a synthetic trace (tracescope-synth, seed 1, realistic shape) is served by
// the test server together with the release bundle, and the page opens it with `?trace=`:
// the engine's worker fetches and parses it while the main thread only shows progress. Then
// the page scrolls the waterfall with wheel events for `--frames` frames.
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
import { existsSync, mkdirSync, openSync, readSync, closeSync, statSync } from 'node:fs';
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
  const opts = { sizes: [10_000, 100_000, 1_000_000], runs: 1, frames: 100 };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (key === '--sizes') opts.sizes = value().split(',').map((s) => Number(s.replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000')));
    else if (key === '--runs') opts.runs = Number(value());
    else if (key === '--frames') opts.frames = Number(value());
    else if (key === '--help' || key === '-h') {
      console.log('node tests/bench/waterfall.mjs [--sizes 10000,100000,1000000] [--runs 1] [--frames 100]');
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
  const tasks = (await page.evaluate(() => window.__bench.longTasks)).filter((t) => t.start + t.duration >= start && t.start <= paint);
  return {
    total: paint - start,
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
    'load → first paint (ms)': round(f.total),
    'response bytes → first paint (ms)': round(f.fromBytes),
    '  waiting for a worker (ms)': round(f.wait),
    '  reading: fetch in the worker (ms)': round(f.read),
    '  parsing (ms)': round(f.parse),
    '  deriving (ms)': round(f.derive),
    '  building view + transfer + decode (ms)': round(f.build),
    '  of which copy on main thread (ms)': round(f.copy, 1),
    '  of which decode on main thread (ms)': round(f.decode, 1),
    '  first frame after load (ms)': round(f.frame),
    'longest main-thread task during load (ms)': round(f.longest),
    'long tasks (>50 ms) during load': f.longTasks,
    'longest task at app start-up (ms)': round(f.boot),
    'progress stages shown': (await s.page.evaluate(() => window.__bench.stages)).join('>'),
  };
}

/** The same trace opened from disk through the file input (read by the worker from the File). */
async function fileLoad(s) {
  await s.page.evaluate(() => { window.__bench.stages = []; });
  await s.page.setInputFiles('[data-testid="file-input"]', s.trace.file);
  await s.page.waitForFunction(
    () => document.querySelector('[data-testid="trace-view"]')?.getAttribute('data-ready') === 'true'
      && performance.getEntriesByName('tracescope:first-frame').length > 0,
    null,
    { timeout: LOAD_TIMEOUT_MS, polling: 50 },
  );
  const f = await loadFigures(s.page);
  return {
    'file input: load → first paint (ms)': round(f.total),
    '  reading the file in the worker (ms)': round(f.read),
    'file input: longest main-thread task (ms)': round(f.longest),
  };
}

/** Scrolling: wheel events, one per animation frame; frame times from rAF timestamps. */
async function scroll(s) {
  const frames = await s.frames(s.opts.frames, () => {
    const c = document.querySelector('[data-testid="waterfall-canvas"]');
    c.dispatchEvent(new WheelEvent('wheel', { deltaY: 120, deltaMode: 0, bubbles: true, cancelable: true }));
  });
  const firstRow = Number(await s.page.getAttribute('[data-testid="trace-view"]', 'data-first-row'));
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    [`scroll frame time, median of ${frames.length} (ms)`]: round(percentile(sorted, 50), 1),
    'scroll frame time, p95 (ms)': round(percentile(sorted, 95), 1),
    'scroll frame time, max (ms)': round(sorted[sorted.length - 1], 1),
    'rows scrolled': firstRow,
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
const MEASUREMENTS = [load, scroll, memory, fileLoad];

/** Rows aggregated over runs by their worst value rather than the median. */
const WORST = /longest|long tasks|max/;

// ---------------------------------------------------------------------------------------

/** Runs `perFrame` in the page once per animation frame for `n` frames; returns frame times. */
function framesHelper(page) {
  return (n, perFrame) =>
    page.evaluate(
      ({ n, body }) =>
        new Promise((resolve) => {
          const step = new Function(body);
          const stamps = [];
          const tick = (t) => {
            stamps.push(t);
            if (stamps.length > n) {
              resolve(stamps.slice(1).map((x, i) => x - stamps[i]));
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
    await page.goto(`${server.url}/index.html?trace=${trace.id}`);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="trace-view"]')?.getAttribute('data-ready') === 'true'
        && performance.getEntriesByName('tracescope:first-frame').length > 0,
      null,
      { timeout: LOAD_TIMEOUT_MS, polling: 50 },
    );
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
