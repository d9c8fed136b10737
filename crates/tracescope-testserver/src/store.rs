//! In-memory span storage modelled on Zipkin's `InMemoryStorage` with `strictTraceId=true`:
//! traces keyed by their normalised id, identical spans stored once, name indexes for the
//! search form, and the JSON of each trace cached so big traces are served without re-encoding.

use crate::deps::{link_trace, DependencyLink, Linker};
use crate::query::QueryRequest;
use crate::wire::Span;
use axum::body::Bytes;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

/// One trace: its spans in arrival order plus what queries need.
#[derive(Clone, Debug)]
pub struct TraceData {
    pub id: String,
    pub spans: Vec<Span>,
    /// Distinct span timestamps in milliseconds (0 for spans without one), sorted: Zipkin selects
    /// a trace when any of its spans falls inside the query window.
    ts_ms: Vec<u64>,
    /// Fingerprints of stored spans → index, to drop exact duplicates as Zipkin's set does.
    fingerprints: HashMap<u64, u32>,
    json: OnceLock<Bytes>,
    /// This trace's dependency links, computed once (linking a million spans takes a while).
    links: OnceLock<Vec<DependencyLink>>,
}

impl TraceData {
    fn new(id: String) -> Self {
        Self {
            id,
            spans: Vec::new(),
            ts_ms: Vec::new(),
            fingerprints: HashMap::new(),
            json: OnceLock::new(),
            links: OnceLock::new(),
        }
    }

    fn links(&self) -> &[DependencyLink] {
        self.links.get_or_init(|| {
            let mut linker = Linker::default();
            link_trace(&self.spans, &mut linker);
            linker.links()
        })
    }

    /// Drops cached derived data after the spans changed.
    fn invalidate(&mut self) {
        self.json = OnceLock::new();
        self.links = OnceLock::new();
    }

    /// The trace as a Zipkin v2 JSON array, encoded once and reused.
    pub fn json(&self) -> &Bytes {
        self.json.get_or_init(|| {
            // Serialising our own plain structs into a Vec cannot fail; an empty array is a safe
            // answer should it ever happen.
            Bytes::from(serde_json::to_vec(&self.spans).unwrap_or_else(|_| b"[]".to_vec()))
        })
    }

    /// Newest span timestamp (ms) inside `[begin, end]`, if any.
    fn newest_in(&self, begin: i64, end: i64) -> Option<u64> {
        let end = u64::try_from(end).ok()?;
        let begin = u64::try_from(begin.max(0)).unwrap_or(0);
        let upto = self.ts_ms.partition_point(|&t| t <= end);
        let newest = *self.ts_ms.get(upto.checked_sub(1)?)?;
        (newest >= begin).then_some(newest)
    }

    fn push(&mut self, span: Span) -> bool {
        let mut h = DefaultHasher::new();
        span.hash(&mut h);
        let fp = h.finish();
        if let Some(&i) = self.fingerprints.get(&fp) {
            if self.spans.get(i as usize) == Some(&span) {
                return false;
            }
        }
        let ms = span.timestamp.unwrap_or(0) / 1000;
        if let Err(pos) = self.ts_ms.binary_search(&ms) {
            self.ts_ms.insert(pos, ms);
        }
        let idx = u32::try_from(self.spans.len()).unwrap_or(u32::MAX);
        self.fingerprints.entry(fp).or_insert(idx);
        self.spans.push(span);
        true
    }

    fn rebuild_ts(&mut self) {
        let mut ts: Vec<u64> = self
            .spans
            .iter()
            .map(|s| s.timestamp.unwrap_or(0) / 1000)
            .collect();
        ts.sort_unstable();
        ts.dedup();
        self.ts_ms = ts;
    }
}

/// Lower-cased key used for name lookups: Zipkin lower-cases names on the way in and queries on
/// the way out, so lookups are case-insensitive.
fn key(s: &str) -> String {
    s.to_lowercase()
}

#[derive(Default)]
pub struct Store {
    traces: HashMap<String, Arc<TraceData>>,
    /// lower-cased service → (display name, span names, remote service names)
    services: BTreeMap<String, ServiceIndex>,
    autocomplete_keys: Vec<String>,
    autocomplete_values: BTreeMap<String, BTreeSet<String>>,
    span_count: usize,
}

#[derive(Default)]
struct ServiceIndex {
    name: String,
    span_names: BTreeSet<String>,
    remote_services: BTreeSet<String>,
}

impl Store {
    #[must_use]
    pub fn new(autocomplete_keys: Vec<String>) -> Self {
        Self {
            autocomplete_keys,
            ..Self::default()
        }
    }

    pub fn span_count(&self) -> usize {
        self.span_count
    }

    pub fn trace_count(&self) -> usize {
        self.traces.len()
    }

    pub fn autocomplete_keys(&self) -> &[String] {
        &self.autocomplete_keys
    }

