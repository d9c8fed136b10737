// 6. Opening trace files: the header's file input, a drop on the app, and a malformed file.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  assertCanvasDrawn, dismissError, dropFile, openApp, sel, traceView, waitForError, waitForServiceOptions,
  waitForTraceView,
} from '../lib/app.mjs';
import { fixture } from '../lib/env.mjs';

// Span counts justified by /work/shared/fixtures/README.md: every (id, kind) pair in these
// files is unique, so Zipkin's merge keeps all of them; yelp's shared client/server halves
// (same id, different kind) stay two spans each.
const YELP = { file: 'zipkin-v2/zipkin__yelp.json', traceId: 'a03ee8fff1dcd9b9', spans: 16 };
const SIMPLE_DB = { file: 'zipkin-v2/zipkin__simple-db-p6.json', traceId: '19f84f102048e047', spans: 5 };
const CHINESE = { file: 'zipkin-v2/zipkin__span-chinese-unicode.json', traceId: '4d1e00c0db9010db86154a4ba6e91385', spans: 1 };

// Broken on line 3: `"name": }` — a value is missing.
const BROKEN_LINES = [
  '[',
  '  {"traceId": "00000000000000aa", "id": "00000000000000aa", "name": "fine", "timestamp": 1, "duration": 2},',
  '  {"traceId": "00000000000000aa", "id": "00000000000000ab", "name": }',
  ']',
];

export default [
  {
    name: 'file-open',
    async run(t) {
      const { page } = t;
      const api = await t.shared.api();
      await openApp(t, { api });
      await waitForServiceOptions(page);

      // 1. The header's <input type=file>.
      await page.setInputFiles(sel('file-input'), fixture(YELP.file));
      let view = await waitForTraceView(page, { traceId: YELP.traceId });
      assert.equal(view.spanCount, YELP.spans, `${YELP.file}: data-span-count`);
      await assertCanvasDrawn(page, `${YELP.file} canvas`);

      // 2. A file dropped on the app (here: on whatever is in the middle of the view).
      const target = await dropFile(page, path.basename(SIMPLE_DB.file), readFileSync(fixture(SIMPLE_DB.file), 'utf8'));
      view = await waitForTraceView(page, { traceId: SIMPLE_DB.traceId });
      assert.equal(view.spanCount, SIMPLE_DB.spans, `${SIMPLE_DB.file} dropped on ${target}: data-span-count`);
      await assertCanvasDrawn(page, `${SIMPLE_DB.file} canvas`, { minColours: 3 }); // one service: fewer colours

      // 3. A bare span object (not an array), through the file input again.
      await page.setInputFiles(sel('file-input'), fixture(CHINESE.file));
      view = await waitForTraceView(page, { traceId: CHINESE.traceId });
      assert.equal(view.spanCount, CHINESE.spans, `${CHINESE.file}: data-span-count`);

      // 4. A malformed file: an error with the position, and the trace stays on screen.
      const dir = await t.tmpDir();
      const broken = path.join(dir, 'broken-trace.json');
      const text = BROKEN_LINES.join('\n');
      writeFileSync(broken, text);
      const byteOffset = text.indexOf('"name": }') + '"name": '.length; // where the value should be
      const column = BROKEN_LINES[2].indexOf('"name": }') + '"name": '.length + 1;
      await page.setInputFiles(sel('file-input'), broken);
      const message = await waitForError(page);
      t.note(`malformed file: ${message}`);
      const lineCol = /line\D{0,3}(\d+)\D{1,3}col(?:umn)?\D{0,3}(\d+)/i.exec(message);
      const offset = /(?:byte )?offset\D{0,3}(\d+)/i.exec(message);
      assert.ok(lineCol || offset, `error should give a position (line/column or byte offset): ${message}`);
      if (lineCol) {
        assert.equal(Number(lineCol[1]), 3, `error points at line 3: ${message}`);
        assert.ok(Math.abs(Number(lineCol[2]) - column) <= 1, `error points at column ≈${column}: ${message}`);
      } else {
        assert.ok(Math.abs(Number(offset[1]) - byteOffset) <= 2, `error points at byte ≈${byteOffset}: ${message}`);
      }
      view = await traceView(page);
      assert.ok(view && view.traceId === CHINESE.traceId, `the previous trace stays shown: ${JSON.stringify(view)}`);
      assert.equal(view.spanCount, CHINESE.spans);

      // Dismissed, the app goes on: the previous trace is still there and a good file opens.
      await dismissError(page);
      view = await waitForTraceView(page, { traceId: CHINESE.traceId });
      await page.setInputFiles(sel('file-input'), fixture(YELP.file));
      view = await waitForTraceView(page, { traceId: YELP.traceId });
      assert.equal(view.spanCount, YELP.spans);
    },
  },
];
