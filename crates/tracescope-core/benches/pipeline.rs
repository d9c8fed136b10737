//! The pipeline on synthetic Zipkin v2 traces of 10k, 100k and 1M spans, stage by stage:
//! `import`, then each entry of `pipeline::DERIVE_STAGES` (timed alone, its input prepared
//! untimed), then `total` (bytes to a finished derivation).
//!
//! `cargo bench -p tracescope-core --bench pipeline` (all sizes; a few minutes), or one size:
//! `cargo bench -p tracescope-core --bench pipeline -- pipeline/10000`. A derivation stage
//! added to `DERIVE_STAGES` is benchmarked here with nothing to change in this file.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use std::hint::black_box;
use std::time::Duration;
use tracescope_core::import::import;
use tracescope_core::pipeline::{derive_staged, Work, DERIVE_STAGES, IMPORT_STAGE};
use tracescope_synth::{GenConfig, Plan};

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// The same input as `tracescope bench`: one realistic trace, fixed seed.
fn input(spans: usize) -> Vec<u8> {
    let cfg = GenConfig {
        seed: 42,
        spans_target: spans,
        error_rate: 0.01,
        ..GenConfig::default()
    };
    let mut out = Vec::with_capacity(spans * 700);
    Plan::new(&cfg)
        .write_json(&mut out)
        .expect("writing into a Vec");
    out
}

/// The works after `import` and the first `stages` derivation stages.
fn prepared(bytes: &[u8], stages: usize) -> Vec<Work> {
    let mut works: Vec<Work> = import(bytes)
        .expect("synthetic input imports")
        .traces
        .into_iter()
        .map(Work::new)
        .collect();
    for stage in &DERIVE_STAGES[..stages] {
        for w in &mut works {
            (stage.run)(w);
        }
    }
    works
}

fn pipeline(c: &mut Criterion) {
    for spans in SIZES {
        let bytes = input(spans);
        let mut g = c.benchmark_group(format!("pipeline/{spans}"));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.sample_size(10);
        // One iteration per sample: these take milliseconds to seconds each.
        g.sampling_mode(SamplingMode::Flat);
        let (measurement, warm_up) = if spans >= 100_000 {
            (Duration::from_secs(20), Duration::from_secs(1))
        } else {
            (Duration::from_secs(5), Duration::from_secs(3))
        };
        g.measurement_time(measurement);
        g.warm_up_time(warm_up);

        g.bench_function(IMPORT_STAGE, |b| {
            b.iter_with_large_drop(|| import(black_box(&bytes)))
        });
        // Each iteration of a derive stage needs a fresh import first (untimed, but seconds
        // at 1M spans): one iteration per sample, ten samples, however fast the stage.
        g.measurement_time(Duration::from_millis(1));
        g.warm_up_time(Duration::from_millis(1));
        for (i, stage) in DERIVE_STAGES.iter().enumerate() {
            g.bench_function(stage.name, |b| {
                b.iter_batched(
                    || prepared(&bytes, i),
                    |mut works| {
                        for w in &mut works {
                            (stage.run)(w);
                        }
                        works
                    },
                    BatchSize::PerIteration,
                )
            });
        }
        g.measurement_time(measurement);
        g.warm_up_time(warm_up);
        g.bench_function("total", |b| {
            b.iter_with_large_drop(|| {
                import(black_box(&bytes))
                    .expect("synthetic input imports")
                    .traces
                    .into_iter()
                    .map(derive_staged)
                    .collect::<Vec<_>>()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
