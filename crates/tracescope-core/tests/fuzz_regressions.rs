//! Replays every input in `tests/fuzz_regressions/` (written by `scripts/fuzz.sh`) and
//! every fixture through the whole pipeline: none may panic, whatever the import says.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use tracescope_core::pipeline::run_all;

fn inputs() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    common::files_in(&dir)
        .into_iter()
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect()
}

#[test]
fn fuzz_regressions_do_not_panic() {
    let mut panics = Vec::new();
    for path in inputs() {
        let bytes = std::fs::read(&path).expect("readable");
        if catch_unwind(AssertUnwindSafe(|| run_all(&bytes))).is_err() {
            panics.push(path.display().to_string());
        }
    }
    assert!(panics.is_empty(), "panicked on:\n{}", panics.join("\n"));
}

#[test]
fn every_fixture_goes_through_the_whole_pipeline() {
    for (rel, path) in common::all_fixtures() {
        let bytes = std::fs::read(&path).expect("readable");
        if let Ok(calls) = run_all(&bytes) {
            assert!(calls > 0, "{rel}: nothing painted");
        }
    }
}

/// Inputs at the edges that every importer must refuse or read, never panic on.
#[test]
fn hostile_inputs_do_not_panic() {
    let deep_array = "[".repeat(100_000);
    let deep_object = "{\"a\":".repeat(50_000);
    let cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xEF\xBB\xBF".to_vec(),
        b"\x00\x00".to_vec(),
        deep_array.into_bytes(),
        deep_object.into_bytes(),
        br#"[{"traceId":"1","id":"1","timestamp":9223372036854775807,"duration":9223372036854775807}]"#.to_vec(),
        br#"[{"traceId":"1","id":"1","timestamp":-9223372036854775808,"duration":1}]"#.to_vec(),
        br#"[{"traceId":"1","id":"1","parentId":"1"},{"traceId":"1","id":"1","shared":true,"parentId":"1"}]"#.to_vec(),
        br#"[{"traceId":"1","id":"2","timestamp":1,"annotations":[{"timestamp":-9223372036854775808,"value":"a"},{"timestamp":9223372036854775807,"value":"b"}]}]"#.to_vec(),
        br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"","spanId":""}]}]}]}"#.to_vec(),
        br#"{"data":[{"traceID":"1","spans":[{"spanID":"1","references":[{"spanID":"1"}]}]}]}"#.to_vec(),
        br#"[{"traceId":"1","id":"1","binaryAnnotations":[{"key":"sa","value":true}]}]"#.to_vec(),
    ];
    for (i, bytes) in cases.iter().enumerate() {
        let result = catch_unwind(AssertUnwindSafe(|| run_all(bytes)));
        assert!(result.is_ok(), "case {i} panicked");
    }
}
