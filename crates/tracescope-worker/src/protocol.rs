//! What the page and the engine's worker say to each other.
//!
//! Every message is an envelope (see `envelope.rs`): a request id, this module's [`Request`]
//! or [`Reply`] as a JSON string, and, where big data travels, an `ArrayBuffer` that is
//! *transferred* (moved, never copied) or a `File` handle (the worker reads the file itself).
//! Small answers (summaries, span details, errors) are JSON; big ones are bytes:
//!
//! | request | reply | bytes in the envelope |
//! |---|---|---|
//! | `Load { source }` | `Progress`… then `Loaded` or `Failed` | a `File` handle with the request (for a file); the first trace's model with `Loaded` |
//! | `Summarise { source }` | `Loaded` (no model) or `Failed` | as for `Load`; a search answer comes as a transferred `ArrayBuffer` |
//! | `Model { trace }` | `Model { found }` | `WaterfallModel::to_bytes` |
//! | `Filter { trace, query }` | `Filter { result }` (the number of matches) | one byte per model position: `layout::rows::marks` (match; shown with ancestors) |
//! | `Detail { trace, span }` | `Detail { detail }` | — |
//! | `SkewCorrection { trace, on }` | `Model { found }` | the re-derived trace's model |
//!
//! The worker says `Ready` (id 0) once it listens; before that, messages would be lost.
//! A crash (panic, out of memory) is `Failed { Crashed }` with id 0: every request of that
//! worker has failed.

use serde::{Deserialize, Serialize};
use tracescope_core::engine::{ExportKind, LoadInfo, Progress, SpanDetail};
use tracescope_core::filter::FilterError;
use tracescope_core::ImportError;

/// The id of messages that answer no request (`Ready`, a crash).
pub const NO_REQUEST: u32 = 0;

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// Read the source, import and derive it; reply `Loaded` with the first trace's model.
    Load {
        source: Source,
    },
    /// Like `Load`, for a search answer: only the summaries are wanted (no model), and an
    /// empty JSON array is no traces rather than an error.
    Summarise {
        source: Source,
    },
    Model {
        trace: usize,
    },
    Filter {
        trace: usize,
        query: String,
    },
    Detail {
        trace: usize,
        span: u32,
    },
    /// The span with this span id (the first in tree order when several share it).
    FindSpan {
        trace: usize,
        id: String,
    },
    /// Switch clock-skew correction of a trace on or off; reply with its new model.
    SkewCorrection {
        trace: usize,
        on: bool,
    },
    /// A trace in a downloadable form; reply `Export` with the bytes.
    Export {
        trace: usize,
        export: ExportKind,
    },
}

/// Where the bytes of a load come from. The worker reads them, so they never pass through
/// the page's main thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// A `File` (or any `Blob`), passed as a handle in the envelope.
    File { name: String },
    /// A URL fetched by the worker (`GET`, no credentials beyond the default).
    Url { url: String },
    /// Bytes the page fetched itself, as an `ArrayBuffer` transferred in the envelope.
    Bytes,
}

impl Source {
    /// What the user would call it: the file name or the URL.
    pub fn name(&self) -> &str {
        match self {
            Source::File { name } => name,
            Source::Url { url } => url,
            Source::Bytes => "the answer",
        }
    }
}

/// Worker → page.
// A reply lives for one send; boxing its big variants would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reply {
    Ready,
    /// A stage of a `Load` started, or advanced.
    Progress {
        progress: Progress,
    },
    /// The load succeeded. The model of trace 0 rides along as bytes (the page always wants
    /// it first); `worker_memory_bytes` is the worker's wasm memory after the load.
    Loaded {
        info: LoadInfo,
        worker_memory_bytes: u64,
    },
    /// `found: false`: there is no such trace (no bytes then).
    Model {
        found: bool,
    },
    /// `Ok` with the number of matches and, in the buffer, one byte of
    /// `layout::rows::marks` per position (none when the query is empty); or why the query
    /// is wrong.
    Filter {
        result: Result<usize, FilterError>,
    },
    Detail {
        detail: Option<SpanDetail>,
    },
    FindSpan {
        span: Option<u32>,
    },
    /// `found: false`: there is no such trace (no bytes then).
    Export {
        found: bool,
    },
    Failed {
        error: LoadError,
    },
}

/// Why a load failed, as the page needs it to tell the user what to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LoadError {
    /// The bytes are not a trace tracescope can read.
    Import { error: ImportError },
    /// The server answered with a non-2xx status.
    Http {
        url: String,
        status: u16,
        body: String,
    },
    /// The server answered, but CORS kept the answer from this origin.
    Cors { url: String, origin: String },
    /// No HTTP answer at all.
    Unreachable { url: String },
    /// The file or the response body could not be read.
    Read { message: String },
    /// The engine stopped: out of memory, or a bug.
    Crashed { message: String },
    /// Another load started before this one finished (page side only; never sent).
    Abandoned,
}

