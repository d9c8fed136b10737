//! Dependency links across traces, with the semantics of Zipkin's `DependencyLinker` (Java)
//! and Lens's `dependency-linker.js`: what `GET /api/v2/dependencies` returns.
//!
//! For each span of each trace's tree:
//! - A CLIENT span with children is skipped: the server below it names the link better.
//! - A span with no kind (or INTERNAL) counts as a CLIENT when it names both its own and a
//!   remote service; otherwise it is local and skipped.
//! - SERVER/CONSUMER: remote service → own service. The root SERVER without a remote service
//!   is skipped (its caller is unknown). CLIENT/PRODUCER: own service → remote service.
//! - PRODUCER/CONSUMER link to their broker (the remote service) when both names are known,
//!   and nothing else.
//! - For RPC spans, the nearest ancestor with a kind (local spans in between are skipped)
//!   decides the caller: a SERVER's parent service is that ancestor's service, and so is a
//!   CLIENT's that names none. A CLIENT whose service differs from that ancestor's also adds
//!   an error-free link ancestor → client service (a client recorded under the wrong name).
//!   Not when that ancestor is a CLIENT calling the span's own service: the span hangs under
//!   the client half of a shared call only because the server half's endpoint differs.
//! - A link counts an error when the span has one; a span directly under its CLIENT (its
//!   parent id is the client's id, i.e. not a shared span) also counts the client's error.
//!
//! The trees are this crate's (see [`crate::derive::tree`]), which agree with Zipkin's except
//! where a trace has several roots: Zipkin hangs the others under the first, here they sit
//! under a synthetic root. "Has an error" is [`crate::model::Span::error`] (Zipkin: an
//! `error` tag; importers also set it from e.g. `otel.status_code=ERROR`).

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Derived, SpanTree};
use crate::hash::FxHashMap;
use crate::model::{Kind, SpanIdx, StrId, Trace};

/// One edge of the service dependency graph, in Zipkin's JSON shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DependencyLink {
    pub parent: String,
    pub child: String,
    pub call_count: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub error_count: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Accumulates links over traces.
#[derive(Clone, Debug, Default)]
pub struct DependencyLinker {
    counts: HashMap<(Arc<str>, Arc<str>), (u64, u64)>,
}

const NONE: u32 = u32::MAX;

impl DependencyLinker {
    pub fn new() -> DependencyLinker {
        DependencyLinker::default()
    }

    /// Adds the links of one derived trace.
    pub fn put(&mut self, d: &Derived) -> &mut Self {
        self.put_trace(&d.trace, &d.tree)
    }

    /// Adds the links of one cleaned trace and its tree.
    pub fn put_trace(&mut self, trace: &Trace, tree: &SpanTree) -> &mut Self {
        // Counted by interned name first: one allocation per link, not per span; a fast
        // hash, as this runs once per span on every trace loaded.
        let mut local: FxHashMap<(StrId, StrId), (u64, u64)> = FxHashMap::default();
        let mut add = |parent: StrId, child: StrId, error: bool| {
            let e = local.entry((parent, child)).or_default();
            e.0 += 1;
            e.1 += u64::from(error);
        };
        let spans = &trace.spans;
        // Kinds in a byte each: the walk below visits parents in tree order, all over the
        // span array, and a span is hundreds of bytes.
        let kinds: Vec<Kind> = spans
            .iter()
            .map(|s| match s.kind {
                Kind::Internal => Kind::Unspecified,
                k => k,
            })
            .collect();
        let kind_of = |i: usize| kinds[i];
        // Nearest ancestor with a kind, by span index.
        let mut remote_ancestor = vec![NONE; spans.len()];
        for &node in &tree.preorder {
            if let Some(p) = tree.parent(node) {
                remote_ancestor[node.get()] = if kind_of(p.get()) == Kind::Unspecified {
                    remote_ancestor[p.get()]
                } else {
                    p.0
                };
            }
        }
        let name = |id: StrId| (id != StrId::EMPTY).then_some(id);
        for (i, span) in spans.iter().enumerate() {
            let node = SpanIdx(i as u32);
            let mut kind = kind_of(i);
            if kind == Kind::Client && tree.child_count(node) > 0 {
                continue;
            }
            let service = name(span.service);
            let remote = name(span.remote_service());
            if kind == Kind::Unspecified {
                if service.is_some() && remote.is_some() {
                    kind = Kind::Client;
                } else {
                    continue;
                }
            }
            let (mut parent, child) = match kind {
                Kind::Server | Kind::Consumer => {
                    let root_most = !tree.synthetic_root && tree.parent(node).is_none();
                    if root_most && remote.is_none() {
                        continue;
                    }
                    (remote, service)
                }
                _ => (service, remote),
            };
            let mut error = span.error;
            if matches!(kind, Kind::Producer | Kind::Consumer) {
                if let (Some(p), Some(c)) = (parent, child) {
                    add(p, c, error);
                }
                continue;
            }
            let ra = remote_ancestor[i];
            if ra != NONE {
                let ancestor = &spans[ra as usize];
                // A client span of the service a CLIENT called, hung under that CLIENT
                // rather than its server half (their endpoints disagree, so the tree could
                // not tell): the call already counts at the server; this span is not misnamed
                // and does not share the caller's error.
                let under_its_caller = kind == Kind::Client
                    && ancestor.kind == Kind::Client
                    && service.is_some()
                    && service == name(ancestor.remote_service());
                if let Some(ancestor_name) = name(ancestor.service).filter(|_| !under_its_caller) {
                    if kind == Kind::Client {
                        if let Some(s) = service.filter(|&s| s != ancestor_name) {
                            add(ancestor_name, s, false);
                        }
                    }
                    if kind == Kind::Server || parent.is_none() {
                        parent = Some(ancestor_name);
                    }
                    if !error
                        && ancestor.kind == Kind::Client
                        && span.parent_id == Some(ancestor.id)
                    {
                        error = ancestor.error;
                    }
                }
            }
            if let (Some(p), Some(c)) = (parent, child) {
                add(p, c, error);
            }
        }
        for ((p, c), (calls, errors)) in local {
            let e = self
                .counts
                .entry((Arc::from(trace.str(p)), Arc::from(trace.str(c))))
                .or_default();
            e.0 += calls;
            e.1 += errors;
        }
        self
    }

