//! The errors a user can meet, each saying what failed and where, handled once: shown in
//! the error panel.

use std::fmt;

use tracescope_core::ImportError;

use crate::engine_client::LoadError;

#[derive(Clone, Debug, PartialEq)]
pub enum AppError {
    /// The request never got an HTTP answer (server down, DNS, offline).
    Unreachable { url: String },
    /// The server answered, but the browser withheld the answer: CORS.
    Cors { url: String, origin: String },
    /// The server answered with a non-2xx status.
    Http {
        url: String,
        status: u16,
        body: String,
    },
    /// The answer or file is not a trace we can read.
    Import { source: String, error: ImportError },
    /// A JSON answer of the wrong shape (e.g. `/services`).
    Json { url: String, message: String },
    /// A file could not be read at all.
    File { name: String, message: String },
    /// The trace engine stopped while loading (out of memory, or a bug).
    Engine { source: String, message: String },
    /// No answer, or no more data, within the timeout (settings dialog).
    Timeout { url: String, seconds: u32 },
    /// The user (or a newer request) cancelled the request: nothing to show.
    Cancelled,
    /// A URL parameter (or mount option) that could not be used; the rest still applies.
    Param { param: String, message: String },
}

/// Where a load's bytes came from, to say it in an error.
pub enum Origin<'a> {
    File(&'a str),
    Url(&'a str),
}

impl AppError {
    /// The error to show for a failed load; `None` when there is nothing to show (the load
    /// was abandoned for a newer one).
    pub fn from_load(origin: Origin<'_>, e: LoadError) -> Option<AppError> {
        let source = match origin {
            Origin::File(s) | Origin::Url(s) => s.to_string(),
        };
        Some(match e {
            LoadError::Import { error } => AppError::Import { source, error },
            LoadError::Http { url, status, body } => AppError::Http { url, status, body },
            LoadError::Cors { url, origin } => AppError::Cors { url, origin },
            LoadError::Unreachable { url } => AppError::Unreachable { url },
            LoadError::Read { message } => match origin {
                Origin::File(name) => AppError::File {
                    name: name.to_string(),
                    message,
                },
                Origin::Url(url) => AppError::Json {
                    url: url.to_string(),
                    message,
                },
            },
            LoadError::Crashed { message } => AppError::Engine { source, message },
            LoadError::Abandoned => return None,
        })
    }
}

impl AppError {
    /// A stable name for the kind of error, for hosts that embed the app (`error` events).
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Unreachable { .. } => "unreachable",
            AppError::Cors { .. } => "cors",
            AppError::Http { .. } => "http",
            AppError::Import { .. } => "import",
            AppError::Json { .. } => "json",
            AppError::File { .. } => "file",
            AppError::Engine { .. } => "engine",
            AppError::Timeout { .. } => "timeout",
            AppError::Cancelled => "cancelled",
            AppError::Param { .. } => "param",
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Unreachable { url } => write!(
                f,
                "Could not reach {url}: network error (is the server running and the address right?)"
            ),
            AppError::Cors { url, origin } => write!(
                f,
                "The server at {url} answered, but did not allow this page's origin ({origin}) to read it (CORS). \
                 Allow it on the server: for Zipkin set ZIPKIN_QUERY_ALLOWED_ORIGINS={origin} (or *)."
            ),
            AppError::Http { url, status, body } => {
                let body = body.trim();
                let body: String = body.chars().take(500).collect();
                write!(f, "HTTP {status} from {url}")?;
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
                Ok(())
            }
            AppError::Import { source, error } => write!(f, "Could not read {source}: {error}"),
            AppError::Json { url, message } => write!(f, "Unexpected answer from {url}: {message}"),
            AppError::File { name, message } => write!(f, "Could not open {name}: {message}"),
            AppError::Timeout { url, seconds } => write!(
                f,
                "No answer from {url} within {seconds} s (or no more data for that long): the request timed out. \
                 Narrow the search (shorter lookback, lower limit) or raise the timeout in the settings."
            ),
            AppError::Cancelled => write!(f, "The request was cancelled."),
            AppError::Param { message, .. } => write!(f, "{message}"),
            AppError::Engine { source, message } => write!(
                f,
                "Could not load {source}: the trace engine stopped ({message}). \
                 The trace may be too large for this browser tab."
            ),
        }
    }
}
