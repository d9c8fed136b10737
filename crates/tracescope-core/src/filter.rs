//! Filtering spans within a trace, entirely client-side.
//!
//! Query language (terms are ANDed; values are case-insensitive substrings unless noted):
//! - `service:NAME`, `name:TEXT` (span name)
//! - `KEY=VALUE` or `tag:KEY=VALUE` (tag with that key whose value contains VALUE),
//!   `tag:TEXT` (a tag key or value contains TEXT)
//! - `dur>10ms`, `dur>=1.5s`, `dur<250us`, `dur<=2m` (units us/µs, ms, s, m; bare numbers µs)
//! - `is:error` (or `error`), `is:critical` (or `critical`: on the critical path)
//! - any other word: service, span name, or a tag key or value contains it
//!
//! `"quoted words"` keep spaces.

use std::fmt;

use crate::derive::Derived;
use crate::model::{Span, StrId, Value};

#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Service(String),
    Name(String),
    Tag { key: String, value: String },
    TagText(String),
    Duration { op: Cmp, micros: i64 },
    Error,
    Critical,
    Text(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
}

/// A parsed filter: every term must match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub terms: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FilterError {
    /// Byte offset of the offending term in the query.
    pub at: usize,
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.at + 1)
    }
}

impl std::error::Error for FilterError {}

