//! The service graph of one trace: which services took part (with their span counts) and
//! which called which.
//!
//! An edge `a → b` is counted for every span of service `b` whose parent in the tree is a
//! span of service `a ≠ b` (a call crossing into another service), with an error when the
//! child span failed. A CLIENT or PRODUCER span (or a span with no kind but a remote
//! service) that names a remote service and has no child in another service called
//! something uninstrumented (a database, a broker): that adds an edge to the remote service,
//! whose node has no spans.

use std::collections::HashMap;

use super::SpanTree;
use crate::model::{Kind, SpanIdx, StrId, Trace};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceNode {
    /// `StrId::EMPTY` for spans that name no service.
    pub service: StrId,
    /// Spans of this service in the trace; 0 for a remote-only service.
    pub span_count: usize,
    pub error_count: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceEdge {
    pub parent: StrId,
    pub child: StrId,
    pub calls: usize,
    pub errors: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceGraph {
    /// By span count, most first (ties by name).
    pub nodes: Vec<ServiceNode>,
    /// By calls, most first (ties by parent, then child name).
    pub edges: Vec<ServiceEdge>,
}

pub fn service_graph(trace: &Trace, tree: &SpanTree) -> ServiceGraph {
    let mut nodes: HashMap<StrId, (usize, usize)> = HashMap::new();
    let mut edges: HashMap<(StrId, StrId), (usize, usize)> = HashMap::new();
    let mut add_edge = |a: StrId, b: StrId, error: bool| {
        let e = edges.entry((a, b)).or_default();
        e.0 += 1;
        e.1 += usize::from(error);
    };
    for (i, s) in trace.spans.iter().enumerate() {
        let node = nodes.entry(s.service).or_default();
        node.0 += 1;
        node.1 += usize::from(s.error);
        let idx = SpanIdx(i as u32);
        if let Some(p) = tree.parent(idx) {
            let ps = trace.span(p).service;
            if ps != s.service {
                add_edge(ps, s.service, s.error);
            }
        }
        let remote = s.remote_service();
        let calls_out = matches!(s.kind, Kind::Client | Kind::Producer)
            || (s.kind == Kind::Unspecified && s.service != StrId::EMPTY);
        if calls_out
            && remote != StrId::EMPTY
            && remote != s.service
            && !tree
                .children(idx)
                .any(|c| trace.span(c).service != s.service)
        {
            add_edge(s.service, remote, s.error);
        }
    }
    for &(_, b) in edges.keys() {
        nodes.entry(b).or_default();
    }
    let name = |id: StrId| trace.str(id);
    let mut nodes: Vec<ServiceNode> = nodes
        .into_iter()
        .map(|(service, (span_count, error_count))| ServiceNode {
            service,
            span_count,
            error_count,
        })
        .collect();
    nodes.sort_by(|a, b| {
        b.span_count
            .cmp(&a.span_count)
            .then_with(|| name(a.service).cmp(name(b.service)))
    });
    let mut edges: Vec<ServiceEdge> = edges
        .into_iter()
        .map(|((parent, child), (calls, errors))| ServiceEdge {
            parent,
            child,
            calls,
            errors,
        })
        .collect();
    edges.sort_by(|a, b| {
        b.calls
            .cmp(&a.calls)
            .then_with(|| name(a.parent).cmp(name(b.parent)))
            .then_with(|| name(a.child).cmp(name(b.child)))
    });
    ServiceGraph { nodes, edges }
}

#[cfg(test)]
mod tests {
    use crate::derive::testing::derived;

    #[test]
    fn calls_between_services_and_to_uninstrumented_ones() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","kind":"SERVER","timestamp":100,"duration":100,"localEndpoint":{"serviceName":"web"}},
               {"traceId":"a","id":"2","parentId":"1","kind":"CLIENT","timestamp":110,"duration":20,"localEndpoint":{"serviceName":"web"},"remoteEndpoint":{"serviceName":"api"}},
               {"traceId":"a","id":"2","parentId":"1","kind":"SERVER","shared":true,"timestamp":111,"duration":18,"localEndpoint":{"serviceName":"api"},"tags":{"error":"500"}},
               {"traceId":"a","id":"3","parentId":"2","kind":"CLIENT","timestamp":112,"duration":5,"localEndpoint":{"serviceName":"api"},"remoteEndpoint":{"serviceName":"mysql"}},
               {"traceId":"a","id":"4","parentId":"1","kind":"CLIENT","timestamp":140,"duration":20,"localEndpoint":{"serviceName":"web"},"remoteEndpoint":{"serviceName":"api"}},
               {"traceId":"a","id":"4","parentId":"1","kind":"SERVER","shared":true,"timestamp":141,"duration":18,"localEndpoint":{"serviceName":"api"}}]"#,
        );
        let g = d.service_graph();
        let s = |id| d.trace.str(id).to_string();
        let nodes: Vec<_> = g
            .nodes
            .iter()
            .map(|n| (s(n.service), n.span_count, n.error_count))
            .collect();
        assert_eq!(
            nodes,
            vec![
                ("api".into(), 3, 1),
                ("web".into(), 3, 0),
                ("mysql".into(), 0, 0)
            ]
        );
        let edges: Vec<_> = g
            .edges
            .iter()
            .map(|e| (s(e.parent), s(e.child), e.calls, e.errors))
            .collect();
        assert_eq!(
            edges,
            vec![
                ("web".into(), "api".into(), 2, 1),
                ("api".into(), "mysql".into(), 1, 0)
            ]
        );
    }
}
