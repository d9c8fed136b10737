//! Bytes → import (detected format) → derive → visible rows → scenes of several viewports
//! → paint: every stage the app runs on a file it is given.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tracescope_core::pipeline::run_all(data);
});
