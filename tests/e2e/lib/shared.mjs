// Servers shared by the whole run, started on first use and stopped at the end.
//
// - `app`: serves the release bundle at `/` (and its own sample traces, seed 1).
// - `api`: another origin with 60 sample traces (seed 7); pages load from `app` and talk to
//   `api` through `?api=`, so every request is a real cross-origin (CORS) request.
import { requireDist } from './env.mjs';

export const SAMPLE_TRACES = 60;

export class SharedServers {
  constructor(scope) {
    this.scope = scope;
    this.cache = new Map();
  }

  once(key, start) {
    if (!this.cache.has(key)) {
      const p = start();
      // A failed start is not cached, so the next test reports its own error again.
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return this.cache.get(key);
  }

  app() {
    return this.once('app', () => {
      const dist = requireDist();
      return this.scope.start(['--static', dist, '--samples', '10', '--seed', '1']);
    });
  }

  api() {
    return this.once('api', () => this.scope.start(['--samples', String(SAMPLE_TRACES), '--seed', '7']));
  }
}
