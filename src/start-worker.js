// Starts the trace engine's Web Worker while index.html is still being parsed, before the page's own
// wasm is still loading and starting, so a `?trace=` link finds its worker (nearly) ready.
// src/engine_client.rs (`prewarm`) adopts it as its spare, with the messages it sent
// meanwhile. Loaded first by index.html; does nothing if the app has started first (the
// app then starts a worker itself).
(() => {
  const key = '__tracescopeEarlyWorker';
  if (typeof Worker !== 'function' || key in window) return;
  const early = { messages: [], failed: false };
  try {
    early.worker = new Worker(new URL('tracescope-worker_loader.js', document.baseURI), { type: 'module' });
  } catch {
    return;
  }
  early.worker.onmessage = (e) => early.messages.push(e.data);
  early.worker.onerror = (e) => {
    e.preventDefault();
    early.failed = true;
  };
  window[key] = early;
})();
