//! The search form's fields as the API wants them: durations typed with units (`250ms`,
//! `1.5s`) become microseconds, and Zipkin's tag query (`key=value and word`) is split into
//! terms, rebuilt, and completed from `/autocompleteKeys` and `/autocompleteValues`.

use std::fmt;

/// A duration the user typed that is not one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a duration: {reason} (examples: 250us, 10ms, 1.5s, 2m)")]
pub struct DurationError {
    pub text: String,
    pub reason: &'static str,
}

/// `250us`, `10ms`, `1.5s`, `2m`, or a bare number of microseconds (the API's unit);
/// empty means "no bound".
pub fn parse_duration(text: &str) -> Result<Option<i64>, DurationError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let err = |reason| DurationError {
        text: t.to_string(),
        reason,
    };
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    if num.is_empty() {
        return Err(err("it does not start with a number"));
    }
    let value: f64 = num.parse().map_err(|_| err("the number is malformed"))?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "us" | "µs" | "μs" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        "m" | "min" => 60e6,
        "h" => 3600e6,
        _ => return Err(err("unknown unit (use us, ms, s, m or h)")),
    };
    let micros = (value * scale).round();
    if !(0.0..9e15).contains(&micros) {
        return Err(err("out of range"));
    }
    Ok(Some(micros as i64))
}

/// The shortest exact text for `us` that [`parse_duration`] reads back: `250ms`, `1.5s`,
/// `1234us`.
pub fn format_duration_input(us: i64) -> String {
    for (unit, scale) in [("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000)] {
        if us >= scale && us % (scale / 1000) == 0 {
            if us % scale == 0 {
                return format!("{}{unit}", us / scale);
            }
            if scale == 1_000_000 {
                let s = format!("{:.3}", us as f64 / 1e6);
                return format!("{}s", s.trim_end_matches('0'));
            }
        }
    }
    if us >= 1000 && us % 1000 == 0 {
        return format!("{}ms", us / 1000);
    }
    if us >= 1000 && us % 100 == 0 {
        return format!("{}ms", us as f64 / 1000.0);
    }
    format!("{us}us")
}

/// One term of a tag query: `key=value` (a tag), or a bare word (an annotation value or a
/// tag key that must be present).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub key: String,
    pub value: Option<String>,
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}={v}", self.key),
            None => write!(f, "{}", self.key),
        }
    }
}

/// Splits a tag query on ` and ` as Zipkin does (the first `=` separates key and value);
/// empty terms are dropped.
pub fn parse_tag_query(q: &str) -> Vec<Term> {
    split_and(q)
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| match t.split_once('=') {
            Some((k, v)) => Term {
                key: k.trim().to_string(),
                value: Some(v.trim().to_string()),
            },
            None => Term {
                key: t.to_string(),
                value: None,
            },
        })
        .filter(|t| !t.key.is_empty())
        .collect()
}

/// The canonical text of a tag query (what is sent as `annotationQuery`).
pub fn build_tag_query(terms: &[Term]) -> String {
    terms
        .iter()
        .map(Term::to_string)
        .collect::<Vec<_>>()
        .join(" and ")
}

fn split_and(q: &str) -> Vec<&str> {
    q.split(" and ").collect()
}

/// What the user is typing at the end of a tag query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Completing<'a> {
    /// A key (or bare word) starting with `prefix`; `head` is everything before this term.
    Key { head: &'a str, prefix: &'a str },
    /// The value of `key`, starting with `prefix`.
    Value {
        head: &'a str,
        key: &'a str,
        prefix: &'a str,
    },
}

/// Which part of the last term is being typed.
pub fn completing(q: &str) -> Completing<'_> {
    let start = q.rfind(" and ").map_or(0, |i| i + " and ".len());
    let last = &q[start..];
    let last_trimmed = last.trim_start();
    let head = &q[..q.len() - last_trimmed.len()];
    match last_trimmed.split_once('=') {
        Some((key, prefix)) => Completing::Value {
            head,
            key: key.trim(),
            prefix,
        },
        None => Completing::Key {
            head,
            prefix: last_trimmed,
        },
    }
}

