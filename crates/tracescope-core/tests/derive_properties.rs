//! Invariants of the derive stage on random traces with everything real data throws at it:
//! repeated ids (copies and shared halves), missing and cyclic parents, several roots,
//! missing timestamps and durations, RPCs with skewed clocks.

use std::sync::Arc;

use proptest::prelude::*;
use tracescope_core::derive::{derive, warning_counts, DeriveOptions, Derived, WarningKind};
use tracescope_core::model::{
    Endpoint, Kind, Micros, Span, SpanId, SpanIdx, Strings, Trace, TraceId,
};

/// The random choices for one span; indices are resolved modulo the span count.
#[derive(Clone, Debug)]
struct Gen {
    /// Reuse the id of an earlier span (a copy, or the server half of an RPC).
    reuse_id: Option<usize>,
    parent: ParentGen,
    kind: u8,
    /// Make this span the server half of the previous one (which becomes a CLIENT).
    rpc: bool,
    shared: bool,
    start: Option<i64>,
    duration: Option<i64>,
    service: Option<u8>,
    ipv4: Option<u8>,
    remote: Option<u8>,
    error: bool,
}

#[derive(Clone, Debug)]
enum ParentGen {
    None,
    /// An earlier span: a tree.
    Earlier(usize),
    /// Any span, possibly later: cycles.
    Any(usize),
    /// Not in the trace.
    Missing,
}

fn gen() -> impl Strategy<Value = Gen> {
    let parent = prop_oneof![
        1 => Just(ParentGen::None),
        60 => any::<usize>().prop_map(ParentGen::Earlier),
        2 => any::<usize>().prop_map(ParentGen::Any),
        2 => Just(ParentGen::Missing),
    ];
    (
        prop::option::weighted(0.2, any::<usize>()),
        parent,
        0u8..5,
        prop::bool::weighted(0.4),
        any::<bool>(),
        prop::option::weighted(0.9, 1_000i64..2_000),
        prop::option::weighted(0.9, 1i64..400),
        prop::option::weighted(0.9, 0u8..4),
        prop::option::weighted(0.7, 0u8..3),
        prop::option::weighted(0.3, 0u8..5),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(
                reuse_id,
                parent,
                kind,
                rpc,
                shared,
                start,
                duration,
                service,
                ipv4,
                remote,
                error,
            )| Gen {
                reuse_id,
                parent,
                kind,
                rpc,
                shared,
                start,
                duration,
                service,
                ipv4,
                remote,
                error,
            },
        )
}

fn build(gens: &[Gen]) -> Trace {
    let mut strings = Strings::default();
    let services: Vec<_> = ["web", "api", "db", "cache", "broker"]
        .iter()
        .map(|s| strings.intern(s))
        .collect();
    let n = gens.len();
    let mut ids: Vec<u64> = Vec::with_capacity(n);
    let mut kinds: Vec<Kind> = Vec::with_capacity(n);
    for (i, g) in gens.iter().enumerate() {
        let id = match g.reuse_id {
            Some(k) if i > 0 => ids[k % i],
            _ => i as u64 + 1,
        };
        ids.push(id);
        kinds.push(
            [
                Kind::Unspecified,
                Kind::Client,
                Kind::Server,
                Kind::Producer,
                Kind::Consumer,
            ][g.kind as usize],
        );
        if g.rpc && i > 0 {
            ids[i] = ids[i - 1];
            kinds[i - 1] = Kind::Client;
            kinds[i] = Kind::Server;
        }
    }
    let mut parent_ids: Vec<Option<SpanId>> = gens
        .iter()
        .enumerate()
        .map(|(i, g)| match g.parent {
            ParentGen::None => None,
            ParentGen::Earlier(k) if i > 0 => Some(SpanId::Hex(ids[k % i])),
            ParentGen::Earlier(_) => None,
            ParentGen::Any(k) => Some(SpanId::Hex(ids[k % n])),
            ParentGen::Missing => Some(SpanId::Hex(0xdead_0000 + i as u64)),
        })
        .collect();
    for (i, g) in gens.iter().enumerate() {
        if g.rpc && i > 0 {
            // The server half of an RPC carries its client's parent id, or none at all.
            parent_ids[i] = parent_ids[i - 1].filter(|_| g.shared);
        }
    }
    let spans = gens
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let parent_id = parent_ids[i];
            let kind = kinds[i];
            let local = g.service.map(|s| Endpoint {
                service: services[s as usize],
                ipv4: g.ipv4.map(|ip| format!("10.0.0.{ip}").into()),
                ipv6: None,
                port: None,
            });
            Span {
                trace_id: TraceId::Hex {
                    high: 0,
                    low: 1,
                    wide: false,
                },
                id: SpanId::Hex(ids[i]),
                parent_id,
                name: services[i % services.len()],
                service: local.as_ref().map_or(Default::default(), |e| e.service),
                kind,
                start: g.start.map(Micros),
                duration: g.duration.map(Micros),
                local,
                remote: g.remote.map(|s| Endpoint {
                    service: services[s as usize],
                    ..Endpoint::default()
                }),
                tags: Vec::new(),
                annotations: Vec::new(),
                // Older instrumentation omits the flag on server halves: clean fills it in.
                shared: g.shared && kind == Kind::Server,
                debug: false,
                error: g.error,
                ..Span::new(TraceId::Other(Default::default()), SpanId::Hex(0))
            }
        })
        .collect();
    Trace::new(
        TraceId::Hex {
            high: 0,
            low: 1,
            wide: false,
        },
        spans,
        Arc::new(strings),
    )
}

