// Languages: chosen from the browser's languages, switchable in the header, remembered;
// `?lang=` wins. (Which strings are translated is checked natively: a message without both
// languages does not compile, crates/tracescope-i18n.)
import assert from 'node:assert/strict';
import { openApp, poll, sel, waitForError } from '../lib/app.mjs';

const label = (page) => page.locator(sel('open-file')).innerText();
const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);

export default [
  {
    name: 'i18n-browser-language',
    context: { locale: 'zh-CN' },
    async run(t) {
      const { page } = t;
      await openApp(t);
      await poll(() => label(page), (l) => l.includes('打开追踪文件'), 'a zh-CN browser gets Chinese');
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
      await poll(() => label(page), (l) => l.includes('打开追踪文件'), '?lang=zh-CN');
      await page.goto(`${app.url}/index.html?lang=klingon`);
      const error = await waitForError(page);
      assert.match(error, /lang="klingon" was ignored: expected en or zh-CN/);
      assert.ok((await label(page)).includes('Open trace file'), 'an unknown language leaves English');
    },
  },
];
