#!/usr/bin/env node
// Browser benchmark of the dependency graph page. Prints a table; it is never a timed test.
//
//   node tests/bench/dependencies.mjs [--sizes 300x1500,1000x5000,2000x10000] [--runs 3] [--frames 120]
//
// For each size, the links of `tracescope bench-deps --emit SxE` (the native benchmark's
// input) are served by the test server (`--dependencies-file`) with the release bundle, and
// the page opens `?view=dependencies`. Rows:
// - layout: the whole scene (filter, sizes, layered layout) in wasm on the main thread, as the
//   page times it (`data-layout-ms`), median over `--runs` page loads;
// - pan and zoom: the real cost of each redraw (the page appends every draw's duration to
//   `globalThis.__tracescopeDepsDraws`), not the frame interval: a mouse drag across the
//   canvas and wheel zooms in and out, one per animation frame, at fit-to-screen (every
//   node and edge on screen: the worst case) and zoomed in.
//
// Needs: dist/ (trunk build --release), target/release/tracescope-testserver and
// target/release/tracescope (scripts/bench-deps.sh builds them). Paths follow
// TRACESCOPE_DIST, TRACESCOPE_TESTSERVER, TRACESCOPE_CLI, CARGO_TARGET_DIR, TRACESCOPE_CHROMIUM.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGET = path.resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target');
const DIST = path.resolve(ROOT, process.env.TRACESCOPE_DIST ?? 'dist');
const SERVER = path.resolve(ROOT, process.env.TRACESCOPE_TESTSERVER ?? path.join(TARGET, 'release/tracescope-testserver'));
const CLI = path.resolve(ROOT, process.env.TRACESCOPE_CLI ?? path.join(TARGET, 'release/tracescope'));
const CHROMIUM = process.env.TRACESCOPE_CHROMIUM ?? '/usr/bin/chromium';
const OUT = path.join(ROOT, 'bench-out', 'dependencies');
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const VIEWPORT = { width: 1280, height: 800 };

function parseArgs(argv) {
  const opts = { sizes: [[300, 1500], [1000, 5000], [2000, 10000]], runs: 3, frames: 120 };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (key === '--sizes') opts.sizes = value().split(',').map((s) => s.split('x').map(Number));
    else if (key === '--runs') opts.runs = Number(value());
    else if (key === '--frames') opts.frames = Number(value());
    else if (key === '--help' || key === '-h') {
      console.log('node tests/bench/dependencies.mjs [--sizes 300x1500,1000x5000] [--runs 3] [--frames 120]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (opts.sizes.some((s) => s.length !== 2 || s.some((n) => !Number.isInteger(n) || n < 2))) {
    throw new Error(`bad --sizes (SERVICESxLINKS,…): ${JSON.stringify(opts.sizes)}`);
  }
  return opts;
}

function need(file, how) {
  if (!existsSync(file)) throw new Error(`${file} is missing: ${how}`);
}

function startServer(args) {
  need(SERVER, 'cargo build --release -p tracescope-testserver');
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

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const pct = (v, p) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Runs `step(i)` once per animation frame for `n` frames; returns the draw costs recorded. */
async function drawCosts(page, n, step) {
  await page.evaluate(() => { globalThis.__tracescopeDepsDraws.length = 0; });
  for (let i = 0; i < n; i++) {
    await step(i);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
  // Let the last scheduled draw run.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  return page.evaluate(() => [...globalThis.__tracescopeDepsDraws]);
}

async function measure(browser, server, size, opts) {
  const layouts = [];
  let row = null;
  for (let run = 0; run < opts.runs; run++) {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript(() => { globalThis.__tracescopeDepsDraws = []; });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/index.html?view=dependencies&lookback=3600000`);
    const sel = '[data-testid="dependencies-page"][data-state="ready"]';
    await page.waitForSelector(sel, { timeout: 120_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="dependency-graph"]')?.dataset.nodeCount) > 0);
    const st = await page.$eval('[data-testid="dependencies-page"]', (el) => ({
      layout: Number(el.dataset.layoutMs),
      nodes: Number(el.querySelector('[data-testid="dependency-graph"]').dataset.nodeCount),
      edges: Number(el.querySelector('[data-testid="dependency-graph"]').dataset.edgeCount),
    }));
    layouts.push(st.layout);
    if (run === 0) {
      const box = await page.locator('[data-testid="dependency-canvas"]').boundingBox();
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      await page.mouse.move(cx, cy);
      const fitDraw = await drawCosts(page, 10, async () => {
        await page.click('[data-testid="graph-fit"]');
      });
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      const pan = await drawCosts(page, opts.frames, async (i) => {
        const a = (i / opts.frames) * Math.PI * 2;
        await page.mouse.move(cx + Math.cos(a) * 200, cy + Math.sin(a) * 120);
      });
      await page.mouse.up();
      const zoom = await drawCosts(page, opts.frames, async (i) => {
        await page.mouse.wheel(0, i < opts.frames / 2 ? -80 : 80);
      });
      // Zoomed in: labels drawn, most of the graph culled.
      for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -200);
      const panIn = await drawCosts(page, opts.frames, async (i) => {
        await page.mouse.move(cx + Math.cos((i / opts.frames) * Math.PI * 2) * 200, cy);
      });
      row = { ...st, fitDraw, pan, zoom, panIn, errors };
    }
    await page.close();
  }
  return { ...row, layout: median(layouts), layouts };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  need(path.join(DIST, 'index.html'), 'trunk build --release');
  need(CLI, 'cargo build --release -p tracescope-cli');
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const rows = [];
  try {
    for (const [services, links] of opts.sizes) {
      const file = path.join(OUT, `links-${services}x${links}.json`);
      writeFileSync(file, execFileSync(CLI, ['bench-deps', '--emit', `${services}x${links}`], { maxBuffer: 1 << 28 }));
      const server = await startServer(['--static', DIST, '--dependencies-file', file]);
      try {
        const r = await measure(browser, server, [services, links], opts);
        rows.push({ services, links, ...r });
        console.error(`[bench] ${services}x${links} done`);
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  const f = (v) => v.toFixed(1);
  const lines = [
    `### dependency graph, browser (headless Chromium, ${os.cpus().length} cores, viewport ${VIEWPORT.width}×${VIEWPORT.height}; layout median of ${opts.runs} loads; draw cost per frame over ${opts.frames} frames)`,
    '',
    '| services × links | shown nodes / edges | layout ms | fit draw ms | pan p50 / p95 / max ms (fit) | zoom p50 / p95 / max ms | pan p95 ms (zoomed in) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.services} × ${r.links} | ${r.nodes} / ${r.edges} | ${f(r.layout)} | ${f(median(r.fitDraw))} | `
      + `${f(pct(r.pan, 50))} / ${f(pct(r.pan, 95))} / ${f(Math.max(...r.pan))} | `
      + `${f(pct(r.zoom, 50))} / ${f(pct(r.zoom, 95))} / ${f(Math.max(...r.zoom))} | ${f(pct(r.panIn, 95))} |`);
    if (r.errors.length) lines.push(`\npage errors at ${r.services}×${r.links}: ${r.errors.join('; ')}`);
  }
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exit(1);
});
