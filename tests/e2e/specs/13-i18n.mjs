// Languages: chosen from the browser's languages, switchable in the header, remembered;
// `?lang=` wins. (Which strings are translated is checked natively: a message without both
// languages does not compile, crates/tracescope-i18n.)
import assert from 'node:assert/strict';
import {
  longestLookback, openApp, poll, sel, submitSearch, waitForError, waitForServiceOptions, waitForTraceList,
  waitForTraceView,
} from '../lib/app.mjs';
import { allTraces } from '../lib/data.mjs';
import { boxes, rowPoint } from '../lib/waterfall.mjs';

// Words that read the same in a Chinese UI: the brand, "Span" (the term Chinese tracing UIs
// keep), format and protocol names, units,
// key names printed on keyboards, config keys, and the filter/tag query syntax shown as
// examples. Everything else of three or more ASCII letters is an untranslated word.
const SAME_IN_ZH = new Set([
  'tracescope', 'span', 'zipkin', 'jaeger', 'otlp', 'json', 'csv', 'png', 'api', 'http', 'https', 'url', 'utc', 'cors',
  'skywalking', 'english', 'ctrl', 'shift', 'pageup', 'pagedown', 'home', 'end', 'space', 'backspace', 'esc',
  'config', 'dependency', 'lowerrorrate', 'higherrorrate', 'zipkin_query_allowed_origins', 'host', 'port',
  'localhost',
]);
/** Example queries shown as placeholders: syntax, not prose. */
const QUERY_EXAMPLES = ['http.method=GET and error', 'service:api  http.status_code=500  dur>10ms  is:error'];

/** Visible text and title/placeholder/aria-label attributes of the page, one entry each. */
function uiTexts(page) {
  return page.evaluate(() => {
    const out = [];
    const visible = (el) => el.tagName === 'OPTION' ? visibleEl(el.closest('select')) : visibleEl(el);
    const visibleEl = (el) => !!el && (el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null);
    for (const el of document.body.querySelectorAll('*')) {
      if (['SCRIPT', 'STYLE', 'CANVAS', 'NOSCRIPT'].includes(el.tagName) || !visible(el)) continue;
      for (const n of el.childNodes) {
        if (n.nodeType === 3 && n.textContent.trim()) out.push({ where: el.dataset.testid ?? el.tagName.toLowerCase(), text: n.textContent.trim() });
      }
      for (const a of ['title', 'placeholder', 'aria-label']) {
        const v = el.getAttribute(a);
        if (v?.trim()) out.push({ where: `${el.dataset.testid ?? el.tagName.toLowerCase()}[${a}]`, text: v.trim() });
      }
    }
    return out;
  });
}

/** Every string of the traces: service, span and tag names and values, ids… (data, not UI). */
function dataStrings(traces) {
  const out = new Set();
  for (const s of traces.flat()) {
    for (const v of [s.name, s.kind, s.id, s.traceId, s.parentId, s.localEndpoint?.serviceName, s.remoteEndpoint?.serviceName,
      s.localEndpoint?.ipv4, s.remoteEndpoint?.ipv4]) if (v) out.add(String(v));
    for (const [k, v] of Object.entries(s.tags ?? {})) { out.add(k); out.add(String(v)); }
    for (const a of s.annotations ?? []) out.add(String(a.value));
  }
  return [...out].filter((x) => /[A-Za-z]{3}/.test(x)).sort((a, b) => b.length - a.length);
}

/** The English words left in `texts` once data, URLs and names are taken out. */
function untranslated(texts, data) {
  const escape = (x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = [];
  for (const { where, text } of texts) {
    let rest = text;
    for (const q of QUERY_EXAMPLES) rest = rest.split(q).join(' ');
    for (const d of data) {
      if (rest.includes(d)) rest = rest.replace(new RegExp(`(?<![A-Za-z])${escape(d)}(?![A-Za-z])`, 'g'), ' ');
    }
    rest = rest.replace(/\b[a-z]+:\/\/\S*/gi, ' ').replace(/(^|\s)\/[\w/.-]*/g, ' ');
    const words = (rest.match(/[A-Za-z_]{3,}/g) ?? []).filter((w) => !SAME_IN_ZH.has(w.toLowerCase()));
    if (words.length) found.push(`${where}: ${words.join(' ')} (in "${text}")`);
  }
  return found;
}

const label = (page) => page.locator(sel('open-file')).innerText();
const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);

