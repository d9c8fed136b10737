//! `GET /api/v2/traces` parameters and matching, after Zipkin's `QueryRequest`: the same
//! validation messages, `annotationQuery` syntax and per-trace test (service name, when given,
//! constrains every other condition to spans of that service).

use crate::wire::Span;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub struct QueryRequest {
    /// Lower-cased, as Zipkin coerces it.
    pub service_name: Option<String>,
    pub remote_service_name: Option<String>,
    pub span_name: Option<String>,
    /// Key → value; an empty value means "annotation value or tag key present".
    pub annotation_query: Vec<(String, String)>,
    pub min_duration: Option<u64>,
    pub max_duration: Option<u64>,
    /// Epoch milliseconds.
    pub end_ts: i64,
    /// Milliseconds.
    pub lookback: i64,
    pub limit: usize,
}

/// Raw parameters as received (first value of each name wins, like Armeria).
#[derive(Clone, Debug, Default)]
pub struct RawQuery {
    pub service_name: Option<String>,
    pub remote_service_name: Option<String>,
    pub span_name: Option<String>,
    pub annotation_query: Option<String>,
    pub min_duration: Option<i64>,
    pub max_duration: Option<i64>,
    pub end_ts: Option<i64>,
    pub lookback: Option<i64>,
    pub limit: Option<i64>,
}

/// Parses `http.method=GET and error` into ordered pairs. As in Zipkin: split on " and ", a term
/// with `=` is a tag (last one wins), a bare word is kept only if that key is not already present.
#[must_use]
pub fn parse_annotation_query(q: &str) -> Vec<(String, String)> {
    let mut map: Vec<(String, String)> = Vec::new();
    for term in q.split(" and ") {
        match term.find('=') {
            None => {
                let word = term.trim();
                if !map.iter().any(|(k, _)| k == word) {
                    map.push((word.to_string(), String::new()));
                }
            }
            Some(idx) => {
                let k = term[..idx].trim().to_string();
                let v = term[idx + 1..].trim().to_string();
                if let Some(slot) = map.iter_mut().find(|(key, _)| *key == k) {
                    slot.1 = v;
                } else {
                    map.push((k, v));
                }
            }
        }
    }
    map
}

impl QueryRequest {
    /// Validates like Zipkin's `QueryRequest.Builder.build()`.
    ///
    /// # Errors
    /// Zipkin's message, e.g. `maxDuration is only valid with minDuration`.
    pub fn build(raw: RawQuery, now_ms: i64, default_lookback: i64) -> Result<Self, String> {
        let lower = |s: Option<String>| s.map(|v| v.to_lowercase()).filter(|v| !v.is_empty());
        let end_ts = raw.end_ts.unwrap_or(now_ms);
        let lookback = raw.lookback.unwrap_or(default_lookback);
        let limit = raw.limit.unwrap_or(10);
        if end_ts <= 0 {
            return Err("endTs <= 0".into());
        }
        if limit <= 0 {
            return Err("limit <= 0".into());
        }
        if lookback <= 0 {
            return Err("lookback <= 0".into());
        }
        match (raw.min_duration, raw.max_duration) {
            (Some(min), _) if min <= 0 => return Err("minDuration <= 0".into()),
            (Some(min), Some(max)) if max < min => return Err("maxDuration < minDuration".into()),
            (None, Some(_)) => return Err("maxDuration is only valid with minDuration".into()),
            _ => {}
        }
        Ok(Self {
            service_name: lower(raw.service_name),
            remote_service_name: lower(raw.remote_service_name),
            span_name: lower(raw.span_name).filter(|s| s != "all"),
            annotation_query: raw
                .annotation_query
                .filter(|q| !q.is_empty())
                .map(|q| parse_annotation_query(&q))
                .unwrap_or_default(),
            min_duration: raw.min_duration.and_then(|v| u64::try_from(v).ok()),
            max_duration: raw.max_duration.and_then(|v| u64::try_from(v).ok()),
            end_ts,
            lookback,
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        })
    }

