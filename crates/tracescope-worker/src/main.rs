//! The worker's entry point. Trunk builds this binary as `data-type="worker"` (see
//! `index.html`); the page starts it with `new Worker("tracescope-worker_loader.js")`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    tracescope_worker::serve::run();
}
