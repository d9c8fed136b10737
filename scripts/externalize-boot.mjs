// Trunk post-build hook, two jobs:
// 1. Moves the inline start-up script Trunk writes into index.html into its own file, so the
//    bundle runs under a Content-Security-Policy without 'unsafe-inline'
//    (script-src 'self' 'wasm-unsafe-eval'; see README "Content-Security-Policy").
// 2. Writes tracescope-embed.js (the JS API for host pages, from src/embed-loader.js) with the
//    bundle's hashed file names, under a name that does not change between builds.
//
// Trunk 0.21 always inlines `<script type="module">import init … await init(…)</script>`;
// an external module script with the same text behaves the same (module scripts are
// deferred either way). The file name carries a content hash like Trunk's own files, and
// the tag gets an SRI hash like Trunk's.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('externalize-boot: TRUNK_STAGING_DIR is not set (run me as a Trunk post_build hook)');
  process.exit(1);
}
const indexPath = path.join(staging, 'index.html');
const html = readFileSync(indexPath, 'utf8');

const inline = /<script type="module">([\s\S]*?)<\/script>/g;
const found = [...html.matchAll(inline)];
if (found.length !== 1) {
  console.error(`externalize-boot: expected one inline module script in index.html, found ${found.length}`);
  process.exit(1);
}
const [whole, body] = found[0];
const text = body.trim() + '\n';
const digest = (alg, enc) => createHash(alg).update(text).digest(enc);
const name = `boot-${digest('sha256', 'hex').slice(0, 16)}.js`;
writeFileSync(path.join(staging, name), text);

const tag = `<script type="module" src="./${name}" integrity="sha384-${digest('sha384', 'base64')}"></script>`;
const out = html.replace(whole, tag);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(out)) {
  console.error('externalize-boot: index.html still has an inline script');
  process.exit(1);
}
writeFileSync(indexPath, out);
console.log(`externalize-boot: start-up script moved to ${name}`);

const appJs = text.match(/from '\.\/([^']+\.js)'/)?.[1];
const appWasm = text.match(/module_or_path: '\.\/([^']+\.wasm)'/)?.[1];
const styles = [...html.matchAll(/<link rel="stylesheet" href="\.\/([^"]+\.css)"/g)].map((m) => m[1]);
if (!appJs || !appWasm || !styles.length) {
  console.error(`externalize-boot: could not find the app's files (js ${appJs}, wasm ${appWasm}, css ${styles})`);
  process.exit(1);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const loader = readFileSync(path.join(root, 'src', 'embed-loader.js'), 'utf8')
  .replace('__APP_JS__', appJs)
  .replace('__APP_WASM__', appWasm)
  .replace('__STYLES__', JSON.stringify(styles));
writeFileSync(path.join(staging, 'tracescope-embed.js'), loader);
console.log(`externalize-boot: tracescope-embed.js loads ${appJs}`);
