#!/usr/bin/env node
// tracescope end-to-end suite: a tiny runner, no test framework.
//
//   node tests/e2e/run.mjs [filter]
//
//   TRACESCOPE_E2E_VERBOSE=1 node tests/e2e/run.mjs   (also print each test's notes)
//
// Runs every test of specs/*.mjs whose name (or spec file name) contains `filter`, each in a
// fresh browser context of one headless Chromium. A test fails on a thrown error, on its
// timeout, or on any page error / console error it did not declare as expected. Failures get a
// full-page screenshot in artifacts/<test>.png. Prints one line per test and, last,
// `N passed, N failed`; exits 1 on any failure.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ARTIFACTS_DIR, CHROMIUM, CHROMIUM_ARGS, E2E_DIR, SetupError, requireFixtures } from './lib/env.mjs';
import { ServerScope, killAllSync } from './lib/servers.mjs';
import { SharedServers } from './lib/shared.mjs';

const DEFAULT_TIMEOUT_MS = 30_000;
// Notes (error texts seen, canvas statistics...) are printed for failures, or for every test
// with TRACESCOPE_E2E_VERBOSE=1.
const VERBOSE = process.env.TRACESCOPE_E2E_VERBOSE === '1';
const DEFAULT_VIEWPORT = { width: 1280, height: 800 };

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

async function loadTests(filter) {
  const dir = path.join(E2E_DIR, 'specs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
  const tests = [];
  const seen = new Set();
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(dir, file)).href);
    for (const test of mod.default ?? []) {
      if (!test.name || typeof test.run !== 'function') throw new Error(`${file}: a test needs name and run()`);
      if (seen.has(test.name)) throw new Error(`${file}: duplicate test name ${test.name}`);
      seen.add(test.name);
      const hay = `${file} ${test.name}`.toLowerCase();
      if (!filter || hay.includes(filter.toLowerCase())) tests.push({ ...test, file });
    }
  }
  return tests;
}

/** Everything one test sees. */
class TestContext {
  constructor({ test, browser, context, page, shared }) {
    this.test = test;
    this.browser = browser;
    this.context = context;
    this.page = page;
    this.shared = shared;
    this.servers = new ServerScope();
    this.errors = [];
    this.allowed = [...(test.allowErrors ?? [])];
    this.notes = [];
    this.tmpDirs = [];
  }

  /** Declares console/page errors (regexes on "kind: text (at url)") this test expects. */
  allowErrors(...patterns) {
    this.allowed.push(...patterns);
  }

  /** Saves a named "look" screenshot, kept whatever the outcome. */
  async screenshot(name, page = this.page) {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** A fresh temporary directory outside the repository, removed after the test. */
  async tmpDir() {
    const dir = await mkdtemp(path.join(os.tmpdir(), `tracescope-e2e-${slug(this.test.name)}-`));
    this.tmpDirs.push(dir);
    return dir;
  }

  /** A line printed under the test's result line (diagnostics). */
  note(message) {
    this.notes.push(message);
  }

  watch(page) {
    page.on('pageerror', (err) => this.errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const url = msg.location()?.url;
      this.errors.push(`console.error: ${msg.text()}${url ? ` (at ${url})` : ''}`);
    });
  }

  unexpectedErrors() {
    return this.errors.filter((e) => !this.allowed.some((re) => re.test(e)));
  }