/// Whole-query suggestions for a `<datalist>`: the query with its last term completed from
/// `candidates` (keys or values, whichever [`completing`] says), at most `max`.
pub fn suggestions(q: &str, candidates: &[String], max: usize) -> Vec<String> {
    let (head, key, prefix) = match completing(q) {
        Completing::Key { head, prefix } => (head, None, prefix),
        Completing::Value { head, key, prefix } => (head, Some(key), prefix),
    };
    let lower = prefix.to_lowercase();
    candidates
        .iter()
        .filter(|c| c.to_lowercase().starts_with(&lower))
        .take(max)
        .map(|c| match key {
            Some(k) => format!("{head}{k}={c}"),
            None => format!("{head}{c}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration(""), Ok(None));
        assert_eq!(parse_duration("  "), Ok(None));
        assert_eq!(parse_duration("250ms"), Ok(Some(250_000)));
        assert_eq!(parse_duration("1.5s"), Ok(Some(1_500_000)));
        assert_eq!(parse_duration("2m"), Ok(Some(120_000_000)));
        assert_eq!(parse_duration("40"), Ok(Some(40)));
        assert_eq!(parse_duration("40 us"), Ok(Some(40)));
        assert_eq!(parse_duration("3MS"), Ok(Some(3000)));
        assert_eq!(parse_duration("1h"), Ok(Some(3_600_000_000)));
        let e = parse_duration("fast").expect_err("not a duration");
        assert_eq!(e.reason, "it does not start with a number");
        assert!(e.to_string().contains("\"fast\" is not a duration"));
        assert_eq!(
            parse_duration("5 parsecs").expect_err("bad unit").reason,
            "unknown unit (use us, ms, s, m or h)"
        );
        assert_eq!(
            parse_duration("1.2.3s").expect_err("bad number").reason,
            "the number is malformed"
        );
        assert!(parse_duration("99999999999h").is_err());
    }

    #[test]
    fn durations_format_back_exactly() {
        for (us, text) in [
            (250_000, "250ms"),
            (1_500_000, "1.5s"),
            (120_000_000, "2m"),
            (40, "40us"),
            (1_234, "1234us"),
            (1_200, "1.2ms"),
            (3_600_000_000, "1h"),
            (1_001_000, "1.001s"),
            (0, "0us"),
        ] {
            assert_eq!(format_duration_input(us), text);
            assert_eq!(parse_duration(text), Ok(Some(us)), "{text}");
        }
        for us in [1, 999, 1001, 65_432_100, 7_200_000_001] {
            assert_eq!(parse_duration(&format_duration_input(us)), Ok(Some(us)));
        }
    }

    #[test]
    fn tag_queries_round_trip() {
        let terms = parse_tag_query(" http.method=GET and error and  http.path = /a=b ");
        assert_eq!(
            terms,
            vec![
                Term {
                    key: "http.method".into(),
                    value: Some("GET".into())
                },
                Term {
                    key: "error".into(),
                    value: None
                },
                Term {
                    key: "http.path".into(),
                    value: Some("/a=b".into())
                },
            ]
        );
        assert_eq!(
            build_tag_query(&terms),
            "http.method=GET and error and http.path=/a=b"
        );
        assert!(parse_tag_query(" and  and ").is_empty());
        assert!(parse_tag_query("=x").is_empty());
    }

    #[test]
    fn completion_follows_the_last_term() {
        assert_eq!(
            completing("ht"),
            Completing::Key {
                head: "",
                prefix: "ht"
            }
        );
        assert_eq!(
            completing("error and http.method=G"),
            Completing::Value {
                head: "error and ",
                key: "http.method",
                prefix: "G"
            }
        );
        let keys = vec![
            "environment".to_string(),
            "http.method".into(),
            "http.path".into(),
        ];
        assert_eq!(
            suggestions("error and HT", &keys, 10),
            vec!["error and http.method", "error and http.path"]
        );
        let values = vec!["GET".to_string(), "POST".into()];
        assert_eq!(
            suggestions("http.method=", &values, 1),
            vec!["http.method=GET"]
        );
    }
}
