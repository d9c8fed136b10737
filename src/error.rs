//! The errors a user can meet, each saying what failed and where, handled once: shown in
//! the error panel.

use std::fmt;

use tracescope_core::ImportError;

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
        }
    }
}
