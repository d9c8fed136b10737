//! The way back out: canonical model → bytes of a wire format. The mirror image of
//! [`crate::import`]: one private writer per format, each with its own wire structs, and
//! nothing here knows which format a trace came from.

pub mod csv;
mod otlp;
mod zipkin_v2;

use std::fmt;
use std::io;

use serde::{Serialize, Serializer};

use crate::model::Trace;

/// The formats tracescope can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A JSON array of spans (`POST /api/v2/spans`); several traces are an array of arrays
    /// (`GET /api/v2/traces`).
    ZipkinV2,
    /// OTLP/JSON `TracesData`, one `resourceSpans` entry per service.
    Otlp,
}

impl Target {
    pub const ALL: [Target; 2] = [Target::ZipkinV2, Target::Otlp];

    /// Machine name, the same as [`crate::import::Format::key`] for the format.
    pub fn key(self) -> &'static str {
        match self {
            Target::ZipkinV2 => "zipkin-v2",
            Target::Otlp => "otlp",
        }
    }

    pub fn from_key(key: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.key() == key)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Writes `traces` as `target` (compact JSON, no trailing newline).
///
/// # Errors
/// Only the errors of `out`.
pub fn write<W: io::Write>(traces: &[Trace], target: Target, out: W) -> io::Result<()> {
    match target {
        Target::ZipkinV2 => zipkin_v2::write(traces, out),
        Target::Otlp => otlp::write(traces, out),
    }
}

/// One span of `trace` as indented Zipkin v2 JSON: what a Zipkin server would return for it.
pub fn span_zipkin_v2(trace: &Trace, span: &crate::model::Span) -> String {
    zipkin_v2::span_pretty(trace, span)
}

/// [`write`] into memory.
pub fn to_vec(traces: &[Trace], target: Target) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(traces, target, &mut out);
    out
}

/// Serialises anything `Display` as a JSON string without building a `String` first.
struct AsText<T>(T);

impl<T: fmt::Display> Serialize for AsText<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}
