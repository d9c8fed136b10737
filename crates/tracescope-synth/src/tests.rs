use super::*;
use std::collections::{HashMap, HashSet};

fn cfg(seed: u64, n: usize, shape: Shape) -> GenConfig {
    GenConfig {
        seed,
        spans_target: n,
        shape,
        error_rate: 0.05,
        ..GenConfig::default()
    }
}

fn bytes(c: &GenConfig) -> Vec<u8> {
    let mut out = Vec::new();
    Plan::new(c)
        .write_json(&mut out)
        .expect("writing to a Vec cannot fail");
    out
}

/// Checks the structural invariants every generated trace must hold.
fn check_trace(spans: &[Span]) {
    let ids: HashSet<&str> = spans.iter().map(|s| s.id.as_str()).collect();
    let trace_id = &spans[0].trace_id;
    let mut seen = HashSet::new();
    for s in spans {
        assert_eq!(&s.trace_id, trace_id);
        assert!(s.trace_id.len() == 16 || s.trace_id.len() == 32);
        assert!(s.id.len() == 16 && s.id.bytes().all(|b| b.is_ascii_hexdigit()));
        if let Some(p) = &s.parent_id {
            assert!(ids.contains(p.as_str()), "parent {p} of {} missing", s.id);
        }
        if s.shared == Some(true) {
            assert_eq!(s.kind, Some(Kind::Server), "only server spans are shared");
        }
        // (id, shared) is unique: the only id reuse is a shared server half.
        assert!(
            seen.insert((s.id.clone(), s.shared)),
            "duplicate span {}",
            s.id
        );
        assert!(s.duration >= 1);
        assert!(!s.name.is_empty());
    }
    assert_eq!(
        spans.iter().filter(|s| s.parent_id.is_none()).count(),
        1,
        "exactly one root"
    );
}

#[test]
fn same_seed_gives_same_bytes() {
    for shape in [Shape::Realistic, Shape::Chain, Shape::Wide] {
        let c = cfg(42, 300, shape);
        assert_eq!(bytes(&c), bytes(&c));
        assert_ne!(bytes(&c), bytes(&cfg(43, 300, shape)), "seed must matter");
    }
    assert_eq!(
        serde_json::to_vec(&generate_traces(9, 20, 1_000, 1_000)).expect("serialisable"),
        serde_json::to_vec(&generate_traces(9, 20, 1_000, 1_000)).expect("serialisable"),
    );
}

#[test]
fn span_count_is_exact() {
    for shape in [Shape::Realistic, Shape::Chain, Shape::Wide] {
        for n in [0usize, 1, 2, 3, 4, 5, 7, 10, 33, 100, 257, 1000] {
            for seed in 0..4 {
                let spans = generate_trace(&cfg(seed, n, shape));
                assert_eq!(spans.len(), n, "{shape:?} n={n} seed={seed}");
                if n > 0 {
                    check_trace(&spans);
                }
            }
        }
    }
}

#[test]
fn small_limits_still_give_exact_counts() {
    for (depth, fanout, services) in [(1, 1, 1), (2, 1, 2), (3, 2, 3), (1, 10, 12), (40, 1, 12)] {
        let c = GenConfig {
            spans_target: 150,
            max_depth: depth,
            fanout,
            services,
            ..GenConfig::default()
        };
        let plan = Plan::new(&c);
        assert_eq!(plan.len(), 150);
        assert!((0..plan.len()).all(|i| plan.depth(i) <= depth.max(1)));
        check_trace(&generate_trace(&c));
    }
}

#[test]
fn every_parent_id_exists_across_many_seeds() {
    for seed in 0..50 {
        check_trace(&generate_trace(&cfg(seed, 120, Shape::Realistic)));
    }
}

#[test]
fn children_lie_within_parents_without_skew() {
    for seed in 0..30 {
        let c = GenConfig {
            slow: seed % 3 == 0,
            ..cfg(seed, 400, Shape::Realistic)
        };
        let plan = Plan::new(&c);
        let spans: Vec<Span> = plan.spans().collect();
        for (i, s) in spans.iter().enumerate() {
            let Some(p) = plan.parent_index(i) else {
                continue;
            };
            // Messaging is asynchronous: a consumer runs after its producer finished.
            if s.kind == Some(Kind::Consumer) {
                continue;
            }
            let parent = &spans[p];
            assert!(
                s.timestamp >= parent.timestamp,
                "seed {seed} span {i} starts early"
            );
            assert!(
                s.timestamp + s.duration <= parent.timestamp + parent.duration,
                "seed {seed} span {i} ends late"
            );
        }
    }
}

#[test]
fn server_spans_sit_inside_client_spans_with_latency() {
    let spans = generate_trace(&cfg(5, 500, Shape::Realistic));
    let by_id: HashMap<(&str, Option<bool>), &Span> = spans
        .iter()
        .map(|s| ((s.id.as_str(), s.shared), s))
        .collect();
    let mut checked = 0;
    for s in &spans {
        if s.kind != Some(Kind::Server) || s.parent_id.is_none() {
            continue;
        }
        let client = if s.shared == Some(true) {
            by_id[&(s.id.as_str(), None)]
        } else {
            by_id[&(s.parent_id.as_deref().expect("checked above"), None)]
        };
        assert_eq!(client.kind, Some(Kind::Client));
        assert!(
            s.timestamp > client.timestamp,
            "network latency before the server"
        );
        assert!(s.timestamp + s.duration < client.timestamp + client.duration);
        checked += 1;
    }
    assert!(checked > 10);
}

