// The engine worker's entry point (src/engine_client.rs starts it; ARCHITECTURE.md, "Where the
// engine runs"). It replaces Trunk's loader shim, which imports the wasm-bindgen glue and only
// then has the glue fetch the wasm: here both requests go out at once, one round trip less
// before the worker says Ready.
const wasm = fetch(new URL('./tracescope-worker_bg.wasm', import.meta.url));
const { default: init } = await import('./tracescope-worker.js');
await init({ module_or_path: wasm });
