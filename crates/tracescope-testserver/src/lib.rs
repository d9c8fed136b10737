//! A Zipkin-compatible query server: the demo backend of tracescope and the backend of its
//! end-to-end tests. It keeps spans in memory (like Zipkin's `InMemoryStorage`), serves Zipkin's
//! v2 query API with Zipkin's parameters, status codes and error texts, and adds what tests need:
//! file loading, synthetic samples, fault injection and configurable CORS.
//!
//! Layout: `wire` (span JSON) → `store` (storage, indexes) with `query` (search semantics) and
//! `deps` (dependency linking); `load` (files); `fault`, `config`; `http` (routes, CORS, faults).

pub mod config;
pub mod deps;
pub mod fault;
pub mod http;
pub mod ids;
pub mod load;
pub mod query;
pub mod store;
pub mod wire;

pub use config::{Cli, ServerConfig};
pub use http::{app, AppState};

use std::sync::Arc;

/// Generates `count` synthetic traces ending within the last hour before `now_us` and stores
/// them. Returns the number of spans added.
pub fn add_samples(state: &Arc<AppState>, count: usize, seed: u64, now_us: u64) -> usize {
    if count == 0 {
        return 0;
    }
    const HOUR_US: u64 = 3_600_000_000;
    // Traces start in [now - 1h, now - 1h + spacing * count), and the longest demo trace lasts a
    // few seconds, so everything ends before now.
    let spacing = (HOUR_US - 60_000_000) / count as u64;
    let base = now_us.saturating_sub(HOUR_US);
    let mut spans = Vec::new();
    for trace in tracescope_synth::generate_traces(seed, count, base, spacing) {
        for s in trace {
            // Synthetic spans are valid Zipkin v2 by construction; go through JSON so they get
            // exactly the same normalisation as loaded data.
            let parsed = serde_json::to_value(&s)
                .ok()
                .and_then(|v| serde_json::from_value::<wire::Span>(v).ok())
                .and_then(|w| w.normalize(state.cfg.lowercase_names).ok());
            spans.extend(parsed);
        }
    }
    state.write().accept(spans)
}

/// Current time in epoch microseconds.
#[must_use]
pub fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
