//! The trace engine off the main thread.
//!
//! [`protocol`] is what the page and the worker say (pure, tested natively); the rest exists
//! only in the browser: [`envelope`] puts messages into JS objects with transferred buffers,
//! [`source`] reads a file or URL with progress, and [`serve`] is the worker's loop. The
//! binary (`main.rs`) is built by Trunk as a worker (`data-type="worker"` in `index.html`)
//! and has no UI framework in it.

pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod envelope;
#[cfg(target_arch = "wasm32")]
pub mod serve;
#[cfg(target_arch = "wasm32")]
pub mod source;