export default [
  {
    name: 'i18n-browser-language',
    context: { locale: 'zh-CN' },
    async run(t) {
      const { page } = t;
      await openApp(t);
      await poll(() => label(page), (l) => l.includes('打开链路文件'), 'a zh-CN browser gets Chinese');
      assert.equal(await htmlLang(page), 'zh-CN');
      assert.equal(await page.locator(sel('lang-select')).inputValue(), 'zh-CN');
      await t.screenshot('i18n-zh-CN');

      // Switching is immediate and remembered over the browser's language.
      await page.selectOption(sel('lang-select'), 'en');
      await poll(() => label(page), (l) => l.includes('Open trace file'), 'switched to English');
      assert.equal(await htmlLang(page), 'en');
      await page.reload();
      await poll(() => label(page), (l) => l.includes('Open trace file'), 'the choice is remembered');
    },
  },
  {
    name: 'i18n-url-parameter',
    async run(t) {
      const { page } = t;
      const app = await t.shared.app();
      await page.goto(`${app.url}/index.html?lang=zh-CN`);
      await poll(() => label(page), (l) => l.includes('打开链路文件'), '?lang=zh-CN');
      await page.goto(`${app.url}/index.html?lang=klingon`);
      const error = await waitForError(page);
      assert.match(error, /lang="klingon" was ignored: expected one of en, zh-CN/);
      assert.ok((await label(page)).includes('Open trace file'), 'an unknown language leaves English');
    },
  },
  {
    name: 'i18n-no-english-in-zh',
    context: { locale: 'zh-CN' },
    async run(t) {
      const { page } = t;
      const app = await t.shared.app();
      const traces = await allTraces(app);
      const data = ['empty.json', ...dataStrings(traces)]; // the file name is data too
      const problems = [];
      const check = async (what) => {
        const left = untranslated(await uiTexts(page), data);
        t.note(`${what}: ${left.length} untranslated`);
        problems.push(...left.map((l) => `${what}: ${l}`));
        for (const l of left) t.note(`  ${l}`);
        await t.screenshot(`i18n-zh-${what}`);
      };

      // The search page with results.
      await openApp(t);
      await waitForServiceOptions(page);
      await submitSearch(page, { service: '', limit: 1000, lookback: await longestLookback(page) });
      await waitForTraceList(page, traces.length);
      await check('search');

      // The settings dialog, its connection test run.
      await page.click(sel('settings-button'));
      await page.click(sel('settings-test'));
      await poll(() => page.getAttribute(sel('settings-test-result'), 'data-state').catch(() => null), (s) => s === 'ok', 'connection test');
      await check('settings');
      await page.click(sel('settings-close'));

      // The trace view: a span selected, a tooltip, the shortcuts dialog open.
      const spans = traces.reduce((a, b) => (b.length > a.length ? b : a));
      await page.click(`${sel('trace-row')}[data-trace-id="${spans[0].traceId}"]`);
      await waitForTraceView(page, { traceId: spans[0].traceId });
      const { main } = await boxes(page);
      const p = rowPoint(main, 1);
      await page.mouse.click(p.x, p.y);
      await page.locator(sel('span-detail')).locator('table').first().waitFor();
      await page.click(sel('shortcuts-toggle'));
      await page.locator(sel('shortcuts')).waitFor();
      const { main: narrowed } = await boxes(page); // the detail panel narrows the canvas
      const h = rowPoint(narrowed, 2, { x: narrowed.width * 0.4 });
      await page.mouse.move(h.x, h.y);
      await page.mouse.move(h.x + 2, h.y);
      await page.locator(sel('tooltip')).waitFor().catch(() => t.note('no tooltip'));
      await check('trace');

      // The dependency page, a service selected.
      const service = spans[0].localEndpoint.serviceName;
      await page.goto(`${app.url}/index.html?view=dependencies&lookback=604800000&service=${encodeURIComponent(service)}`);
      await poll(() => page.getAttribute(sel('dependencies-page'), 'data-state').catch(() => null), (s) => s === 'ready', 'dependency page ready');
      await page.locator(sel('dependency-panel')).waitFor().catch(() => t.note('no service panel'));
      await check('dependencies');

      // An error panel: an empty file.
      await page.setInputFiles(sel('file-input'), { name: 'empty.json', mimeType: 'application/json', buffer: Buffer.alloc(0) });
      await waitForError(page);
      await check('error');

      assert.deepEqual(problems, [], `untranslated English in zh-CN:\n${problems.join('\n')}`);

      // The same pages in English still read as before (a look for regressions).
      await page.selectOption(sel('lang-select'), 'en');
      await poll(() => label(page), (l) => l.includes('Open trace file'), 'switched to English');
      await t.screenshot('i18n-en-dependencies');
      await page.click(sel('nav-search'));
      await waitForTraceList(page, traces.length).catch(() => {});
      await t.screenshot('i18n-en-search');
    },
  },
];
