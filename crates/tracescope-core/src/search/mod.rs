//! Searching a Zipkin API, the parts that need no browser: what the form sends (`query`:
//! durations typed with units, tag queries, autocomplete), what the server says about itself
//! (`config`: `config.json`, where the API is), and the in-browser work on the answer
//! (`rows`: filter and sort without a request; `scatter`: the duration plot's scales, ticks
//! and hit testing). The page keeps only the `TraceInfo` summaries of an answer.

pub mod config;
pub mod query;
pub mod rows;
pub mod scatter;