fn check_tree(input: usize, d: &Derived) -> Result<(), TestCaseError> {
    let tree = &d.tree;
    let n = d.trace.spans.len();
    // Every span exactly once; every input span accounted for.
    prop_assert_eq!(tree.preorder.len(), n);
    let mut position = vec![usize::MAX; n];
    for (k, s) in tree.preorder.iter().enumerate() {
        prop_assert_eq!(position[s.get()], usize::MAX, "span twice");
        position[s.get()] = k;
    }
    let merged = warning_counts(&d.warnings)
        .into_iter()
        .find(|(k, _)| *k == WarningKind::DuplicateMerged)
        .map_or(0, |(_, c)| c);
    prop_assert_eq!(input, n + merged);
    // Parents before children, one level apart; subtree sizes add up.
    for i in 0..n {
        let span = SpanIdx(i as u32);
        match tree.parent(span) {
            Some(p) => {
                prop_assert!(position[p.get()] < position[i]);
                prop_assert_eq!(tree.depth[i], tree.depth[p.get()] + 1);
            }
            None => {
                prop_assert_eq!(tree.depth[i], 0);
                prop_assert!(tree.roots.contains(&span));
            }
        }
        let size: u32 = 1 + tree
            .children(span)
            .map(|c| tree.subtree_size[c.get()])
            .sum::<u32>();
        prop_assert_eq!(tree.subtree_size[i], size);
        // A subtree is contiguous in preorder.
        let end = position[i] + tree.subtree_size[i] as usize;
        for c in tree.children(span) {
            prop_assert!(position[c.get()] > position[i] && position[c.get()] < end);
        }
        prop_assert!(tree.duration[i] >= 0);
    }
    if !tree.synthetic_root {
        prop_assert_eq!(tree.roots.len(), 1);
    }
    prop_assert_eq!(d.summary.span_count, n);
    Ok(())
}

fn check_skew(d: &Derived) -> Result<(), TestCaseError> {
    let tree = &d.tree;
    for (i, server) in d.trace.spans.iter().enumerate() {
        let span = SpanIdx(i as u32);
        let Some(p) = tree.parent(span) else { continue };
        let client = d.trace.span(p);
        let ip = |s: &Span| s.local.as_ref().and_then(|e| e.ipv4.clone());
        let long_enough = matches!(
            (client.duration, server.duration),
            (Some(c), Some(s)) if c >= s
        );
        if client.kind == Kind::Client
            && server.kind == Kind::Server
            && client.start.is_some()
            && server.start.is_some()
            && long_enough
            && ip(client).is_some()
            && ip(server).is_some()
            && ip(client) != ip(server)
        {
            prop_assert!(
                tree.start[i] >= tree.start[p.get()] && tree.end(span) <= tree.end(p),
                "server {:?} {}..{} outside client {:?} {}..{}",
                span,
                tree.start[i],
                tree.end(span),
                p,
                tree.start[p.get()],
                tree.end(p)
            );
        }
    }
    // Every recorded adjustment is real and nothing else moved.
    for a in &d.skew {
        prop_assert!(a.delta_us != 0);
    }
    Ok(())
}

fn check_critical_path(d: &Derived) -> Result<(), TestCaseError> {
    let tree = &d.tree;
    let path = d.critical_path();
    prop_assert!(!path.is_empty() || tree.roots.iter().all(|r| tree.duration[r.get()] == 0));
    let (lo, hi) = if tree.synthetic_root {
        let lo = tree
            .roots
            .iter()
            .map(|r| tree.start[r.get()])
            .min()
            .unwrap_or(0);
        let hi = tree.roots.iter().map(|r| tree.end(*r)).max().unwrap_or(0);
        (lo, hi)
    } else {
        let r = tree.roots[0];
        (tree.start[r.get()], tree.end(r))
    };
    for seg in &path {
        prop_assert!(seg.start_us < seg.end_us, "empty segment {:?}", seg);
        prop_assert!(
            seg.start_us >= lo && seg.end_us <= hi,
            "{:?} outside {}..{}",
            seg,
            lo,
            hi
        );
        let s = seg.span.get();
        prop_assert!(seg.start_us >= tree.start[s] && seg.end_us <= tree.end(seg.span));
    }
    for w in path.windows(2) {
        prop_assert!(w[0].end_us <= w[1].start_us, "overlap {:?}", w);
    }
    if !tree.synthetic_root {
        let covered: i64 = path.iter().map(|s| s.end_us - s.start_us).sum();
        prop_assert_eq!(covered, hi - lo, "the path covers the root");
    }
    for (i, st) in d.self_times().into_iter().enumerate() {
        prop_assert!(st >= 0 && st <= tree.duration[i]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn derive_invariants(gens in prop::collection::vec(gen(), 1..60)) {
        let trace = build(&gens);
        let input = trace.spans.len();
        for options in [DeriveOptions::default(), DeriveOptions { skew_correction: false }] {
            let d = derive(trace.clone(), options);
            check_tree(input, &d)?;
            check_critical_path(&d)?;
            if options.skew_correction {
                check_skew(&d)?;
            } else {
                prop_assert!(d.skew.is_empty());
            }
            // Services and links are computed without panicking on anything.
            let g = d.service_graph();
            let spans: usize = g.nodes.iter().map(|n| n.span_count).sum();
            prop_assert_eq!(spans, d.trace.spans.len());
            let _ = tracescope_core::derive::dependency_links([&d]);
        }
    }
}
