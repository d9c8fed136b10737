#!/usr/bin/env node
// Browser benchmark of the search page: the in-browser result filter, the sort and the
// scatter plot over many results. Prints a table; never a timed test.
//
//   node tests/bench/search.mjs [--sizes 1000,10000] [--runs 7]
//
// For each size N it writes N small traces (3 spans, 12 services, start times over the last
// 50 minutes, log-uniform durations, 10% with an error tag) to bench-out/search-N.json,
// serves them with the test server beside the release bundle, opens the search page with
// `?limit=N&lookback=1h`, waits for the list, and then times each interaction from the input
// event until the page has done everything it does before it can paint (the
// filter in the core, the list's DOM and layout, the scatter plot; not the wait for vsync),
// after a warm-up, repeated --runs times, each run changing the result. "scatter draw" is the plot's own drawing time (the canvas's
// data-draw-ms). Median and worst of the runs are printed, and the main thread's CPU time
// per interaction from a Chrome trace (thread time: on a machine whose cores are shared, the
// wall-clock figures grow with the load, this one does not).
//
// Needs dist/ (trunk build --release) and a test server binary (release if built, else debug;
// TRACESCOPE_TESTSERVER overrides). scripts/bench-search.sh builds both and runs this.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGET = path.resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target');
const DIST = path.resolve(ROOT, process.env.TRACESCOPE_DIST ?? 'dist');
const SERVER = process.env.TRACESCOPE_TESTSERVER
  ? path.resolve(ROOT, process.env.TRACESCOPE_TESTSERVER)
  : [path.join(TARGET, 'release/tracescope-testserver'), path.join(TARGET, 'debug/tracescope-testserver')].find(existsSync);
const CHROMIUM = process.env.TRACESCOPE_CHROMIUM ?? '/usr/bin/chromium';
const OUT = path.join(ROOT, 'bench-out');
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

function parseArgs(argv) {
  const opts = { sizes: [1000, 10_000], runs: 7 };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (key === '--sizes') opts.sizes = value().split(',').map(Number);
    else if (key === '--runs') opts.runs = Number(value());
    else if (key === '--help' || key === '-h') {
      console.log('node tests/bench/search.mjs [--sizes 1000,10000] [--runs 7]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N three-span traces ending before now, as a Zipkin v2 span array. */
function writeResults(n) {
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `search-${n}.json`);
  const r = rng(n);
  const services = Array.from({ length: 12 }, (_, i) => `service-${String.fromCharCode(97 + i)}`);
  const names = Array.from({ length: 20 }, (_, i) => `GET /api/v1/resource-${i}`);
  const hex = (k) => Array.from({ length: k }, () => Math.floor(r() * 16).toString(16)).join('');
  const now = Date.now() * 1000;
  const spans = [];
  for (let i = 0; i < n; i++) {
    const traceId = hex(16);
    const start = Math.floor(now - 5e6 - r() * 50 * 60e6);
    const duration = Math.floor(10 ** (2 + r() * 5)); // 100 µs … 10 s
    const a = services[Math.floor(r() * services.length)];
    const b = services[Math.floor(r() * services.length)];
    const name = names[Math.floor(r() * names.length)];
    const error = r() < 0.1;
    const root = hex(16);
    const child = hex(16);
    spans.push(
      { traceId, id: root, kind: 'SERVER', name, timestamp: start, duration, localEndpoint: { serviceName: a }, tags: { 'http.method': 'GET' } },
      { traceId, id: child, parentId: root, kind: 'CLIENT', name: 'call', timestamp: start + 10, duration: Math.floor(duration / 2), localEndpoint: { serviceName: a }, remoteEndpoint: { serviceName: b }, ...(error ? { tags: { error: 'boom' } } : {}) },
      { traceId, id: child, parentId: root, kind: 'SERVER', shared: true, name: 'call', timestamp: start + 20, duration: Math.floor(duration / 2) - 20, localEndpoint: { serviceName: b } },
    );
  }
  writeFileSync(file, JSON.stringify(spans));
  return file;
}

function startServer(args) {
  if (!SERVER) throw new Error('no test server binary: cargo build --release -p tracescope-testserver');
  const child = spawn(SERVER, ['--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`test server exited (${code})\n${log}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        child.removeAllListeners('exit');
        resolve({ url: m[1], stop });
      }
    });
  });
}

/**
 * In the page: runs `act` (which changes the filter), lets every reaction run (Leptos runs
 * effects as microtasks, so a macrotask comes after all of them), forces style and layout,
 * and returns the milliseconds in between (not waiting for vsync), the scatter's own draw
 * time, and the counts.
 */
async function timed(page, act) {
  return page.evaluate(async (src) => {
    // eslint-disable-next-line no-new-func
    const run = new Function(`return (${src})`)();
    const canvas = document.querySelector('[data-testid="scatter"]');
    const macrotask = () => new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => r();
      ch.port2.postMessage(0);
    });
    const t0 = performance.now();
    run();
    await macrotask();
    void document.body.offsetHeight;
    const t1 = performance.now();
    const count = document.querySelector('[data-testid="result-count"]');
    return { ms: t1 - t0, draw: Number(canvas.dataset.drawMs), shown: Number(count.dataset.shown), points: Number(canvas.dataset.points) };
  }, act.toString());
}

