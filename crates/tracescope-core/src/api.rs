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

/// A `/traces` search: every parameter of Zipkin's v2 API. Empty strings and `None` are
/// left out of the URL (the server's defaults apply).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TracesQuery {
    pub service: String,
    pub remote_service: String,
    pub span_name: String,
    /// `annotationQuery`: `key=value and word`.
    pub annotation_query: String,
    pub min_duration_us: Option<i64>,
    pub max_duration_us: Option<i64>,
    pub lookback_ms: u64,
    pub end_ts_ms: u64,
    pub limit: u32,
}

impl TracesQuery {
    pub fn url(&self, root: &str) -> String {
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        format!(
            "{root}/traces?{}",
            query_string(&[
                ("serviceName", self.service.clone()),
                ("remoteServiceName", self.remote_service.clone()),
                ("spanName", self.span_name.clone()),
                ("annotationQuery", self.annotation_query.clone()),
                ("minDuration", opt(self.min_duration_us)),
                ("maxDuration", opt(self.max_duration_us)),
                ("endTs", self.end_ts_ms.to_string()),
                ("lookback", self.lookback_ms.to_string()),
                ("limit", self.limit.to_string()),
            ])
        )
    }
}

/// `/spans?serviceName=` (span names of a service).
pub fn span_names_url(root: &str, service: &str) -> String {
    format!("{root}/spans?serviceName={}", encode_component(service))
}

/// `/remoteServices?serviceName=`.
pub fn remote_services_url(root: &str, service: &str) -> String {
    format!(
        "{root}/remoteServices?serviceName={}",
        encode_component(service)
    )
}

/// `/autocompleteValues?key=`.
pub fn autocomplete_values_url(root: &str, key: &str) -> String {
    format!("{root}/autocompleteValues?key={}", encode_component(key))
}

/// `/traceMany?traceIds=a,b` (the commas stay literal, as Zipkin Lens sends them).
pub fn trace_many_url(root: &str, ids: &[String]) -> String {
    let ids: Vec<String> = ids.iter().map(|i| encode_component(i)).collect();
    format!("{root}/traceMany?traceIds={}", ids.join(","))
}

/// The server's Zipkin Lens `config.json` for an API root: `…/zipkin/config.json`, where a
/// Zipkin server (and SkyWalking's Zipkin query module) serve it.
pub fn ui_config_url(root: &str) -> String {
    let base = root.strip_suffix("/api/v2").unwrap_or(root);
    if base.ends_with("/zipkin") {
        format!("{base}/config.json")
    } else {
        format!("{base}/zipkin/config.json")
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
    fn every_parameter_is_sent() {
        let q = TracesQuery {
            service: "front".into(),
            remote_service: "db".into(),
            span_name: "GET /".into(),
            annotation_query: "http.method=GET and error".into(),
            min_duration_us: Some(250_000),
            max_duration_us: Some(1_500_000),
            lookback_ms: 900_000,
            end_ts_ms: 1_700_000_000_000,
            limit: 50,
        };
        assert_eq!(
            q.url("r"),
            "r/traces?serviceName=front&remoteServiceName=db&spanName=GET%20%2F\
             &annotationQuery=http.method%3DGET%20and%20error&minDuration=250000\
             &maxDuration=1500000&endTs=1700000000000&lookback=900000&limit=50"
        );
        assert_eq!(span_names_url("r", "a b"), "r/spans?serviceName=a%20b");
        assert_eq!(
            remote_services_url("r", "a"),
            "r/remoteServices?serviceName=a"
        );
        assert_eq!(
            autocomplete_values_url("r", "http.method"),
            "r/autocompleteValues?key=http.method"
        );
        assert_eq!(
            trace_many_url("r", &["ab".into(), "c/d".into()]),
            "r/traceMany?traceIds=ab,c%2Fd"
        );
        assert_eq!(
            ui_config_url("http://z:9411/api/v2"),
            "http://z:9411/zipkin/config.json"
        );
        assert_eq!(
            ui_config_url("http://sw/zipkin/api/v2"),
            "http://sw/zipkin/config.json"
        );
    }

    #[test]
    fn queries_are_encoded() {
        let q = TracesQuery {
            service: "a b&c".into(),
            lookback_ms: 3_600_000,
            end_ts_ms: 1_700_000_000_000,
            limit: 10,
            ..TracesQuery::default()
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
