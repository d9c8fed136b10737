//! tracescope-core: everything between the bytes of a trace and the pixels of a view,
//! with no web dependency, so it is tested and benchmarked natively.
//!
//! Data flows one way: [`import`] (per format) → [`model`] → [`derive`] (tree, summary)
//! → [`layout`] (view-models of flat arrays in pixels) → [`draw`] (through a [`draw::Painter`]).
//! [`export`] writes the model back out (Zipkin v2, OTLP); [`pipeline`] names the stages for
//! benchmarks, fuzzing and snapshot tests.

pub mod api;
mod base64;
pub mod derive;
pub mod draw;
pub mod draw_graph;
pub mod embed;
pub mod engine;
pub mod export;
pub mod filter;
mod hash;
pub mod import;
pub mod layout;
pub mod model;
pub mod pipeline;
pub mod search;

pub use import::{import, ImportError, Imported};
pub use model::{Micros, SpanIdx, Trace};
