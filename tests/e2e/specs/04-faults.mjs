// 7. Failures of the API: HTTP 500, a truncated body, a missing CORS header and a server that
//    is gone. Each error is shown with what the user needs, and the app stays usable.
import assert from 'node:assert/strict';
import {
  CHROMIUM_FETCH_ERRORS, dismissError, longestLookback, openApp, sel, submitSearch, traceList, waitForApiBase, waitForError, waitForServiceOptions,
  waitForTraceList,
} from '../lib/app.mjs';
import { allTraces } from '../lib/data.mjs';

const POSITION = /line\D{0,3}\d+\D{1,3}col(?:umn)?\D{0,3}\d+|offset\D{0,3}\d+/i;
const CORS_HINT = /ZIPKIN_QUERY_ALLOWED_ORIGINS/;

/**
 * Opens the app with `?api=<server>/_fault/<spec>` and waits for the error the first request
 * produces (the services request at start-up, else the one a click on search sends).
 */
async function openWithFaultBase(t, api, spec) {
  const { page } = t;
  const base = api.faultBase(spec);
  await openApp(t, { api: base });
  await waitForApiBase(page, base); // the path of ?api= is kept
  // Several start-up requests fail (services, traces); let them all settle, so that the error
  // read and dismissed below is the last one and no later one pops up after the dismissal.
  await page.waitForLoadState('networkidle');
  let message;
  try {
    message = await waitForError(page, { timeout: 5000 });
  } catch {
    await page.click(sel('search-button'));
    message = await waitForError(page);
  }
  t.note(`?api= fault base error: ${message}`);
  return message;
}

/**
 * With a good API and a listed search result, makes the next /traces request go through
 * `/_fault/<spec>/` (rewritten by the browser's request routing), and checks that the error
 * shows, the list stays, and after dismissing it a search works again.
 */
async function faultMidSession(t, api, spec, check) {
  const { page } = t;
  await openApp(t, { api });
  await waitForServiceOptions(page);
  const n = (await allTraces(api)).length;
  await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
  await waitForTraceList(page, n);

  const pattern = /\/api\/v2\/traces(\?|$)/;
  const rewrite = (route) => {
    const url = new URL(route.request().url());
    url.pathname = `/_fault/${spec}${url.pathname}`;
    return route.continue({ url: url.href });
  };
  await page.route(pattern, rewrite);
  await page.click(sel('search-button'));
  const message = await waitForError(page);
  t.note(`mid-session error: ${message}`);
  check(message, 'mid-session');
  const kept = await traceList(page);
  assert.ok(kept && kept.rows === n, `the earlier result (${n} rows) stays listed after the error: ${JSON.stringify(kept && kept.rows)}`);

  await dismissError(page);
  await page.unroute(pattern, rewrite);
  const again = await submitSearch(page, { limit: 5 });
  assert.equal(again.status, 200);
  await waitForTraceList(page, 5);
  assert.equal(await page.locator(sel('error')).count(), 0, 'no error after a good search');
}

export default [
  {
    name: 'fault-status-500',
    allowErrors: [CHROMIUM_FETCH_ERRORS.status(500)],
    async run(t) {
      const api = await t.shared.api();
      const check = (m, when) => {
        assert.match(m, /HTTP 500/, `${when}: error names HTTP 500: ${m}`);
        assert.match(m, /injected fault: status 500/, `${when}: error quotes the body the server sent: ${m}`);
      };
      check(await openWithFaultBase(t, api, 'status=500'), '?api= fault base');
      await dismissError(t.page);
      await t.page.locator(sel('search-form')).waitFor({ state: 'visible' });
      await faultMidSession(t, api, 'status=500', check);
    },
  },
  {
    name: 'fault-truncate',
    async run(t) {
      const api = await t.shared.api();
      const check = (m, when) => assert.match(m, POSITION, `${when}: error gives the position where JSON broke off: ${m}`);
      check(await openWithFaultBase(t, api, 'truncate=12'), '?api= fault base');
      await dismissError(t.page);
      await faultMidSession(t, api, 'truncate=300', check);
    },
  },
  {
    name: 'fault-nocors',
    allowErrors: [CHROMIUM_FETCH_ERRORS.cors],
    async run(t) {
      const api = await t.shared.api();
      const check = (m, when) => assert.match(m, CORS_HINT, `${when}: error explains the CORS setting: ${m}`);
      check(await openWithFaultBase(t, api, 'nocors'), '?api= fault base');
      await dismissError(t.page);
      await faultMidSession(t, api, 'nocors', check);
    },
  },
  {
    name: 'fault-connection-refused',
    allowErrors: [CHROMIUM_FETCH_ERRORS.refused],
    async run(t) {
      const { page } = t;
      const network = /network|fetch|connect|reach|refused|ZIPKIN_QUERY_ALLOWED_ORIGINS/i;
      const args = ['--samples', '12', '--seed', '3'];
      const server = await t.servers.start(args);
      await openApp(t, { api: server });
      await waitForServiceOptions(page);
      await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
      await waitForTraceList(page, 12);

      // The server goes away: a search fails with a network error; the list stays.
      await server.stop();
      await page.click(sel('search-button'));
      const message = await waitForError(page);
      t.note(`server stopped: ${message}`);
      assert.match(message, network, `error says the API could not be reached: ${message}`);
      assert.equal((await traceList(page)).rows, 12, 'the earlier result stays listed');

      // A page opened while the server is down shows the same kind of error at start-up.
      const second = await t.context.newPage();
      await second.goto(page.url());
      const startup = await waitForError(second);
      assert.match(startup, network, `start-up error says the API could not be reached: ${startup}`);
      await second.close();

      // The server comes back on the same port: dismiss, search again, it works.
      await dismissError(page);
      await t.servers.start(args, { port: server.port });
      const again = await submitSearch(page, { limit: 1000 });
      assert.equal(again.status, 200);
      await waitForTraceList(page, 12);
      assert.equal(await page.locator(sel('error')).count(), 0, 'no error after the server is back');
    },
  },
];
