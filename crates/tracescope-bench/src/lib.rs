//! The benchmark harness behind `tracescope bench` and the wasm benchmark, so that both
//! run the very same work and print the very same table.
//!
//! The stages are the core's own ([`tracescope_core::pipeline`]): `import`, then every entry
//! of [`DERIVE_STAGES`]. A stage added there gets its own column here, with nothing to
//! change in this crate. Timing is the caller's (native `Instant`, or `performance.now()`
//! in JavaScript around each call), so that each platform uses its own clock.

mod alloc;

use std::fmt::Write as _;

pub use alloc::CountingAlloc;
use tracescope_core::import::{import, ImportError};
use tracescope_core::pipeline::{Work, DERIVE_STAGES, IMPORT_STAGE};
use tracescope_synth::{GenConfig, Plan};

/// Default sizes, in spans.
pub const DEFAULT_SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// Synthetic Zipkin v2 JSON with `spans` spans: one realistic trace, always the same bytes
/// for the same size.
pub fn input(spans: usize) -> Vec<u8> {
    let cfg = GenConfig {
        seed: 42,
        spans_target: spans,
        error_rate: 0.01,
        ..GenConfig::default()
    };
    let mut out = Vec::with_capacity(spans * 700);
    // Writing into a Vec cannot fail.
    let _ = Plan::new(&cfg).write_json(&mut out);
    out
}

/// Names of the stages, in order: `import`, then the derivation stages.
pub fn stage_names() -> Vec<&'static str> {
    std::iter::once(IMPORT_STAGE)
        .chain(DERIVE_STAGES.iter().map(|s| s.name))
        .collect()
}

/// One pass over the pipeline, one stage per call, so that the caller can time each.
#[derive(Default)]
pub struct Run {
    works: Vec<Work>,
    next: usize,
}

impl Run {
    pub fn new() -> Run {
        Run::default()
    }

    /// Runs the next stage on `input` (the same bytes every call); `Ok(false)` once every
    /// stage has run.
    ///
    /// # Errors
    /// The import error, if the input is not a trace.
    pub fn step(&mut self, input: &[u8]) -> Result<bool, ImportError> {
        match self.next {
            0 => {
                self.works = import(input)?.traces.into_iter().map(Work::new).collect();
            }
            n if n <= DERIVE_STAGES.len() => {
                let stage = &DERIVE_STAGES[n - 1];
                for w in &mut self.works {
                    (stage.run)(w);
                }
            }
            _ => return Ok(false),
        }
        self.next += 1;
        Ok(true)
    }

    /// Spans after cleaning, over all traces (a check that the work was really done).
    pub fn span_count(&self) -> usize {
        self.works.iter().map(|w| w.trace.spans.len()).sum()
    }
}

/// One line of the table: one input size.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub spans: usize,
    pub input_bytes: usize,
    /// Milliseconds per stage, in the order of [`stage_names`].
    pub stage_ms: Vec<f64>,
    /// Most heap in use during the run, the input included; `None` where not measured.
    pub peak_heap_bytes: Option<usize>,
    /// CPU time of all stages (median over runs), where the platform tells it. Far below
    /// the total wall time means that the machine was busy with something else.
    pub cpu_ms: Option<f64>,
}

impl Row {
    pub fn total_ms(&self) -> f64 {
        self.stage_ms.iter().sum()
    }
}

/// The median of each stage's times over several runs (`runs[run][stage]`).
pub fn median_per_stage(runs: &[Vec<f64>]) -> Vec<f64> {
    let stages = runs.first().map_or(0, Vec::len);
    (0..stages)
        .map(|i| median(runs.iter().filter_map(|r| r.get(i).copied()).collect()))
        .collect()
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if !n.is_multiple_of(2) => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// CPU time of the calling thread in milliseconds, from Linux's scheduler statistics
/// (nanosecond resolution); `None` elsewhere.
pub fn thread_cpu_ms() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e6)
}

const MB: f64 = 1024.0 * 1024.0;

/// The table, in markdown: one row per size, one column per stage.
pub fn markdown(title: &str, rows: &[Row]) -> String {
    let names = stage_names();
    let mut out = String::new();
    let _ = writeln!(out, "{title}\n");
    let mut header = String::from("| spans | input MB |");
    let mut rule = String::from("|---:|---:|");
    for n in &names {
        let _ = write!(header, " {n} ms |");
        rule.push_str("---:|");
    }
    header.push_str(" total ms | total CPU ms | peak heap MB | peak / input |");
    rule.push_str("---:|---:|---:|---:|");
    let _ = writeln!(out, "{header}\n{rule}");
    for r in rows {
        let mut line = format!(
            "| {} | {:.1} |",
            thousands(r.spans),
            r.input_bytes as f64 / MB
        );
        for ms in &r.stage_ms {
            let _ = write!(line, " {} |", fmt_ms(*ms));
        }
        let _ = write!(line, " {} |", fmt_ms(r.total_ms()));
        match r.cpu_ms {
            Some(ms) => {
                let _ = write!(line, " {} |", fmt_ms(ms));
            }
            None => line.push_str(" – |"),
        }
        match r.peak_heap_bytes {
            Some(peak) => {
                let _ = write!(
                    line,
                    " {:.1} | {:.2}× |",
                    peak as f64 / MB,
                    peak as f64 / r.input_bytes.max(1) as f64
                );
            }
            None => line.push_str(" – | – |"),
        }
        let _ = writeln!(out, "{line}");
    }
    out
}

fn fmt_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.0}")
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses `10000,100000,1000000` (underscores and `k`/`m` suffixes allowed: `10k,1m`).
///
/// # Errors
/// A message naming the part that is not a size.
pub fn parse_sizes(text: &str) -> Result<Vec<usize>, String> {
    text.split(',')
        .map(|part| {
            let p = part.trim().replace('_', "").to_ascii_lowercase();
            let (digits, mul) = match p.strip_suffix('k') {
                Some(d) => (d.to_string(), 1_000),
                None => match p.strip_suffix('m') {
                    Some(d) => (d.to_string(), 1_000_000),
                    None => (p.clone(), 1),
                },
            };
            digits
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_mul(mul))
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("not a span count: {part:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_goes_through_every_stage() {
        let bytes = input(500);
        let mut run = Run::new();
        let mut steps = 0;
        while run.step(&bytes).expect("synthetic input imports") {
            steps += 1;
        }
        assert_eq!(steps, stage_names().len());
        assert_eq!(run.span_count(), 500);
    }

    #[test]
    fn sizes_and_table() {
        assert_eq!(
            parse_sizes("10k, 1_000,2m"),
            Ok(vec![10_000, 1_000, 2_000_000])
        );
        assert!(parse_sizes("ten").is_err());
        assert!(parse_sizes("0").is_err());
        assert_eq!(
            median_per_stage(&[vec![3.0, 1.0], vec![1.0, 2.0], vec![2.0, 9.0]]),
            vec![2.0, 2.0]
        );
        let row = Row {
            spans: 1_000_000,
            input_bytes: 300 * 1024 * 1024,
            stage_ms: vec![1.0; stage_names().len()],
            peak_heap_bytes: Some(600 * 1024 * 1024),
            cpu_ms: None,
        };
        let table = markdown("t", &[row]);
        assert!(table.contains("| 1,000,000 | 300.0 |"), "{table}");
        assert!(table.contains("| – | 600.0 | 2.00× |"), "{table}");
        assert!(table.contains("| import ms | clean+tree ms |"), "{table}");
    }
}
