// Starts and stops tracescope-testserver processes. Every child is recorded by PID so that
// it is killed at the end of its test (or of the suite), also on failure and on Ctrl-C.
import { spawn } from 'node:child_process';
import { requireTestServer } from './env.mjs';

const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/;
const START_TIMEOUT_MS = 15_000;

/** Every live child of the whole run, for the last-resort cleanup in run.mjs. */
const live = new Set();

export class TestServer {
  constructor(child, url, port, args) {
    this.child = child;
    this.pid = child.pid;
    /** `http://127.0.0.1:PORT`, no trailing slash. */
    this.url = url;
    this.port = port;
    this.args = args;
    this.output = [];
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** URL of an API path, e.g. api('/services') -> http://127.0.0.1:P/api/v2/services. */
  api(pathAndQuery, { prefix = '' } = {}) {
    return `${this.url}${prefix}/api/v2${pathAndQuery}`;
  }

  /** Base to give the app for per-request fault injection, e.g. fault('status=500'). */
  faultBase(spec) {
    return `${this.url}/_fault/${spec}`;
  }

  async getJson(pathAndQuery, opts) {
    const url = this.api(pathAndQuery, opts);
    const res = await fetch(url);
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${url} -> ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text);
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      live.delete(this);
      return;
    }
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 3000);
    await this.exited;
    clearTimeout(timer);
    live.delete(this);
  }
}

/**
 * Spawns the test server with `args` (besides --host/--port) and resolves once it printed
 * its `listening on` line. `port` 0 picks a free port.
 */
export async function startServer(args = [], { port = 0 } = {}) {
  const bin = requireTestServer();
  const fullArgs = ['--host', '127.0.0.1', '--port', String(port), ...args];
  const child = spawn(bin, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const remember = (stream) => (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim()) output.push(`${stream}: ${line}`);
    }
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stderr.on('data', remember('stderr'));

  const server = await new Promise((resolve, reject) => {
    let buffer = '';
    let done = false;
    const fail = (message) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      const tail = output.slice(-15).join('\n  ');
      reject(new Error(`test server ${bin} ${fullArgs.join(' ')}: ${message}${tail ? `\n  ${tail}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no "listening on" line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('error', (err) => fail(`could not start: ${err.message}`));
    child.once('exit', (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`));
    child.stdout.on('data', (chunk) => {
      remember('stdout')(chunk);
      if (done) return;
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        const m = LISTENING.exec(line);
        if (m) {
          done = true;
          clearTimeout(timer);
          child.removeAllListeners('exit');
          const s = new TestServer(child, m[1], Number(m[2]), fullArgs);
          s.output = output;
          resolve(s);
          return;
        }
      }
    });
  });
  live.add(server);
  return server;
}

/** Synchronous last-resort kill of every child still running (process exit, signals). */
export function killAllSync() {
  for (const s of live) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  live.clear();
}

/** A set of servers owned by one scope (a test, or the suite); stopAll() ends them. */
export class ServerScope {
  constructor() {
    this.servers = [];
  }

  async start(args, opts) {
    const s = await startServer(args, opts);
    this.servers.push(s);
    return s;
  }

  async stopAll() {
    const all = this.servers.splice(0);
    await Promise.all(all.map((s) => s.stop()));
  }
}