impl Filter {
    pub fn parse(query: &str) -> Result<Filter, FilterError> {
        let mut terms = Vec::new();
        for (at, word) in split_words(query)? {
            terms.push(parse_term(&word).map_err(|message| FilterError { at, message })?);
        }
        Ok(Filter { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether `span` (with its effective `duration_us`) matches every term.
    pub fn matches(
        &self,
        d: &Derived,
        span: &Span,
        duration_us: i64,
        on_critical_path: bool,
    ) -> bool {
        self.terms
            .iter()
            .all(|t| term_matches(t, d, span, duration_us, on_critical_path))
    }

    /// Match flags for every span of `d`, by span index. `critical` flags spans on the
    /// critical path, by span index (empty: none).
    ///
    /// Same answers as [`Filter::matches`] per span, but each interned string (service, span
    /// name, tag key) is tested once per term rather than once per span, and values that are
    /// not strings are written into one reused buffer: at a million spans a free-text term
    /// took half a second the direct way.
    pub fn apply(&self, d: &Derived, critical: &[bool]) -> Vec<bool> {
        self.apply_with(d, critical, &FilterColumns::of(d))
    }

    /// [`Filter::apply`] with the trace's [`FilterColumns`] made beforehand (an engine keeps
    /// them per trace): terms on services, names, errors and durations then read a few flat
    /// arrays instead of a million spans.
    pub fn apply_with(&self, d: &Derived, critical: &[bool], cols: &FilterColumns) -> Vec<bool> {
        let strings = d.trace.strings.len();
        let mut memos: Vec<StrMemo> = self.terms.iter().map(|_| StrMemo::new(strings)).collect();
        let mut buf = String::new();
        (0..d.trace.spans.len())
            .map(|i| {
                let critical = critical.get(i).copied().unwrap_or(false);
                self.terms
                    .iter()
                    .zip(&mut memos)
                    .all(|(t, memo)| term_matches_memo(t, memo, &mut buf, d, cols, i, critical))
            })
            .collect()
    }
}

/// What the filter reads of every span, by span index, as flat arrays: one pass over the
/// spans makes them, and a filter over services, names, errors or durations then touches
/// ≈ 13 bytes per span instead of the spans themselves (hundreds of bytes each).
#[derive(Clone, Debug, Default)]
pub struct FilterColumns {
    service: Vec<StrId>,
    remote_service: Vec<StrId>,
    name: Vec<StrId>,
    error: Vec<bool>,
}

impl FilterColumns {
    pub fn of(d: &Derived) -> FilterColumns {
        let spans = &d.trace.spans;
        FilterColumns {
            service: spans.iter().map(|s| s.service).collect(),
            remote_service: spans.iter().map(Span::remote_service).collect(),
            name: spans.iter().map(|s| s.name).collect(),
            error: spans.iter().map(|s| s.error).collect(),
        }
    }
}

/// Whether a term matched an interned string, by `StrId`: 0 not known yet, 1 no, 2 yes.
struct StrMemo(Vec<u8>);

impl StrMemo {
    fn new(strings: usize) -> StrMemo {
        StrMemo(vec![0; strings])
    }

    fn get(&mut self, d: &Derived, id: StrId, test: impl FnOnce(&str) -> bool) -> bool {
        let Some(slot) = self.0.get_mut(id.0 as usize) else {
            return test(d.trace.str(id));
        };
        if *slot == 0 {
            *slot = 1 + u8::from(test(d.trace.str(id)));
        }
        *slot == 2
    }
}

/// A tag value as text: borrowed for strings, written into `buf` for other types.
fn value_text<'a>(value: &'a Value, buf: &'a mut String) -> &'a str {
    match value {
        Value::Str(s) => s,
        Value::Json(s) => s,
        other => {
            use std::fmt::Write;
            buf.clear();
            let _ = write!(buf, "{other}");
            buf
        }
    }
}

/// [`term_matches`] for span `i`, with the string tests of this term memoised by string id
/// and the span's fields read from `cols` where they are there.
fn term_matches_memo(
    t: &Term,
    memo: &mut StrMemo,
    buf: &mut String,
    d: &Derived,
    cols: &FilterColumns,
    i: usize,
    critical: bool,
) -> bool {
    let s = &d.trace.spans[i];
    let id = |col: &[StrId]| col.get(i).copied().unwrap_or(StrId::EMPTY);
    match t {
        Term::Service(v) => {
            memo.get(d, id(&cols.service), |x| contains(x, v))
                || memo.get(d, id(&cols.remote_service), |x| contains(x, v))
        }
        Term::Name(v) => memo.get(d, id(&cols.name), |x| contains(x, v)),
        Term::Error => cols.error.get(i).copied().unwrap_or(s.error),
        Term::Duration { .. } | Term::Critical => {
            term_matches(t, d, s, d.tree.duration[i], critical)
        }
        Term::Tag { key, value } => s.tags.iter().any(|tag| {
            memo.get(d, tag.key, |k| k.eq_ignore_ascii_case(key))
                && contains(value_text(&tag.value, buf), value)
        }),
        Term::TagText(v) => s.tags.iter().any(|tag| {
            memo.get(d, tag.key, |k| contains(k, v)) || contains(value_text(&tag.value, buf), v)
        }),
        Term::Text(v) => {
            memo.get(d, id(&cols.service), |x| contains(x, v))
                || memo.get(d, id(&cols.name), |x| contains(x, v))
                || s.tags.iter().any(|tag| {
                    memo.get(d, tag.key, |k| contains(k, v))
                        || contains(value_text(&tag.value, buf), v)
                })
        }
    }
}

fn split_words(query: &str) -> Result<Vec<(usize, String)>, FilterError> {
    let mut out = Vec::new();
    let mut chars = query.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        let mut quoted = false;
        while let Some(&(i, c)) = chars.peek() {
            if c == '"' {
                quoted = !quoted;
                chars.next();
                let _ = i;
                continue;
            }
            if c.is_whitespace() && !quoted {
                break;
            }
            word.push(c);
            chars.next();
        }
        if quoted {
            return Err(FilterError {
                at: start,
                message: "unclosed quote".into(),
            });
        }
        out.push((start, word));
    }
    Ok(out)
}

fn parse_term(word: &str) -> Result<Term, String> {
    let lower = word.to_lowercase();
    if let Some(v) = lower.strip_prefix("service:") {
        return nonempty(v, "service:").map(Term::Service);
    }
    if let Some(v) = lower.strip_prefix("name:") {
        return nonempty(v, "name:").map(Term::Name);
    }
    if let Some(v) = lower.strip_prefix("tag:") {
        return Ok(match v.split_once('=') {
            Some((k, val)) => Term::Tag {
                key: nonempty(k, "tag: key")?,
                value: val.to_string(),
            },
            None => Term::TagText(nonempty(v, "tag:")?),
        });
    }
    if matches!(lower.as_str(), "is:error" | "error" | "errors") {
        return Ok(Term::Error);
    }
    if matches!(lower.as_str(), "is:critical" | "critical") {
        return Ok(Term::Critical);
    }
    if let Some(rest) = lower
        .strip_prefix("duration")
        .or_else(|| lower.strip_prefix("dur"))
    {
        let (op, num) = if let Some(n) = rest.strip_prefix(">=") {
            (Cmp::Ge, n)
        } else if let Some(n) = rest.strip_prefix("<=") {
            (Cmp::Le, n)
        } else if let Some(n) = rest.strip_prefix('>') {
            (Cmp::Gt, n)
        } else if let Some(n) = rest.strip_prefix('<') {
            (Cmp::Lt, n)
        } else {
            return Err(format!(
                "expected >, >=, < or <= after \"{}\"",
                &word[..word.len() - rest.len()]
            ));
        };
        let micros = parse_duration(num)
            .ok_or_else(|| format!("\"{num}\" is not a duration (try 250us, 10ms, 1.5s, 2m)"))?;
        return Ok(Term::Duration { op, micros });
    }
    if let Some((k, v)) = lower.split_once('=') {
        return Ok(Term::Tag {
            key: nonempty(k, "key=value")?,
            value: v.to_string(),
        });
    }
    Ok(Term::Text(lower))
}

fn nonempty(v: &str, what: &str) -> Result<String, String> {
    if v.is_empty() {
        Err(format!("{what} needs a value"))
    } else {
        Ok(v.to_string())
    }
}

/// `250us`, `10ms`, `1.5s`, `2m`, or a bare number of µs.
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().ok()?;
    let scale = match unit.trim() {
        "" | "us" | "µs" | "μs" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        "m" | "min" => 60e6,
        _ => return None,
    };
    let micros = value * scale;
    (0.0..9e18)
        .contains(&micros)
        .then_some(micros.round() as i64)
}

fn contains(haystack: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    // Most names are ASCII: avoid allocating a lowered copy for them. Candidates are found
    // by the needle's first byte in either case, then compared.
    if haystack.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle_lower.as_bytes());
        let Some(last) = h.len().checked_sub(n.len()) else {
            return false;
        };
        let (lower, upper) = (n[0], n[0].to_ascii_uppercase());
        return (0..=last).any(|i| {
            (h[i] == lower || h[i] == upper) && h[i + 1..i + n.len()].eq_ignore_ascii_case(&n[1..])
        });
    }
    haystack.to_lowercase().contains(needle_lower)
}

