//! The errors a user can meet, each saying what failed and where, handled once: shown in
//! the error panel.

use std::fmt;

use tracescope_core::embed::ParamError;
use tracescope_core::ImportError;
use tracescope_i18n::{Lang, Msg};

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
    Json { url: String, message: Problem },
    /// A file could not be read at all.
    File { name: String, message: Problem },
    /// The trace engine stopped while loading (out of memory, or a bug).
    Engine { source: String, message: String },
    /// No answer, or no more data, within the timeout (settings dialog).
    Timeout { url: String, seconds: u32 },
    /// The user (or a newer request) cancelled the request: nothing to show.
    Cancelled,
    /// URL parameters (or mount options) that could not be used; the rest still applies.
    Param { errors: Vec<ParamError> },
    /// The browser refused the clipboard; the link is shown instead.
    Clipboard { link: String },
}

/// What was wrong with an answer or a file.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// Not the JSON expected; `message` is the parser's own (technical, English) words.
    Json {
        message: String,
        line: usize,
        column: usize,
    },
    /// The body could not be read; the browser's own words.
    Unreadable(String),
    /// A description from elsewhere (the engine, a config parser), shown as it is.
    Other(String),
}

impl Problem {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Problem::Json {
                message,
                line,
                column,
            } => Msg::JsonAt.fill(
                lang,
                &[
                    ("message", message),
                    ("line", &line.to_string()),
                    ("column", &column.to_string()),
                ],
            ),
            Problem::Unreadable(e) => Msg::BodyUnreadable.fill(lang, &[("error", e)]),
            Problem::Other(m) => m.clone(),
        }
    }
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
                    message: Problem::Other(message),
                },
                Origin::Url(url) => AppError::Json {
                    url: url.to_string(),
                    message: Problem::Other(message),
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
            AppError::Clipboard { .. } => "clipboard",
        }
    }
}

/// An import error in `lang`. The structured parts (format, JSON path, position) are placed
/// into a translated frame; the adapter's own description of what was wrong (`message`,
/// `seen`) is technical detail from the core and stays as it is.
pub fn import_message(e: &ImportError, lang: Lang) -> String {
    match e {
        ImportError::Empty => Msg::ImportEmpty.text(lang).to_string(),
        ImportError::Invalid {
            format,
            path,
            position,
            message,
        } => Msg::ImportInvalid.fill(
            lang,
            &[
                ("format", format.name()),
                ("message", message),
                ("path", path),
                ("line", &position.line.to_string()),
                ("column", &position.column.to_string()),
                ("offset", &position.offset.to_string()),
            ],
        ),
        ImportError::Unrecognised { seen } => Msg::ImportUnrecognised.fill(lang, &[("seen", seen)]),
        ImportError::NoSpans { format } => {
            Msg::ImportNoSpans.fill(lang, &[("format", format.name())])
        }
    }
}

impl AppError {
    /// What the error panel says, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Unreachable { url } => Msg::ErrorUnreachable.fill(lang, &[("url", url)]),
            AppError::Cors { url, origin } => {
                Msg::ErrorCors.fill(lang, &[("url", url), ("origin", origin)])
            }
            AppError::Http { url, status, body } => {
                let body: String = body.trim().chars().take(500).collect();
                let status = status.to_string();
                if body.is_empty() {
                    Msg::ErrorHttp.fill(lang, &[("status", &status), ("url", url)])
                } else {
                    Msg::ErrorHttpBody
                        .fill(lang, &[("status", &status), ("url", url), ("body", &body)])
                }
            }
            AppError::Import { source, error } => Msg::ErrorImport.fill(
                lang,
                &[("source", source), ("error", &import_message(error, lang))],
            ),
            AppError::Json { url, message } => {
                Msg::ErrorJson.fill(lang, &[("url", url), ("message", &message.message(lang))])
            }
            AppError::File { name, message } => {
                Msg::ErrorFile.fill(lang, &[("name", name), ("message", &message.message(lang))])
            }
            AppError::Timeout { url, seconds } => {
                Msg::ErrorTimeout.fill(lang, &[("url", url), ("seconds", &seconds.to_string())])
            }
            AppError::Cancelled => Msg::ErrorCancelled.text(lang).to_string(),
            AppError::Param { errors } => errors
                .iter()
                .map(|e| {
                    Msg::ErrorParam.fill(
                        lang,
                        &[
                            ("param", &e.param),
                            ("value", &format!("{:?}", e.value)),
                            ("expected", e.expected),
                        ],
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            AppError::Clipboard { link } => Msg::ErrorClipboard.fill(lang, &[("link", link)]),
            AppError::Engine { source, message } => {
                Msg::ErrorEngine.fill(lang, &[("source", source), ("message", message)])
            }
        }
    }
}

/// English, for logs and for hosts that read the `error` event's `message`.
impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}
