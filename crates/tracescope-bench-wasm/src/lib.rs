//! The benchmark of `tracescope bench`, in wasm. JavaScript (`bench.mjs` beside this crate)
//! times each call with `performance.now()`; the work per call and the table are the same
//! as natively (`tracescope_bench`).

use tracescope_bench::{
    input, markdown, median, median_per_stage, stage_names, CountingAlloc, Row, Run,
};
use wasm_bindgen::prelude::*;

/// Counts heap use in linear memory (peak heap per input size).
#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// The stages, in the order `Bench::step` runs them.
#[wasm_bindgen(js_name = stageNames)]
pub fn stage_names_js() -> Vec<String> {
    stage_names().into_iter().map(String::from).collect()
}

/// One input size: the synthetic input and the run in progress.
#[wasm_bindgen]
pub struct Bench {
    spans: usize,
    input: Vec<u8>,
    run: Run,
    before: usize,
    peak: Option<usize>,
    times: Vec<Vec<f64>>,
    cpu: Vec<f64>,
}

#[wasm_bindgen]
impl Bench {
    /// Generates the input (not timed).
    #[wasm_bindgen(constructor)]
    pub fn new(spans: u32) -> Bench {
        let spans = spans as usize;
        Bench {
            spans,
            input: input(spans),
            run: Run::new(),
            before: 0,
            peak: None,
            times: Vec::new(),
            cpu: Vec::new(),
        }
    }

    #[wasm_bindgen(js_name = inputBytes)]
    pub fn input_bytes(&self) -> u32 {
        u32::try_from(self.input.len()).unwrap_or(u32::MAX)
    }

    /// Starts a run: forgets the previous one and starts counting the peak heap.
    pub fn start(&mut self) {
        self.run = Run::new();
        self.before = CountingAlloc::current();
        CountingAlloc::reset_peak();
    }

    /// Runs the next stage; false once every stage has run.
    pub fn step(&mut self) -> Result<bool, JsError> {
        self.run
            .step(&self.input)
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Ends a run with the stage times JavaScript measured, in milliseconds, and the
    /// process CPU time over all stages (`process.cpuUsage()`; negative if unknown).
    pub fn finish(&mut self, stage_ms: Vec<f64>, cpu_ms: f64) {
        if cpu_ms >= 0.0 {
            self.cpu.push(cpu_ms);
        }
        let held = CountingAlloc::peak().saturating_sub(self.before) + self.input.len();
        self.peak.get_or_insert(held);
        self.times.push(stage_ms);
        self.run = Run::new();
    }
}

/// The rows measured so far; prints the same table as `tracescope bench`.
#[wasm_bindgen]
#[derive(Default)]
pub struct Report {
    rows: Vec<Row>,
}

#[wasm_bindgen]
impl Report {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Report {
        Report::default()
    }

    /// Adds the row of a finished `Bench` (the median of its runs).
    pub fn add(&mut self, bench: &Bench) {
        self.rows.push(Row {
            spans: bench.spans,
            input_bytes: bench.input.len(),
            stage_ms: median_per_stage(&bench.times),
            peak_heap_bytes: bench.peak,
            cpu_ms: (!bench.cpu.is_empty()).then(|| median(bench.cpu.clone())),
        });
    }

    pub fn markdown(&self, title: &str) -> String {
        markdown(title, &self.rows)
    }
}

/// `10000,100000,1m` → span counts (the same parser as `tracescope bench --sizes`).
#[wasm_bindgen(js_name = parseSizes)]
pub fn parse_sizes_js(text: &str) -> Result<Vec<u32>, JsError> {
    tracescope_bench::parse_sizes(text)
        .map_err(|e| JsError::new(&e))?
        .into_iter()
        .map(|n| u32::try_from(n).map_err(|_| JsError::new(&format!("{n} spans is too many"))))
        .collect()
}
