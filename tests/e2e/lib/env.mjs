// Where the suite finds the things it tests: the app bundle, the test server binary and the
// fixtures. Every path can be overridden by an environment variable; nothing is copied.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');

export const DIST_DIR = path.resolve(REPO_ROOT, process.env.TRACESCOPE_DIST ?? 'dist');
export const TESTSERVER_BIN = path.resolve(
  REPO_ROOT,
  process.env.TRACESCOPE_TESTSERVER ?? 'target/debug/tracescope-testserver',
);
export const SYNTH_BIN = path.resolve(
  REPO_ROOT,
  process.env.TRACESCOPE_SYNTH ?? path.join(path.dirname(TESTSERVER_BIN), 'tracescope-synth'),
);
export const FIXTURES_DIR = path.resolve(process.env.TRACESCOPE_FIXTURES ?? '/work/shared/fixtures');
export const CHROMIUM = process.env.TRACESCOPE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A precondition of the whole suite or of one test is not met (missing build, fixtures...). */
export class SetupError extends Error {}

export function requireDist() {
  const index = path.join(DIST_DIR, 'index.html');
  if (!existsSync(index)) {
    throw new SetupError(
      `app bundle missing: ${index} does not exist. Build it with \`trunk build --release\` ` +
        `or point TRACESCOPE_DIST at a built bundle.`,
    );
  }
  return DIST_DIR;
}

export function requireTestServer() {
  if (!existsSync(TESTSERVER_BIN) || !statSync(TESTSERVER_BIN).isFile()) {
    throw new SetupError(
      `test server binary missing: ${TESTSERVER_BIN}. Build it with ` +
        `\`cargo build -p tracescope-testserver\` or set TRACESCOPE_TESTSERVER.`,
    );
  }
  return TESTSERVER_BIN;
}

export function requireSynth() {
  if (!existsSync(SYNTH_BIN) || !statSync(SYNTH_BIN).isFile()) {
    throw new SetupError(
      `trace generator missing: ${SYNTH_BIN}. Build it with ` +
        `\`cargo build -p tracescope-synth\` or set TRACESCOPE_SYNTH.`,
    );
  }
  return SYNTH_BIN;
}

/** Absolute path of a fixture file, e.g. fixture('zipkin-v2/zipkin__yelp.json'). */
export function fixture(relative) {
  const file = path.join(FIXTURES_DIR, relative);
  if (!existsSync(file)) {
    throw new SetupError(
      `fixture missing: ${file}. The suite reads real traces in place from ${FIXTURES_DIR} ` +
        `(set TRACESCOPE_FIXTURES to use another folder).`,
    );
  }
  return file;
}

export function requireFixtures() {
  if (!existsSync(FIXTURES_DIR)) {
    throw new SetupError(
      `fixtures folder missing: ${FIXTURES_DIR}. Set TRACESCOPE_FIXTURES to the folder ` +
        `holding zipkin-v2/, zipkin-v1/, jaeger/, otlp/.`,
    );
  }
  return FIXTURES_DIR;
}
