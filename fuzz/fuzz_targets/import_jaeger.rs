//! The Jaeger importer alone, whatever the bytes look like (no format detection). Seeds:
//! the fixtures of its format (scripts/fuzz.sh).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracescope_core::import::{import_as, Format};

fuzz_target!(|data: &[u8]| {
    match import_as(data, Format::Jaeger) {
        // Errors must say what and where without panicking on the way.
        Err(e) => drop(e.to_string()),
        Ok(imported) => assert!(imported.traces.iter().all(|t| !t.spans.is_empty())),
    }
});
