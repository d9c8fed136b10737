//! Deterministic, seedable synthetic Zipkin v2 traces of an imaginary microservice shop: an
//! `api-gateway` HTTP root, gRPC services, etcd, Postgres/MySQL/Redis, Kafka producer→consumer hops,
//! local spans, errors that propagate, shared and unshared client/server spans, optional clock skew.
//!
//! Used as demo data by `tracescope-testserver` and as benchmark input (up to millions of spans).
//! The same [`GenConfig`] always gives the same bytes; nothing here reads the clock or globals.
//!
//! ```
//! use tracescope_synth::{generate_trace, GenConfig};
//! let spans = generate_trace(&GenConfig { seed: 7, spans_target: 40, ..GenConfig::default() });
//! assert_eq!(spans.len(), 40);
//! ```

mod catalog;
mod model;
mod plan;
mod rng;

pub use model::{Annotation, Endpoint, Kind, Span};
pub use plan::{GenConfig, Plan, Shape};
pub use rng::Rng;

/// Generates one trace as typed spans (serialise with `serde_json`). For very large traces prefer
/// [`Plan::write_json`], which streams instead of holding every span.
#[must_use]
pub fn generate_trace(cfg: &GenConfig) -> Vec<Span> {
    Plan::new(cfg).spans().collect()
}

/// Generates one trace as JSON values (convenient for tests and ad-hoc tools).
#[must_use]
pub fn generate_trace_json(cfg: &GenConfig) -> Vec<serde_json::Value> {
    Plan::new(cfg)
        .spans()
        .filter_map(|s| serde_json::to_value(s).ok())
        .collect()
}

/// Generates `count` varied traces for demos: different gateway endpoints, 5–300 spans (most of
/// them small), about one in five with errors, about one in ten slow, a few with clock skew.
/// Trace `i` starts at `base_ts_us + i * spacing_us` (plus a little jitter).
#[must_use]
pub fn generate_traces(
    seed: u64,
    count: usize,
    base_ts_us: u64,
    spacing_us: u64,
) -> Vec<Vec<Span>> {
    (0..count)
        .map(|i| generate_trace(&demo_config(seed, i, base_ts_us, spacing_us)))
        .collect()
}

/// The configuration [`generate_traces`] uses for trace `i`.
#[must_use]
pub fn demo_config(seed: u64, i: usize, base_ts_us: u64, spacing_us: u64) -> GenConfig {
    let mut rng = Rng::fork(seed, 1000 + i as u64);
    let u = rng.unit();
    // Mostly small traces with a long tail, like production traffic.
    let spans = 5 + (u * u * u * 295.0) as usize;
    let jitter = rng.below(spacing_us / 4 + 1);
    GenConfig {
        seed: rng.next_u64(),
        spans_target: spans,
        max_depth: 12,
        fanout: 2 + rng.index(5),
        skew_us: if rng.chance(0.1) {
            -(rng.range(1_000, 25_000) as i64)
        } else {
            0
        },
        start_ts_us: base_ts_us
            .saturating_add((i as u64).saturating_mul(spacing_us))
            .saturating_add(jitter),
        error_rate: if rng.chance(0.2) { 0.05 } else { 0.0 },
        shared_ratio: 0.5,
        slow: rng.chance(0.1),
        endpoint: Some(rng.index(catalog::ENDPOINTS.len())),
        trace_id_128: rng.chance(0.7),
        ..GenConfig::default()
    }
}

#[cfg(test)]
mod tests;