    /// The links so far, by parent then child name.
    pub fn links(&self) -> Vec<DependencyLink> {
        let mut out: Vec<DependencyLink> = self
            .counts
            .iter()
            .map(|((p, c), &(calls, errors))| DependencyLink {
                parent: p.to_string(),
                child: c.to_string(),
                call_count: calls,
                error_count: errors,
            })
            .collect();
        out.sort_by(|a, b| (&a.parent, &a.child).cmp(&(&b.parent, &b.child)));
        out
    }
}

/// The dependency links of a set of traces.
pub fn dependency_links<'a>(traces: impl IntoIterator<Item = &'a Derived>) -> Vec<DependencyLink> {
    let mut linker = DependencyLinker::new();
    for d in traces {
        linker.put(d);
    }
    linker.links()
}

/// Sums links with the same parent and child (Zipkin's `DependencyLinker.merge`), e.g. links
/// of several days, by parent then child name.
pub fn merge_links(links: impl IntoIterator<Item = DependencyLink>) -> Vec<DependencyLink> {
    let mut sums: HashMap<(String, String), (u64, u64)> = HashMap::new();
    for l in links {
        let e = sums.entry((l.parent, l.child)).or_default();
        e.0 += l.call_count;
        e.1 += l.error_count;
    }
    let mut out: Vec<DependencyLink> = sums
        .into_iter()
        .map(
            |((parent, child), (call_count, error_count))| DependencyLink {
                parent,
                child,
                call_count,
                error_count,
            },
        )
        .collect();
    out.sort_by(|a, b| (&a.parent, &a.child).cmp(&(&b.parent, &b.child)));
    out
}

#[cfg(test)]
mod tests {
    //! Cases after Zipkin's `DependencyLinkerTest`, written from its descriptions.
    use super::*;
    use crate::derive::testing::derived;

    fn links(json: &str) -> Vec<(String, String, u64, u64)> {
        let d = derived(json);
        dependency_links([&d])
            .into_iter()
            .map(|l| (l.parent, l.child, l.call_count, l.error_count))
            .collect()
    }

    fn l(p: &str, c: &str, calls: u64, errors: u64) -> (String, String, u64, u64) {
        (p.into(), c.into(), calls, errors)
    }

    const EP: &str = r#""localEndpoint":{"serviceName":"#;

