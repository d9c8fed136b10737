// Static hosting under a strict Content-Security-Policy: the policy the README documents, sent
// by the server as a response header on every file of the bundle (the page and the engine
// worker each take the policy of their own response), with the API on another origin.
import assert from 'node:assert/strict';
import {
  longestLookback, openApp, poll, sel, traceView, submitSearch, waitForServiceOptions, waitForTraceList, waitForTraceView,
} from '../lib/app.mjs';
import { fixture, requireDist } from '../lib/env.mjs';

/** The README's policy, with the API origin added to connect-src. Keep the two in step. */
export function strictPolicy(apiOrigin) {
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

export default [
  {
    name: 'csp-strict',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      const policy = strictPolicy(new URL(api.url).origin);
      // Every file of the bundle carries the header, as a host configured from the README sends it.
      const app = await t.servers.start([
        '--static', requireDist(), '--static-header', `Content-Security-Policy: ${policy}`,
      ]);
      const violations = [];
      await page.exposeFunction('__cspViolation', (v) => violations.push(v));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
        });
      });

      await openApp(t, { app, api });
      const services = await api.getJson('/services');
      await waitForServiceOptions(page, services.length + 1);
      const res = await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
      await waitForTraceList(page, res.body.length);

      // A trace is fetched and parsed by the engine worker, which runs under the policy too.
      const id = res.body[0][0].traceId;
      await page.click(`${sel('trace-row')}[data-trace-id="${id}"]`);
      await waitForTraceView(page, { traceId: id });
      // So does a file.
      await page.setInputFiles(sel('file-input'), fixture('zipkin-v2/zipkin__yelp.json'));
      await poll(() => traceView(page), (v) => v?.ready === 'true' && v.traceId !== id, 'the file replaces the trace');
      assert.deepEqual([...new Set(violations)], [], 'no Content-Security-Policy violation');
      const header = await page.evaluate(() => fetch(location.href).then((r) => r.headers.get('content-security-policy')));
      assert.equal(header, policy, 'the page was served with the policy');
    },
  },
];