  async cleanup() {
    await this.servers.stopAll();
    for (const dir of this.tmpDirs) rmSync(dir, { recursive: true, force: true });
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The failure's message and the line of the spec (or helper) where it was raised. */
function describe(err) {
  if (err instanceof SetupError) return `SETUP: ${err.message}`;
  if (!(err instanceof Error)) return String(err);
  const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  const where = frames.find((l) => /[/\\]tests[/\\]e2e[/\\]specs[/\\]/.test(l)) ?? frames.find((l) => /[/\\]e2e[/\\]lib[/\\]/.test(l));
  return `${err.message}${where ? `\n${where.trim()}` : ''}`;
}

function firstLines(text, n = 12) {
  const lines = String(text).split('\n');
  return lines.length > n ? [...lines.slice(0, n), `  ... (${lines.length - n} more lines)`].join('\n') : text;
}

async function runOne(test, browser, shared) {
  const timeoutMs = test.timeout ?? DEFAULT_TIMEOUT_MS;
  const context = await browser.newContext({ viewport: DEFAULT_VIEWPORT, ...(test.context ?? {}) });
  context.setDefaultTimeout(Math.min(10_000, timeoutMs));
  const page = await context.newPage();
  const t = new TestContext({ test, browser, context, page, shared });
  t.watch(page);
  context.on('page', (p) => p !== page && t.watch(p));

  let failure = null;
  const started = Date.now();
  try {
    await withTimeout(Promise.resolve().then(() => test.run(t)), timeoutMs, 'test');
    // Errors logged right at the end (a late fetch, a panic after the last step) still count.
    await new Promise((r) => setTimeout(r, 100));
    const unexpected = t.unexpectedErrors();
    if (unexpected.length) {
      failure = new Error(`unexpected page/console errors:\n    ${unexpected.join('\n    ')}`);
    }
  } catch (err) {
    failure = err;
    const unexpected = t.unexpectedErrors();
    if (unexpected.length) t.note(`page/console errors:\n    ${unexpected.join('\n    ')}`);
  }
  if (failure && !(failure instanceof SetupError)) {
    for (const [i, p] of context.pages().entries()) {
      if (p.url() === 'about:blank') continue;
      try {
        const name = slug(test.name) + (i ? `-${i + 1}` : '');
        const file = await withTimeout(t.screenshot(name, p), 10_000, 'screenshot');
        t.note(`screenshot: ${path.relative(process.cwd(), file)}`);
      } catch (err) {
        t.note(`(no screenshot: ${err.message.split('\n')[0]})`);
      }
    }
  }
  await context.close().catch(() => {});
  await t.cleanup().catch((err) => t.note(`cleanup: ${err.message}`));
  return { failure, ms: Date.now() - started, notes: t.notes };
}

async function main() {
  const filter = process.argv[2];
  const tests = await loadTests(filter);
  if (!tests.length) {
    console.log(`no test matches ${JSON.stringify(filter)}`);
    console.log('0 passed, 0 failed');
    return 1;
  }
  requireFixtures();
  if (!existsSync(CHROMIUM)) {
    throw new SetupError(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set TRACESCOPE_CHROMIUM)`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  liveBrowser = browser;
  const suiteServers = new ServerScope();
  const shared = new SharedServers(suiteServers);
  let passed = 0;
  let failed = 0;
  try {
    for (const test of tests) {
      const { failure, ms, notes } = await runOne(test, browser, shared);
      const secs = (ms / 1000).toFixed(1);
      if (failure) {
        failed += 1;
        console.log(`FAIL ${test.name} (${secs}s)\n  ${firstLines(describe(failure), 20).replace(/\n/g, '\n  ')}`);
      } else {
        passed += 1;
        console.log(`ok   ${test.name} (${secs}s)`);
      }
      if (failure || VERBOSE) for (const n of notes) console.log(`  ${n}`);
    }
  } finally {
    await suiteServers.stopAll();
    await browser.close().catch(() => {});
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

let liveBrowser = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAllSync();
    console.log(`\ninterrupted (${signal}); test servers stopped`);
    const closing = liveBrowser ? liveBrowser.close().catch(() => {}) : Promise.resolve();
    withTimeout(closing, 3000, 'closing the browser').finally(() => process.exit(130));
  });
}
process.on('exit', killAllSync);

main().then(
  (code) => process.exit(code),
  (err) => {
    killAllSync();
    console.log(err instanceof SetupError ? `SETUP: ${err.message}` : err.stack);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
