// 10. Strings from traces are data, never markup: names that look like HTML stay text.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  openApp, sel, serviceOptions, submitSearch, waitForServiceOptions, waitForTraceList, waitForTraceView,
} from '../lib/app.mjs';

const SERVICE = '<img src=x onerror="window.__pwned=1">';
const NAME = '<svg onload="window.__pwned=2"></svg><img src=x onerror="window.__pwned=1">';
const TAG = '</script><script>window.__pwned=3</script>';
const TRACE_ID = '0badc0de0badc0de';

function hostileTrace() {
  const now = Date.now() * 1000;
  const ep = (serviceName) => ({ serviceName, ipv4: '127.0.0.1' });
  return [
    {
      traceId: TRACE_ID, id: TRACE_ID, name: NAME, kind: 'SERVER', timestamp: now - 50_000, duration: 40_000,
      localEndpoint: ep(SERVICE), tags: { 'http.path': TAG, error: SERVICE },
      annotations: [{ timestamp: now - 45_000, value: NAME }],
    },
    {
      traceId: TRACE_ID, parentId: TRACE_ID, id: '0badc0de0badc0df', name: SERVICE, kind: 'CLIENT',
      timestamp: now - 40_000, duration: 20_000, localEndpoint: ep(SERVICE), remoteEndpoint: ep(NAME),
    },
  ];
}

async function assertInert(page, where) {
  await page.waitForTimeout(300); // let any injected handler (onerror/onload) run
  const state = await page.evaluate(() => ({
    pwned: window.__pwned,
    injected: document.querySelectorAll('img[src="x"], svg[onload], [onerror]').length,
  }));
  assert.equal(state.pwned, undefined, `${where}: markup from a trace ran script (window.__pwned=${state.pwned})`);
  assert.equal(state.injected, 0, `${where}: trace strings became DOM elements`);
}

export default [
  {
    name: 'untrusted-strings',
    async run(t) {
      const { page } = t;
      const dir = await t.tmpDir();
      const file = path.join(dir, 'hostile.json');
      writeFileSync(file, JSON.stringify(hostileTrace(), null, 1));
      const strayRequests = [];
      page.on('request', (r) => new URL(r.url()).pathname.endsWith('/x') && strayRequests.push(r.url()));

      // Through the API: POSTed to a server of its own (so shared sample data stays as is).
      const server = await t.servers.start(['--samples', '2', '--seed', '11']);
      const post = await fetch(server.api('/spans'), {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hostileTrace()),
      });
      assert.ok(post.ok, `POST /api/v2/spans -> ${post.status}`);
      assert.ok((await server.getJson('/services')).includes(SERVICE));

      await openApp(t, { api: server });
      await waitForServiceOptions(page);
      const option = (await serviceOptions(page)).find((o) => o.value === SERVICE);
      assert.ok(option, 'the hostile service is offered as an option');
      assert.equal(option.label, SERVICE, 'and its label is the literal text');
      await assertInert(page, 'service select');

      await submitSearch(page, { service: SERVICE, limit: 10 });
      await waitForTraceList(page, 1);
      const row = page.locator(`${sel('trace-row')}[data-trace-id="${TRACE_ID}"]`);
      const rowText = await row.innerText();
      assert.ok(rowText.includes(SERVICE) || rowText.includes(NAME), `the row shows the names as text: ${rowText}`);
      await assertInert(page, 'trace list');

      await row.click();
      const view = await waitForTraceView(page, { traceId: TRACE_ID });
      assert.equal(view.spanCount, 2);
      await assertInert(page, 'trace view (API)');

      // Through a file, opened from the search view.
      await page.click(sel('back-to-search'));
      await page.locator(sel('search-form')).waitFor({ state: 'visible' });
      await page.setInputFiles(sel('file-input'), file);
      await waitForTraceView(page, { traceId: TRACE_ID });
      await assertInert(page, 'trace view (file)');
      assert.deepEqual(strayRequests, [], 'no <img src=x> was ever loaded');
    },
  },
];
