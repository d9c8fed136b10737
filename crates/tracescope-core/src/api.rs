//! The Zipkin v2 query API as the client sees it: where it lives and how queries are
//! written. Pure string work, so it is tested natively.

/// The API root (`…/api/v2`) for a configured base.
///
/// `http://host:9411` and `http://host:9411/` → `http://host:9411/api/v2`;
/// `/zipkin` (SkyWalking, or Zipkin behind a prefix) → `{origin}/zipkin/api/v2`;
/// a base that already ends in `/api/v2` is kept; an empty base means same origin.
pub fn api_root(base: &str, origin: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    let absolute = if base.starts_with("http://") || base.starts_with("https://") {
        base.to_string()
    } else if base.is_empty() {
        origin.trim_end_matches('/').to_string()
    } else {
        format!(
            "{}/{}",
            origin.trim_end_matches('/'),
            base.trim_start_matches('/')
        )
    };
    if absolute.ends_with("/api/v2") {
        absolute
    } else {
        format!("{absolute}/api/v2")
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Builds `key=value&…`, leaving out empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A `/traces` search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TracesQuery {
    pub service: String,
    pub lookback_ms: u64,
    pub end_ts_ms: u64,
    pub limit: u32,
}

impl TracesQuery {
    pub fn url(&self, root: &str) -> String {
        format!(
            "{root}/traces?{}",
            query_string(&[
                ("serviceName", self.service.clone()),
                ("endTs", self.end_ts_ms.to_string()),
                ("lookback", self.lookback_ms.to_string()),
                ("limit", self.limit.to_string()),
            ])
        )
    }
}

/// `/trace/{id}`; the id is encoded so that a hostile id cannot change the path.
pub fn trace_url(root: &str, id: &str) -> String {
    format!("{root}/trace/{}", encode_component(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_resolve_to_the_api_root() {
        let o = "http://127.0.0.1:8080";
        assert_eq!(api_root("", o), "http://127.0.0.1:8080/api/v2");
        assert_eq!(
            api_root("http://zipkin:9411", o),
            "http://zipkin:9411/api/v2"
        );
        assert_eq!(
            api_root("http://zipkin:9411/", o),
            "http://zipkin:9411/api/v2"
        );
        assert_eq!(
            api_root("/zipkin", o),
            "http://127.0.0.1:8080/zipkin/api/v2"
        );
        assert_eq!(
            api_root("https://sw.example/zipkin/", o),
            "https://sw.example/zipkin/api/v2"
        );
        assert_eq!(api_root("http://z:9411/api/v2", o), "http://z:9411/api/v2");
        assert_eq!(
            api_root("http://127.0.0.1:9/_fault/status=500", o),
            "http://127.0.0.1:9/_fault/status=500/api/v2"
        );
    }

    #[test]
    fn queries_are_encoded() {
        let q = TracesQuery {
            service: "a b&c".into(),
            lookback_ms: 3_600_000,
            end_ts_ms: 1_700_000_000_000,
            limit: 10,
        };
        assert_eq!(
            q.url("http://x/api/v2"),
            "http://x/api/v2/traces?serviceName=a%20b%26c&endTs=1700000000000&lookback=3600000&limit=10"
        );
        let all = TracesQuery {
            service: String::new(),
            ..q
        };
        assert!(!all.url("r").contains("serviceName"));
        assert_eq!(trace_url("r", "../x"), "r/trace/..%2Fx");
    }
}