    /// Zipkin's `QueryRequest.test`: does this trace match?
    #[must_use]
    pub fn test(&self, spans: &[Span]) -> bool {
        // The root's timestamp, else the earliest one, must lie in the window.
        let mut timestamp = 0u64;
        for s in spans {
            let Some(ts) = s.timestamp else { continue };
            if s.parent_id.is_none() {
                timestamp = ts;
                break;
            }
            if timestamp == 0 || ts < timestamp {
                timestamp = ts;
            }
        }
        let begin_us = i128::from(self.end_ts - self.lookback) * 1000;
        let end_us = i128::from(self.end_ts) * 1000;
        let ts = i128::from(timestamp);
        if timestamp == 0 || ts < begin_us || ts > end_us {
            return false;
        }

        let mut tested_duration = self.min_duration.is_none() && self.max_duration.is_none();
        let mut service_matched = self.service_name.is_none();
        let mut remote_matched = self.remote_service_name.is_none();
        let mut span_matched = self.span_name.is_none();
        let mut remaining: BTreeMap<&str, &str> = self
            .annotation_query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();

        for s in spans {
            if let Some(want) = &self.service_name {
                if !s.local_service().is_some_and(|l| eq_lowered(l, want)) {
                    continue;
                }
            }
            service_matched = true;
            for a in &s.annotations {
                if remaining.get(a.value.as_str()) == Some(&"") {
                    remaining.remove(a.value.as_str());
                }
            }
            for (k, v) in &s.tags {
                if let Some(want) = remaining.get(k.as_str()) {
                    if want.is_empty() || *want == v {
                        remaining.remove(k.as_str());
                    }
                }
            }
            if let Some(want) = &self.remote_service_name {
                if s.remote_service().is_some_and(|r| eq_lowered(r, want)) {
                    remote_matched = true;
                }
            }
            if let Some(want) = &self.span_name {
                if s.name.as_deref().is_some_and(|n| eq_lowered(n, want)) {
                    span_matched = true;
                }
            }
            if !tested_duration {
                let d = s.duration.unwrap_or(0);
                tested_duration = match (self.min_duration, self.max_duration) {
                    (Some(min), Some(max)) => d >= min && d <= max,
                    (Some(min), None) => d >= min,
                    _ => true,
                };
            }
        }
        service_matched && remote_matched && span_matched && remaining.is_empty() && tested_duration
    }
}

/// `stored.to_lowercase() == lowered`, without allocating for ASCII names (the common case;
/// this runs for every span of every candidate trace).
fn eq_lowered(stored: &str, lowered: &str) -> bool {
    if stored.is_ascii() {
        stored.len() == lowered.len()
            && stored
                .bytes()
                .zip(lowered.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        stored.to_lowercase() == lowered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowered_comparison() {
        assert!(eq_lowered("Web-API", "web-api"));
        assert!(!eq_lowered("Web-API", "Web-API"));
        assert!(!eq_lowered("web", "web2"));
        assert!(eq_lowered("ÄPFEL", "äpfel"));
    }

    #[test]
    fn annotation_query_parsing_matches_zipkin() {
        assert_eq!(
            parse_annotation_query("http.method=GET and error and http.method=POST"),
            vec![
                ("http.method".to_string(), "POST".to_string()),
                ("error".to_string(), String::new())
            ]
        );
        assert_eq!(
            parse_annotation_query("a=b and a"),
            vec![("a".to_string(), "b".to_string())]
        );
        assert_eq!(
            parse_annotation_query(" k = v=w "),
            vec![("k".to_string(), "v=w".to_string())]
        );
    }

    #[test]
    fn validation_messages() {
        let build = |raw: RawQuery| QueryRequest::build(raw, 1000, 500);
        assert_eq!(
            build(RawQuery {
                max_duration: Some(5),
                ..RawQuery::default()
            }),
            Err("maxDuration is only valid with minDuration".into())
        );
        assert_eq!(
            build(RawQuery {
                min_duration: Some(10),
                max_duration: Some(5),
                ..RawQuery::default()
            }),
            Err("maxDuration < minDuration".into())
        );
        assert_eq!(
            build(RawQuery {
                limit: Some(0),
                ..RawQuery::default()
            }),
            Err("limit <= 0".into())
        );
        let ok = build(RawQuery {
            span_name: Some("ALL".into()),
            service_name: Some("".into()),
            ..RawQuery::default()
        })
        .expect("valid");
        assert_eq!(ok.span_name, None);
        assert_eq!(ok.service_name, None);
        assert_eq!(ok.limit, 10);
    }
}
