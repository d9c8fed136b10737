//! `tracescope bench`: the pipeline on synthetic traces of several sizes, natively, as a
//! markdown table (see `tracescope_bench`; the wasm benchmark prints the same table).

use std::time::Instant;

use tracescope_bench::{
    input, markdown, median, median_per_stage, parse_sizes, thread_cpu_ms, CountingAlloc, Row, Run,
    DEFAULT_SIZES,
};

use crate::{write_stdout, Failure};

pub fn run(args: &[String]) -> Result<(), Failure> {
    let mut sizes = DEFAULT_SIZES.to_vec();
    let mut runs = 3usize;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| Failure::Usage(format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--sizes" => sizes = parse_sizes(value()?).map_err(Failure::Usage)?,
            "--runs" => {
                let v = value()?;
                runs = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| Failure::Usage(format!("--runs: not a count: {v:?}")))?;
            }
            other => return Err(Failure::Usage(format!("unknown option {other:?}"))),
        }
    }
    let mut rows = Vec::new();
    for &spans in &sizes {
        let row = measure(spans, runs)?;
        eprintln!("[bench] {spans} spans done");
        rows.push(row);
    }
    let title = format!(
        "native ({}, {} run{} per size, median)",
        if cfg!(debug_assertions) {
            "debug build: numbers are not meaningful"
        } else {
            "optimised build"
        },
        runs,
        if runs == 1 { "" } else { "s" }
    );
    write_stdout(markdown(&title, &rows).as_bytes())
}

/// Generates the input, then runs the pipeline `runs` times, timing each stage. The peak
/// heap is that of the first run, counted from before the import with the input held.
fn measure(spans: usize, runs: usize) -> Result<Row, Failure> {
    let bytes = input(spans);
    let mut times = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    let mut peak = None;
    for _ in 0..runs {
        let before = CountingAlloc::current();
        CountingAlloc::reset_peak();
        let mut stage_ms = Vec::new();
        let mut run = Run::new();
        let cpu_before = thread_cpu_ms();
        loop {
            let t = Instant::now();
            let more = run
                .step(&bytes)
                .map_err(|e| Failure::Input(format!("synthetic input: {e}")))?;
            if !more {
                break;
            }
            stage_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        if let (Some(a), Some(b)) = (cpu_before, thread_cpu_ms()) {
            cpu.push(b - a);
        }
        if run.span_count() == 0 {
            return Err(Failure::Input("synthetic input gave no spans".into()));
        }
        // The input, counted as in use: a viewer holds it while it imports.
        let held = CountingAlloc::peak().saturating_sub(before) + bytes.len();
        peak.get_or_insert(held);
        drop(run);
        times.push(stage_ms);
    }
    Ok(Row {
        spans,
        input_bytes: bytes.len(),
        stage_ms: median_per_stage(&times),
        peak_heap_bytes: peak,
        cpu_ms: (!cpu.is_empty()).then(|| median(cpu)),
    })
}