#[test]
fn skew_shifts_one_service() {
    let base = cfg(11, 200, Shape::Realistic);
    let skewed = GenConfig {
        skew_us: -50_000,
        ..base.clone()
    };
    let a = generate_trace(&base);
    let b = generate_trace(&skewed);
    let shifted = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.timestamp != y.timestamp)
        .count();
    assert!(shifted > 0 && shifted < a.len());
    // With a large negative skew some server starts before its client: what skew looks like.
    let mut early = 0;
    let index: HashMap<&str, &Span> = b.iter().map(|s| (s.id.as_str(), s)).collect();
    for s in &b {
        if let Some(p) = s.parent_id.as_deref().and_then(|p| index.get(p)) {
            if s.timestamp < p.timestamp {
                early += 1;
            }
        }
    }
    assert!(early > 0);
}

#[test]
fn realistic_traces_have_the_promised_ingredients() {
    let spans = generate_trace(&GenConfig {
        seed: 3,
        spans_target: 3000,
        error_rate: 0.03,
        endpoint: Some(4), // POST /api/checkout: order-service produces to kafka
        ..GenConfig::default()
    });
    let has = |f: &dyn Fn(&Span) -> bool| spans.iter().any(f);
    assert_eq!(spans[0].name, "POST /api/checkout");
    assert_eq!(spans[0].kind, Some(Kind::Server));
    assert!(has(
        &|s| s.tags.get("rpc.system").map(String::as_str) == Some("grpc")
    ));
    assert!(has(&|s| s.name == "etcdserverpb.KV/Range"));
    for db in ["postgres", "mysql", "redis", "etcd", "kafka"] {
        assert!(
            has(&|s| s
                .remote_endpoint
                .as_ref()
                .and_then(|e| e.service_name.as_deref())
                == Some(db)),
            "no span to {db}"
        );
    }
    assert!(has(&|s| s.kind == Some(Kind::Producer)));
    assert!(has(&|s| s.kind == Some(Kind::Consumer)));
    assert!(has(&|s| s.kind.is_none()));
    assert!(has(&|s| s.shared == Some(true)));
    assert!(has(&|s| s.kind == Some(Kind::Server)
        && s.shared.is_none()
        && s.parent_id.is_some()));
    assert!(has(&|s| s.tags.contains_key("error")));
    assert!(has(&|s| s.tags.contains_key("db.statement")));
    assert!(spans.iter().all(|s| s.tags.contains_key("k8s.pod.name")));
}

#[test]
fn errors_propagate_to_the_root_sometimes() {
    let rooted = (0..40)
        .filter(|&seed| {
            let spans = generate_trace(&GenConfig {
                seed,
                spans_target: 60,
                error_rate: 0.2,
                ..GenConfig::default()
            });
            spans[0].tags.contains_key("error")
        })
        .count();
    assert!(rooted > 0);
}

#[test]
fn chain_depth_equals_span_count() {
    let plan = Plan::new(&cfg(1, 5000, Shape::Chain));
    assert_eq!(plan.len(), 5000);
    assert_eq!(plan.depth(4999), 4999);
    check_trace(&plan.spans().collect::<Vec<_>>());
}

#[test]
fn wide_has_one_level() {
    let plan = Plan::new(&cfg(1, 2000, Shape::Wide));
    assert!((1..plan.len()).all(|i| plan.parent_index(i) == Some(0)));
}

#[test]
fn demo_traces_are_varied() {
    let traces = generate_traces(7, 60, 1_700_000_000_000_000, 60_000_000);
    assert_eq!(traces.len(), 60);
    let roots: HashSet<&str> = traces.iter().map(|t| t[0].name.as_str()).collect();
    assert!(roots.len() >= 4, "{roots:?}");
    assert!(traces.iter().all(|t| (5..=300).contains(&t.len())));
    assert!(traces
        .iter()
        .any(|t| t.iter().any(|s| s.tags.contains_key("error"))));
    assert!(traces.iter().any(|t| t[0].duration > 300_000), "a slow one");
    let ids: HashSet<&str> = traces.iter().map(|t| t[0].trace_id.as_str()).collect();
    assert_eq!(ids.len(), 60);
    for t in &traces {
        check_trace(t);
    }
}

#[test]
fn json_round_trips_and_omits_absent_fields() {
    let spans = generate_trace(&cfg(2, 50, Shape::Realistic));
    let text = serde_json::to_string(&spans).expect("serialisable");
    let back: Vec<Span> = serde_json::from_str(&text).expect("parses back");
    assert_eq!(back, spans);
    let root = serde_json::to_value(&spans[0]).expect("serialisable");
    assert!(root.get("parentId").is_none());
    assert!(root.get("shared").is_none());
    assert!(root.get("annotations").is_none());
}

#[test]
fn hundred_thousand_spans() {
    for shape in [Shape::Realistic, Shape::Chain, Shape::Wide] {
        let plan = Plan::new(&cfg(100, 100_000, shape));
        assert_eq!(plan.len(), 100_000);
        let mut count = 0usize;
        let mut ids = HashSet::with_capacity(100_000);
        for s in plan.spans() {
            ids.insert((s.id, s.shared));
            count += 1;
        }
        assert_eq!(count, 100_000);
        assert_eq!(ids.len(), 100_000);
    }
}

#[test]
#[ignore = "slow in debug builds; run with --release --ignored"]
fn one_million_spans() {
    for shape in [Shape::Realistic, Shape::Chain] {
        let plan = Plan::new(&cfg(1_000_000, 1_000_000, shape));
        assert_eq!(plan.len(), 1_000_000);
        let mut sink = CountingWriter(0);
        plan.write_json(&mut sink).expect("sink never fails");
        assert!(sink.0 > 100_000_000);
    }
}

struct CountingWriter(usize);
impl std::io::Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