/// Longest HTTP error body kept (the page shows 500 characters).
pub const MAX_ERROR_BODY: usize = 4096;

/// Whether `bytes` are an empty JSON array (`[]`, maybe with whitespace): a search that
/// found nothing.
pub fn is_empty_array(bytes: &[u8]) -> bool {
    let mut solid = bytes.iter().filter(|b| !b.is_ascii_whitespace());
    solid.next() == Some(&b'[') && solid.next() == Some(&b']') && solid.next().is_none()
}

/// Encodes a message for the envelope.
pub fn to_json<T: Serialize>(msg: &T) -> String {
    // These types serialise infallibly: no maps with non-string keys, no custom errors.
    serde_json::to_string(msg).unwrap_or_default()
}

pub fn from_json<'a, T: Deserialize<'a>>(json: &'a str) -> Option<T> {
    serde_json::from_str(json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracescope_core::engine::{Engine, Stage};

    const INPUT: &[u8] = br#"[{"traceId":"a","id":"1","name":"root","timestamp":10,"duration":5,"localEndpoint":{"serviceName":"gw"}}]"#;

    fn round<T: Serialize + for<'a> Deserialize<'a> + PartialEq + std::fmt::Debug>(v: T) {
        let json = to_json(&v);
        assert_eq!(from_json::<T>(&json), Some(v), "{json}");
    }

    #[test]
    fn every_message_round_trips() {
        round(Request::Load {
            source: Source::File {
                name: "a.json".into(),
            },
        });
        round(Request::Load {
            source: Source::Url {
                url: "http://h/api/v2/trace/1".into(),
            },
        });
        round(Request::Summarise {
            source: Source::Bytes,
        });
        round(Request::Model { trace: 2 });
        round(Request::Filter {
            trace: 0,
            query: "is:error \"a b\"".into(),
        });
        round(Request::Detail { trace: 0, span: 7 });
        round(Request::FindSpan {
            trace: 0,
            id: "00f067aa0ba902b7".into(),
        });
        round(Request::Export {
            trace: 1,
            export: ExportKind::OperationStatsCsv,
        });
        round(Request::SkewCorrection {
            trace: 1,
            on: false,
        });
        let engine = Engine::load(INPUT).expect("valid");
        round(Reply::Ready);
        round(Reply::Progress {
            progress: Progress::new(Stage::Reading, 10, 100),
        });
        round(Reply::Loaded {
            info: engine.info(),
            worker_memory_bytes: 1 << 20,
        });
        round(Reply::Model { found: true });
        round(Reply::Export { found: false });
        round(Reply::Filter { result: Ok(3) });
        round(Reply::Filter {
            result: engine.filter_marks(0, "dur>x").map(|(_, n)| n),
        });
        round(Reply::Detail {
            detail: engine.span_detail(0, 0),
        });
        let import = Engine::load(b"{").err().expect("invalid");
        for error in [
            LoadError::Import { error: import },
            LoadError::Http {
                url: "u".into(),
                status: 404,
                body: "x not found".into(),
            },
            LoadError::Cors {
                url: "u".into(),
                origin: "o".into(),
            },
            LoadError::Unreachable { url: "u".into() },
            LoadError::Read {
                message: "m".into(),
            },
            LoadError::Crashed {
                message: "m".into(),
            },
            LoadError::Abandoned,
        ] {
            round(Reply::Failed { error });
        }
    }

    #[test]
    fn empty_search_answers() {
        assert!(is_empty_array(b"[]"));
        assert!(is_empty_array(b" [ \n ] "));
        assert!(!is_empty_array(b"[[]]"));
        assert!(!is_empty_array(b"[] x"));
        assert!(!is_empty_array(b""));
        assert!(!is_empty_array(INPUT));
    }

    #[test]
    fn the_wire_form_is_readable() {
        // Someone debugging with the browser's devtools sees these strings.
        assert_eq!(
            to_json(&Request::Model { trace: 1 }),
            r#"{"kind":"model","trace":1}"#
        );
        assert_eq!(
            to_json(&Reply::Progress {
                progress: Progress::new(Stage::Parsing, 0, 9)
            }),
            r#"{"kind":"progress","progress":{"stage":"parsing","done":0,"total":9}}"#
        );
        assert_eq!(from_json::<Request>("{\"kind\":\"nope\"}"), None);
    }
}
