// The pipeline benchmark in wasm, timed from JavaScript: performance.now() around each
// stage call, the same stages, sizes and table as `tracescope bench`.
//   node crates/tracescope-bench-wasm/bench.mjs PKG_DIR [--sizes 10000,100000,1000000] [--runs N]
// PKG_DIR is the output of `wasm-bindgen --target nodejs` (scripts/bench.sh builds it).
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const [pkgDir, ...args] = process.argv.slice(2);
if (!pkgDir) {
  console.error('usage: node bench.mjs PKG_DIR [--sizes 10000,100000,1000000] [--runs N]');
  process.exit(2);
}
const wasm = require(path.resolve(pkgDir, 'tracescope_bench_wasm.js'));

let sizesText = '10000,100000,1000000';
let runs = 3;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--sizes' && i + 1 < args.length) sizesText = args[++i];
  else if (args[i] === '--runs' && i + 1 < args.length) runs = Number(args[++i]);
  else {
    console.error(`bench.mjs: unknown argument ${JSON.stringify(args[i])}`);
    process.exit(2);
  }
}
if (!Number.isInteger(runs) || runs < 1) {
  console.error('bench.mjs: --runs needs a positive count');
  process.exit(2);
}
const sizes = wasm.parseSizes(sizesText);

const report = new wasm.Report();
for (const spans of sizes) {
  const bench = new wasm.Bench(spans);
  for (let r = 0; r < runs; r++) {
    bench.start();
    const stageMs = [];
    const cpu0 = process.cpuUsage();
    for (;;) {
      const t0 = performance.now();
      const more = bench.step();
      const t1 = performance.now();
      if (!more) break;
      stageMs.push(t1 - t0);
    }
    // All threads of the process (V8's compiler and GC threads too), in µs.
    const cpu = process.cpuUsage(cpu0);
    bench.finish(Float64Array.from(stageMs), (cpu.user + cpu.system) / 1000);
  }
  report.add(bench);
  bench.free();
  console.error(`[bench] wasm: ${spans} spans done`);
}
const title = `wasm (Node ${process.version}, ${runs} run${runs === 1 ? '' : 's'} per size, median)`;
process.stdout.write(report.markdown(title));
report.free();