    #[test]
    fn client_server_pairs_link_once_with_the_server_name() {
        let json = format!(
            r#"[{{"traceId":"a","id":"1","kind":"SERVER",{EP}"web"}}}},
               {{"traceId":"a","id":"2","parentId":"1","kind":"CLIENT",{EP}"web"}},"remoteEndpoint":{{"serviceName":"app-alias"}}}},
               {{"traceId":"a","id":"2","parentId":"1","kind":"SERVER","shared":true,{EP}"app"}}}},
               {{"traceId":"a","id":"3","parentId":"2","kind":"CLIENT",{EP}"app"}},"remoteEndpoint":{{"serviceName":"db"}},"tags":{{"error":"x"}}}}]"#
        );
        assert_eq!(
            links(&json),
            vec![l("app", "db", 1, 1), l("web", "app", 1, 0)]
        );
    }

    #[test]
    fn root_server_with_known_client_links_from_it() {
        let json = format!(
            r#"[{{"traceId":"a","id":"1","kind":"SERVER",{EP}"app"}},"remoteEndpoint":{{"serviceName":"browser"}}}}]"#
        );
        assert_eq!(links(&json), vec![l("browser", "app", 1, 0)]);
    }

    #[test]
    fn messaging_links_through_the_broker() {
        let json = format!(
            r#"[{{"traceId":"a","id":"1","kind":"PRODUCER",{EP}"producer"}},"remoteEndpoint":{{"serviceName":"kafka"}}}},
               {{"traceId":"a","id":"2","parentId":"1","kind":"CONSUMER",{EP}"consumer"}},"remoteEndpoint":{{"serviceName":"kafka"}},"tags":{{"error":""}}}},
               {{"traceId":"a","id":"3","parentId":"2",{EP}"consumer"}}}},
               {{"traceId":"a","id":"4","kind":"PRODUCER",{EP}"lonely"}}}}]"#
        );
        assert_eq!(
            links(&json),
            vec![l("kafka", "consumer", 1, 1), l("producer", "kafka", 1, 0)]
        );
    }

    #[test]
    fn local_spans_between_rpcs_are_skipped() {
        let json = format!(
            r#"[{{"traceId":"a","id":"1","kind":"SERVER",{EP}"web"}}}},
               {{"traceId":"a","id":"2","parentId":"1",{EP}"web"}}}},
               {{"traceId":"a","id":"3","parentId":"2","kind":"CLIENT",{EP}"web"}},"tags":{{"error":""}}}},
               {{"traceId":"a","id":"4","parentId":"3","kind":"SERVER",{EP}"app"}}}}]"#
        );
        // The server is a separate span directly under its client: the client's error counts.
        assert_eq!(links(&json), vec![l("web", "app", 1, 1)]);
    }

    #[test]
    fn client_with_the_wrong_name_backfills_a_link() {
        let json = format!(
            r#"[{{"traceId":"a","id":"1","kind":"SERVER",{EP}"web"}}}},
               {{"traceId":"a","id":"2","parentId":"1","kind":"CLIENT",{EP}"app"}},"remoteEndpoint":{{"serviceName":"db"}}}}]"#
        );
        assert_eq!(
            links(&json),
            vec![l("app", "db", 1, 0), l("web", "app", 1, 0)]
        );
    }

    #[test]
    fn client_under_the_client_half_of_its_own_call_is_not_a_misnamed_client() {
        // The shared server half has another endpoint than its child client (another
        // instance's address), so the child hangs under the CLIENT half: one web → app call
        // (a shared server half does not take its client's error, as in Zipkin), one app → db
        // call without the web client's error.
        let json = format!(
            r#"[{{"traceId":"a","id":"1","kind":"SERVER",{EP}"web"}}}},
               {{"traceId":"a","id":"2","parentId":"1","kind":"CLIENT",{EP}"web"}},"remoteEndpoint":{{"serviceName":"app"}},"tags":{{"error":""}}}},
               {{"traceId":"a","id":"2","parentId":"1","kind":"SERVER","shared":true,"localEndpoint":{{"serviceName":"app","ipv4":"10.0.0.1","port":80}}}},
               {{"traceId":"a","id":"3","parentId":"2","kind":"CLIENT","localEndpoint":{{"serviceName":"app","ipv4":"10.0.0.2"}},"remoteEndpoint":{{"serviceName":"db"}}}}]"#
        );
        assert_eq!(
            links(&json),
            vec![l("app", "db", 1, 0), l("web", "app", 1, 0)]
        );
    }

    #[test]
    fn kindless_span_with_both_names_is_a_client() {
        let json = format!(
            r#"[{{"traceId":"a","id":"1","kind":"SERVER",{EP}"web"}}}},
               {{"traceId":"a","id":"2","parentId":"1",{EP}"web"}},"remoteEndpoint":{{"serviceName":"cache"}}}}]"#
        );
        assert_eq!(links(&json), vec![l("web", "cache", 1, 0)]);
    }

    #[test]
    fn links_merge_across_traces_and_serialize_like_zipkin() {
        let merged = merge_links([
            DependencyLink {
                parent: "a".into(),
                child: "b".into(),
                call_count: 2,
                error_count: 0,
            },
            DependencyLink {
                parent: "a".into(),
                child: "b".into(),
                call_count: 3,
                error_count: 1,
            },
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!((merged[0].call_count, merged[0].error_count), (5, 1));
        let json = serde_json::to_string(&merged).expect("serializes");
        assert_eq!(
            json,
            r#"[{"parent":"a","child":"b","callCount":5,"errorCount":1}]"#
        );
        let no_errors: Vec<DependencyLink> =
            serde_json::from_str(r#"[{"parent":"a","child":"b","callCount":5}]"#).expect("parses");
        assert_eq!(no_errors[0].error_count, 0);
    }
}