fn term_matches(t: &Term, d: &Derived, s: &Span, duration_us: i64, critical: bool) -> bool {
    let tags = || {
        s.tags
            .iter()
            .map(|tag| (d.trace.str(tag.key), tag.value.text()))
    };
    match t {
        Term::Service(v) => {
            contains(d.trace.str(s.service), v) || contains(d.trace.str(s.remote_service()), v)
        }
        Term::Name(v) => contains(d.trace.str(s.name), v),
        Term::Tag { key, value } => {
            tags().any(|(k, val)| k.eq_ignore_ascii_case(key) && contains(&val, value))
        }
        Term::TagText(v) => tags().any(|(k, val)| contains(k, v) || contains(&val, v)),
        Term::Duration { op, micros } => match op {
            Cmp::Gt => duration_us > *micros,
            Cmp::Ge => duration_us >= *micros,
            Cmp::Lt => duration_us < *micros,
            Cmp::Le => duration_us <= *micros,
        },
        Term::Error => s.error,
        Term::Critical => critical,
        Term::Text(v) => {
            contains(d.trace.str(s.service), v)
                || contains(d.trace.str(s.name), v)
                || tags().any(|(k, val)| contains(k, v) || contains(&val, v))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::derive;
    use crate::import::import;

    fn trace() -> Derived {
        let input = r#"[
          {"traceId":"a","id":"1","name":"GET /orders","timestamp":1000,"duration":50000,"localEndpoint":{"serviceName":"gateway"},"tags":{"http.status_code":"200","http.url":"https://shop/orders"}},
          {"traceId":"a","id":"2","parentId":"1","name":"SELECT","kind":"CLIENT","timestamp":1200,"duration":300,"localEndpoint":{"serviceName":"orders"},"remoteEndpoint":{"serviceName":"postgres"},"tags":{"error":"timeout","db.statement":"select * from t"}},
          {"traceId":"a","id":"3","parentId":"1","name":"Ünïcode span","timestamp":1300,"duration":2000000,"localEndpoint":{"serviceName":"orders"}}
        ]"#;
        derive(
            import(input.as_bytes()).expect("valid").traces.remove(0),
            Default::default(),
        )
    }

    #[test]
    fn apply_answers_as_matches_does_span_by_span() {
        let d = trace();
        let critical = [false, true, false];
        for q in [
            "service:orders",
            "service:postgres",
            "name:select",
            "http.status_code=200",
            "tag:http.status_code=20",
            "tag:db",
            "tag:timeout",
            "orders",
            "ünïcode",
            "get /",
            "dur>1ms error",
            "critical",
            "nothing-matches-this",
        ] {
            let f = Filter::parse(q).expect("valid query");
            let one_by_one: Vec<bool> = d
                .trace
                .spans
                .iter()
                .enumerate()
                .map(|(i, s)| f.matches(&d, s, d.tree.duration[i], critical[i]))
                .collect();
            assert_eq!(f.apply(&d, &critical), one_by_one, "{q}");
        }
    }

    #[test]
    fn contains_is_a_case_insensitive_substring_test() {
        assert!(contains("GET /orders", "get"));
        assert!(contains("GET /orders", "orders"));
        assert!(contains("GET /orders", "t /o"));
        assert!(!contains("GET /orders", "orderss"));
        assert!(!contains("ab", "abc"));
        assert!(contains("anything", ""));
        assert!(contains("Ünïcode span", "ünï"));
    }

    fn matching(q: &str) -> Vec<u32> {
        let d = trace();
        let f = Filter::parse(q).expect("valid query");
        f.apply(&d, &[false, true, false])
            .iter()
            .enumerate()
            .filter(|(_, &m)| m)
            .map(|(i, _)| i as u32)
            .collect()
    }

    #[test]
    fn terms_match_what_they_say() {
        assert_eq!(matching(""), vec![0, 1, 2]);
        assert_eq!(matching("service:orders"), vec![1, 2]);
        assert_eq!(
            matching("service:postgres"),
            vec![1],
            "remote service counts"
        );
        assert_eq!(matching("name:select"), vec![1]);
        assert_eq!(matching("http.status_code=200"), vec![0]);
        assert_eq!(matching("tag:db.statement=SELECT"), vec![1]);
        assert_eq!(matching("tag:shop"), vec![0]);
        assert_eq!(matching("is:error"), vec![1]);
        assert_eq!(matching("critical"), vec![1]);
        assert_eq!(matching("dur>1ms"), vec![0, 2]);
        assert_eq!(matching("dur>=1.5s"), vec![2]);
        assert_eq!(matching("dur<=300us"), vec![1]);
        assert_eq!(matching("orders dur<1s"), vec![0, 1]);
        assert_eq!(matching("ÜNÏCODE"), vec![2]);
        assert_eq!(matching("\"ünïcode SPAN\""), vec![2]);
    }

    #[test]
    fn bad_queries_say_where() {
        let e = Filter::parse("service:a dur>fast").expect_err("bad duration");
        assert_eq!(e.at, 10);
        assert!(e.message.contains("fast"), "{e}");
        assert_eq!(Filter::parse("a \"b").expect_err("unclosed").at, 2);
        assert!(Filter::parse("dur=5").is_err());
        assert!(Filter::parse("service:").is_err());
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("250us"), Some(250));
        assert_eq!(parse_duration("10ms"), Some(10_000));
        assert_eq!(parse_duration("1.5s"), Some(1_500_000));
        assert_eq!(parse_duration("2m"), Some(120_000_000));
        assert_eq!(parse_duration("42"), Some(42));
        assert_eq!(parse_duration("x"), None);
        assert_eq!(parse_duration("1e400s"), None);
    }
}