    /// Stores already-normalised spans. Returns how many were new.
    pub fn accept(&mut self, spans: Vec<Span>) -> usize {
        let mut added = 0;
        for span in spans {
            self.index(&span);
            let trace = self
                .traces
                .entry(span.trace_id.clone())
                .or_insert_with(|| Arc::new(TraceData::new(span.trace_id.clone())));
            // Clones only if a reader still holds the old version.
            let trace = Arc::make_mut(trace);
            if trace.push(span) {
                trace.invalidate();
                added += 1;
            }
        }
        self.span_count += added;
        added
    }

    fn index(&mut self, span: &Span) {
        if let Some(service) = span.local_service() {
            let entry = self.services.entry(key(service)).or_default();
            if entry.name.is_empty() {
                entry.name = service.to_string();
            }
            if let Some(name) = &span.name {
                entry.span_names.insert(name.clone());
            }
            if let Some(remote) = span.remote_service() {
                entry.remote_services.insert(remote.to_string());
            }
        }
        for (k, v) in &span.tags {
            if self.autocomplete_keys.iter().any(|a| a == k) {
                self.autocomplete_values
                    .entry(k.clone())
                    .or_default()
                    .insert(v.clone());
            }
        }
    }

    /// Sorted local service names.
    pub fn service_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.services.values().map(|s| s.name.clone()).collect();
        names.sort();
        names
    }

    pub fn span_names(&self, service: &str) -> Vec<String> {
        self.services
            .get(&key(service))
            .map(|s| s.span_names.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub fn remote_service_names(&self, service: &str) -> Vec<String> {
        self.services
            .get(&key(service))
            .map(|s| s.remote_services.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub fn autocomplete_values(&self, key: &str) -> Vec<String> {
        self.autocomplete_values
            .get(key)
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Encodes and links every trace of at least `min_spans` spans now, so the first request
    /// for a big loaded trace does not wait for it. Runs without the store lock: pass it `all_traces()`.
    pub fn warm(traces: &[Arc<TraceData>], min_spans: usize) {
        for t in traces.iter().filter(|t| t.spans.len() >= min_spans) {
            t.json();
            t.links();
        }
    }

    /// Every stored trace (cheap: reference-counted).
    pub fn all_traces(&self) -> Vec<Arc<TraceData>> {
        self.traces.values().cloned().collect()
    }

    /// A trace by normalised id (strict: a 128-bit id never matches its 64-bit low half).
    pub fn trace(&self, normalized_id: &str) -> Option<Arc<TraceData>> {
        self.traces.get(normalized_id).cloned()
    }

    /// Traces with any span inside the window, newest first (ties by id, descending, as Zipkin's
    /// ordering of (timestamp, trace id) keys does).
    fn in_window(&self, end_ms: i64, lookback_ms: i64) -> Vec<(u64, &Arc<TraceData>)> {
        let begin = end_ms.saturating_sub(lookback_ms);
        let mut hits: Vec<(u64, &Arc<TraceData>)> = self
            .traces
            .values()
            .filter_map(|t| t.newest_in(begin, end_ms).map(|ts| (ts, t)))
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.id.cmp(&a.1.id)));
        hits
    }

    /// `GET /api/v2/traces`.
    pub fn query(&self, request: &QueryRequest) -> Vec<Arc<TraceData>> {
        self.in_window(request.end_ts, request.lookback)
            .into_iter()
            .filter(|(_, t)| request.test(&t.spans))
            .take(request.limit)
            .map(|(_, t)| Arc::clone(t))
            .collect()
    }

    /// `GET /api/v2/dependencies`: links of every trace with a span in the window.
    pub fn dependencies(&self, end_ms: i64, lookback_ms: i64) -> Vec<DependencyLink> {
        let mut linker = Linker::default();
        for (_, trace) in self.in_window(end_ms, lookback_ms) {
            linker.merge(trace.links());
        }
        linker.links()
    }

    /// Moves every stored trace so that its latest span end lies `margin_us` before `now_us`,
    /// keeping the shape of each trace. Spans without a timestamp stay as they are.
    pub fn shift_to_now(&mut self, now_us: u64, margin_us: u64) {
        let target = now_us.saturating_sub(margin_us);
        for trace in self.traces.values_mut() {
            let Some(end) = trace
                .spans
                .iter()
                .filter_map(|s| {
                    s.timestamp
                        .map(|t| t.saturating_add(s.duration.unwrap_or(0)))
                })
                .max()
            else {
                continue;
            };
            let delta = i128::from(target) - i128::from(end);
            let shift = |t: u64| -> u64 {
                u64::try_from((i128::from(t) + delta).max(1)).unwrap_or(u64::MAX)
            };
            let trace = Arc::make_mut(trace);
            for span in &mut trace.spans {
                span.timestamp = span.timestamp.map(shift);
                for a in &mut span.annotations {
                    a.timestamp = shift(a.timestamp);
                }
            }
            trace.rebuild_ts();
            trace.fingerprints = HashMap::new();
            for (i, span) in trace.spans.iter().enumerate() {
                let mut h = DefaultHasher::new();
                span.hash(&mut h);
                trace
                    .fingerprints
                    .entry(h.finish())
                    .or_insert(u32::try_from(i).unwrap_or(u32::MAX));
            }
            trace.invalidate();
        }
    }
}