// Page-side actions (serialised with toString(): no closures over Node variables).
const setInput = (testid, value) => `() => {
  const el = document.querySelector('[data-testid="${testid}"]');
  el.value = ${JSON.stringify(value)};
  el.dispatchEvent(new Event(el.tagName === 'SELECT' || el.type === 'checkbox' ? 'change' : 'input', { bubbles: true }));
}`;
const toggle = (testid) => `() => {
  const el = document.querySelector('[data-testid="${testid}"]');
  el.checked = !el.checked;
  el.dispatchEvent(new Event('change', { bubbles: true }));
}`;
const brush = (from, to) => `() => {
  const c = document.querySelector('[data-testid="scatter"]');
  const r = c.getBoundingClientRect();
  const y = r.top + r.height / 2;
  const at = (f) => r.left + 64 + (r.width - 78) * f;
  const ev = (type, f) => c.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: at(f), clientY: y, button: 0 }));
  ev('mousedown', ${from}); ev('mousemove', ${to}); ev('mouseup', ${to});
}`;

/** Interactions, each a pair of actions alternated across runs (so every run changes the list). */
const CASES = [
  ['text filter, one keystroke', setInput('result-filter', 'service-c'), setInput('result-filter', 'service-')],
  ['service filter', setInput('filter-service', 'service-d'), setInput('filter-service', '')],
  ['duration range', setInput('filter-min', '10ms'), setInput('filter-min', '')],
  ['errors only', toggle('filter-errors'), toggle('filter-errors')],
  ['sort: longest ↔ newest', setInput('sort-select', 'longest'), setInput('sort-select', 'newest')],
  ['brush a time window', brush(0.3, 0.6), brush(0.1, 0.9)],
];

/**
 * Runs `body` under a Chrome trace and returns the CPU time (thread time, ms) of the page's
 * main thread during it: unlike wall-clock times, it does not grow when other processes
 * compete for the cores.
 */
async function mainThreadCpu(page, body) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: 'toplevel,__metadata', transferMode: 'ReportEvents' });
  const result = await body();
  await cdp.send('Tracing.end');
  await done;
  await cdp.detach();
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const us = events
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && /RunTask/.test(e.name) && typeof e.tdur === 'number')
    .reduce((a, e) => a + e.tdur, 0);
  return { result, cpuMs: us / 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(DIST, 'index.html'))) throw new Error(`no bundle in ${DIST}: trunk build --release`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const table = new Map();
  try {
    for (const n of opts.sizes) {
      const file = writeResults(n);
      const server = await startServer(['--static', DIST, '--load', file, '--autocomplete-keys', '']);
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const t0 = Date.now();
        await page.goto(`${server.url}/?limit=${n}&lookback=3600000`);
        await page.waitForFunction((k) => Number(document.querySelector('[data-testid="result-count"]')?.dataset.total) === k,
          n, { timeout: 120_000, polling: 50 });
        const put = (row, v) => {
          if (!table.has(row)) table.set(row, new Map());
          table.get(row).set(n, v);
        };
        put('search → list shown, incl. fetch (ms)', fmt(Date.now() - t0));
        put('first scatter draw (ms)', fmt(Number(await page.getAttribute('[data-testid="scatter"]', 'data-draw-ms'))));
        // Warm up (wasm tiers up from its baseline compiler after some calls).
        for (let k = 0; k < 3; k++) {
          for (const [, on, off] of CASES) {
            await timed(page, on);
            await timed(page, off);
          }
        }
        for (const [name, on, off] of CASES) {
          const ms = [];
          const draws = [];
          const { cpuMs } = await mainThreadCpu(page, async () => {
            for (let i = 0; i < opts.runs; i++) {
              const r = await timed(page, i % 2 === 0 ? on : off);
              if (!(r.shown > 0)) throw new Error(`${name}: nothing shown (${JSON.stringify(r)})`);
              ms.push(r.ms);
              draws.push(r.draw);
            }
            // Let the deferred URL write run inside the trace: it is part of the cost.
            await page.waitForTimeout(200);
          });
          // Leave the filter as it was, for the next case.
          if (opts.runs % 2 === 1) await timed(page, off);
          put(`${name}: main-thread CPU per interaction, mean (ms)`, fmt(cpuMs / opts.runs));
          put(`${name}: input → DOM and plot updated, median / worst (ms)`, `${fmt(median(ms))} / ${fmt(Math.max(...ms))}`);
          put(`${name}: of which scatter draw, median (ms)`, fmt(median(draws)));
        }
        await page.close();
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  const sizes = opts.sizes;
  console.log(`\nSearch page, headless Chromium, ${opts.runs} runs, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log(`| results | ${sizes.join(' | ')} |`);
  console.log(`|---|${sizes.map(() => '---:').join('|')}|`);
  for (const [row, vals] of table) console.log(`| ${row} | ${sizes.map((s) => vals.get(s) ?? '').join(' | ')} |`);
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
