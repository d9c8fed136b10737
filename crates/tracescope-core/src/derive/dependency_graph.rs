//! The service dependency graph built from [`DependencyLink`]s (from `/api/v2/dependencies`,
//! or derived from traces by the [`super::dependencies`] linker): services by index, edges
//! by index, per-service traffic, and the questions the dependency view asks of it
//! (filtering, N-hop neighbourhoods, a service's peers).

use std::collections::{BTreeMap, VecDeque};

use serde::Deserialize;

use super::dependencies::DependencyLink;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GraphEdge {
    pub parent: u32,
    pub child: u32,
    pub calls: u64,
    pub errors: u64,
}

impl GraphEdge {
    /// Errors per call; 0 without calls. Can exceed 1 in real data (stubs, broken counts).
    pub fn error_rate(&self) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            self.errors as f64 / self.calls as f64
        }
    }
}

/// Services sorted by name; edges sorted by (parent, child), one per pair (links with the
/// same pair are summed).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DependencyGraph {
    pub services: Vec<String>,
    pub edges: Vec<GraphEdge>,
    pub calls_in: Vec<u64>,
    pub errors_in: Vec<u64>,
    pub calls_out: Vec<u64>,
    pub errors_out: Vec<u64>,
}

impl DependencyGraph {
    pub fn from_links(links: &[DependencyLink]) -> DependencyGraph {
        let mut pairs: BTreeMap<(&str, &str), (u64, u64)> = BTreeMap::new();
        for l in links {
            let e = pairs.entry((&l.parent, &l.child)).or_default();
            e.0 = e.0.saturating_add(l.call_count);
            e.1 = e.1.saturating_add(l.error_count);
        }
        let mut names: Vec<&str> = pairs.keys().flat_map(|&(p, c)| [p, c]).collect();
        names.sort_unstable();
        names.dedup();
        let index = |s: &str| names.binary_search(&s).map_or(0, |i| i as u32);
        let edges: Vec<GraphEdge> = pairs
            .iter()
            .map(|(&(p, c), &(calls, errors))| GraphEdge {
                parent: index(p),
                child: index(c),
                calls,
                errors,
            })
            .collect();
        let n = names.len();
        let mut g = DependencyGraph {
            services: names.iter().map(|s| (*s).to_string()).collect(),
            edges,
            calls_in: vec![0; n],
            errors_in: vec![0; n],
            calls_out: vec![0; n],
            errors_out: vec![0; n],
        };
        for e in &g.edges {
            let (p, c) = (e.parent as usize, e.child as usize);
            g.calls_out[p] = g.calls_out[p].saturating_add(e.calls);
            g.errors_out[p] = g.errors_out[p].saturating_add(e.errors);
            g.calls_in[c] = g.calls_in[c].saturating_add(e.calls);
            g.errors_in[c] = g.errors_in[c].saturating_add(e.errors);
        }
        g
    }

    pub fn service(&self, name: &str) -> Option<u32> {
        self.services
            .binary_search_by(|s| s.as_str().cmp(name))
            .ok()
            .map(|i| i as u32)
    }

    /// Calls a service takes part in, either way (a self-call counts once).
    pub fn traffic(&self, service: u32) -> u64 {
        let s = service as usize;
        let own: u64 = self
            .edges
            .iter()
            .filter(|e| e.parent == service && e.child == service)
            .map(|e| e.calls)
            .sum();
        self.calls_in[s]
            .saturating_add(self.calls_out[s])
            .saturating_sub(own)
    }

    /// Which services to show: traffic at least `min_calls`, and, when `filter` is not
    /// empty, names containing it (ignoring case) or a direct peer of such a service, so
    /// a filtered service is shown with whom it talks to.
    pub fn visible(&self, filter: &str, min_calls: u64) -> Vec<bool> {
        let n = self.services.len();
        let busy: Vec<bool> = (0..n as u32)
            .map(|s| self.traffic(s) >= min_calls)
            .collect();
        let needle = filter.trim().to_lowercase();
        if needle.is_empty() {
            return busy;
        }
        let matched: Vec<bool> = (0..n)
            .map(|s| busy[s] && self.services[s].to_lowercase().contains(&needle))
            .collect();
        let mut show = matched.clone();
        for e in &self.edges {
            let (p, c) = (e.parent as usize, e.child as usize);
            if matched[p] && busy[c] {
                show[c] = true;
            }
            if matched[c] && busy[p] {
                show[p] = true;
            }
        }
        show
    }

    /// The callers and callees of `service`, by calls (most first, then name).
    pub fn peers(&self, service: u32) -> ServicePeers {
        let mut callers: Vec<(u32, u64, u64)> = Vec::new();
        let mut callees: Vec<(u32, u64, u64)> = Vec::new();
        for e in &self.edges {
            if e.child == service {
                callers.push((e.parent, e.calls, e.errors));
            }
            if e.parent == service {
                callees.push((e.child, e.calls, e.errors));
            }
        }
        let by_calls = |v: &mut Vec<(u32, u64, u64)>| {
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        };
        by_calls(&mut callers);
        by_calls(&mut callees);
        ServicePeers { callers, callees }
    }
}

/// (service, calls, errors) of each peer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServicePeers {
    pub callers: Vec<(u32, u64, u64)>,
    pub callees: Vec<(u32, u64, u64)>,
}

/// Nodes and edges within `hops` calls of `start`, following calls downstream (callees,
/// their callees …) and upstream (callers …) separately, as Lens and Jaeger highlight a
/// service's "flow": a caller's other callees are not included. `edges` are (parent, child)
/// over `node_count` nodes.
pub fn neighbourhood(
    node_count: usize,
    edges: &[(u32, u32)],
    start: u32,
    hops: u32,
) -> (Vec<bool>, Vec<bool>) {
    let mut node_on = vec![false; node_count];
    let mut edge_on = vec![false; edges.len()];
    if start as usize >= node_count {
        return (node_on, edge_on);
    }
    node_on[start as usize] = true;
    // Edges by endpoint, once.
    let mut by_parent: Vec<Vec<u32>> = vec![Vec::new(); node_count];
    let mut by_child: Vec<Vec<u32>> = vec![Vec::new(); node_count];
    for (i, &(p, c)) in edges.iter().enumerate() {
        if (p as usize) < node_count && (c as usize) < node_count {
            by_parent[p as usize].push(i as u32);
            by_child[c as usize].push(i as u32);
        }
    }
    for downstream in [true, false] {
        let mut dist = vec![u32::MAX; node_count];
        dist[start as usize] = 0;
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            let d = dist[v as usize];
            if d >= hops {
                continue;
            }
            let list = if downstream {
                &by_parent[v as usize]
            } else {
                &by_child[v as usize]
            };
            for &e in list {
                let (p, c) = edges[e as usize];
                let w = if downstream { c } else { p };
                edge_on[e as usize] = true;
                node_on[w as usize] = true;
                if dist[w as usize] == u32::MAX {
                    dist[w as usize] = d + 1;
                    queue.push_back(w);
                }
            }
        }
    }
    (node_on, edge_on)
}

/// Why a dependency answer could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("dependency links: {message} (line {line}, column {column})")]
pub struct LinksError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum LinksDoc {
    Zipkin(Vec<WireLink>),
    /// Jaeger's HTTP API wraps the same objects in `{"data": [...]}`.
    Jaeger {
        data: Vec<WireLink>,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLink {
    parent: String,
    child: String,
    #[serde(default)]
    call_count: u64,
    #[serde(default)]
    error_count: u64,
}

/// Reads `/api/v2/dependencies` (Zipkin: an array of links; `errorCount` optional) or a
/// Jaeger dependencies answer (`{"data": [...]}`).
pub fn parse_links(bytes: &[u8]) -> Result<Vec<DependencyLink>, LinksError> {
    let doc: LinksDoc = serde_json::from_slice(bytes).map_err(|e| {
        // The untagged enum's own message says nothing useful; re-read as the Zipkin shape
        // for a located error.
        let e = serde_json::from_slice::<Vec<WireLink>>(bytes)
            .err()
            .unwrap_or(e);
        LinksError {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        }
    })?;
    let (LinksDoc::Zipkin(links) | LinksDoc::Jaeger { data: links }) = doc;
    Ok(links
        .into_iter()
        .map(|l| DependencyLink {
            parent: l.parent,
            child: l.child,
            call_count: l.call_count,
            error_count: l.error_count,
        })
        .collect())
}

/// Deterministic links of a believable system for benchmarks and tests: `services` in
/// tiers (edge, API, domain, data), each calling a few services of the next one or two
/// tiers, with one call in fifty back up (cycles); the last tier calls nobody. `edges` is a target; duplicates are merged.
pub fn synthetic_links(services: usize, edges: usize, seed: u64) -> Vec<DependencyLink> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    if services < 2 {
        return Vec::new();
    }
    let tiers = ((services as f64).sqrt() as usize / 3).clamp(2, 12);
    let tier_of = |i: usize| i * tiers / services;
    let first_of = |t: usize| (t * services).div_ceil(tiers);
    let name = |i: usize| {
        format!(
            "svc-{}-{i:04}",
            ["edge", "api", "core", "data"][tier_of(i) * 4 / tiers]
        )
    };
    let callers = first_of(tiers - 1).max(1);
    let mut links = Vec::with_capacity(edges);
    for k in 0..edges {
        // Callers are in every tier but the last (data stores call nobody).
        let a = (next() % callers as u64) as usize;
        let ta = tier_of(a);
        let b = if k % 50 == 0 {
            // A call back up to an earlier tier (or its own): a cycle.
            (next() % first_of(ta + 1).max(1) as u64) as usize
        } else {
            // Mostly the next tier, sometimes one further.
            let tb = (ta + 1 + usize::from(next() % 4 == 0)).min(tiers - 1);
            let (lo, hi) = (first_of(tb), first_of(tb + 1).min(services));
            lo + (next() % (hi - lo).max(1) as u64) as usize
        };
        let calls = 1 + next() % 10_000;
        let errors = if next() % 5 == 0 {
            next() % (calls + 1)
        } else {
            0
        };
        links.push(DependencyLink {
            parent: name(a),
            child: name(b),
            call_count: calls,
            error_count: errors,
        });
    }
    super::dependencies::merge_links(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(p: &str, c: &str, calls: u64, errors: u64) -> DependencyLink {
        DependencyLink {
            parent: p.into(),
            child: c.into(),
            call_count: calls,
            error_count: errors,
        }
    }

    /// Real answers, read in place from `../shared/fixtures` (override: TRACESCOPE_FIXTURES).
    fn fixture(name: &str) -> Vec<u8> {
        let dir = std::env::var("TRACESCOPE_FIXTURES").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures").into()
        });
        std::fs::read(format!("{dir}/dependencies/{name}"))
            .unwrap_or_else(|e| panic!("fixture {name} (set TRACESCOPE_FIXTURES): {e}"))
    }

    #[test]
    fn graph_sums_duplicates_and_counts_traffic() {
        let g = DependencyGraph::from_links(&[
            link("web", "api", 10, 1),
            link("api", "db", 5, 0),
            link("web", "api", 5, 2),
            link("api", "api", 3, 0),
        ]);
        assert_eq!(g.services, vec!["api", "db", "web"]);
        assert_eq!(g.edges.len(), 3);
        let api = g.service("api").expect("api");
        assert_eq!(g.calls_in[api as usize], 18);
        assert_eq!(g.calls_out[api as usize], 8);
        assert_eq!(g.traffic(api), 23);
        let web_api = g.edges.iter().find(|e| e.calls == 15).expect("merged");
        assert_eq!(web_api.errors, 3);
        assert!((web_api.error_rate() - 0.2).abs() < 1e-9);
        let peers = g.peers(api);
        assert_eq!(peers.callers[0].0, g.service("web").expect("web"));
        assert_eq!(peers.callees.len(), 2);
    }

    #[test]
    fn filter_keeps_matches_and_their_peers_and_threshold_hides_quiet_services() {
        let g = DependencyGraph::from_links(&[
            link("web", "api", 100, 0),
            link("api", "db", 50, 0),
            link("batch", "db", 2, 0),
        ]);
        let names = |v: Vec<bool>| -> Vec<&str> {
            v.iter()
                .enumerate()
                .filter(|(_, on)| **on)
                .map(|(i, _)| g.services[i].as_str())
                .collect()
        };
        assert_eq!(names(g.visible("", 0)).len(), 4);
        assert_eq!(names(g.visible("API", 0)), vec!["api", "db", "web"]);
        assert_eq!(names(g.visible("", 10)), vec!["api", "db", "web"]);
        assert_eq!(names(g.visible("batch", 10)), Vec::<&str>::new());
    }

    #[test]
    fn neighbourhood_follows_calls_each_way_up_to_n_hops() {
        // a → b → c → d, and x → b; b → y.
        let edges = [(0, 1), (1, 2), (2, 3), (4, 1), (1, 5)];
        let (nodes, on) = neighbourhood(6, &edges, 1, 1);
        assert_eq!(nodes, vec![true, true, true, false, true, true]);
        assert_eq!(on, vec![true, true, false, true, true]);
        let (nodes, _) = neighbourhood(6, &edges, 2, 1);
        // From c: its caller b and callee d; not b's other callee y.
        assert_eq!(nodes, vec![false, true, true, true, false, false]);
        let (nodes, _) = neighbourhood(6, &edges, 2, 2);
        assert_eq!(nodes, vec![true, true, true, true, true, false]);
    }

    #[test]
    fn reads_zipkin_and_jaeger_answers_and_locates_errors() {
        let z = parse_links(br#"[{"parent":"a","child":"b","callCount":3,"errorCount":1}]"#)
            .expect("zipkin");
        assert_eq!(z, vec![link("a", "b", 3, 1)]);
        let j =
            parse_links(br#"{"data":[{"parent":"a","child":"b","callCount":3}]}"#).expect("jaeger");
        assert_eq!(j, vec![link("a", "b", 3, 0)]);
        let e = parse_links(b"[{\"parent\":\"a\",\n\"child\":7}]").expect_err("bad");
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn real_fixture_jaeger_small() {
        let bytes = fixture("jaeger-ui__dependencies-small.json");
        let links = parse_links(&bytes).expect("fixture parses");
        let g = DependencyGraph::from_links(&links);
        assert_eq!((g.services.len(), g.edges.len()), (8, 7));
        assert!(g.edges.iter().all(|e| e.errors == 0));
        let s1 = g.service("Service1").expect("Service1");
        assert_eq!(g.calls_out[s1 as usize], 30489 + 30491 + 8560);
    }

    #[test]
    fn real_fixture_kronicle_errors_exceed_calls() {
        let bytes = fixture("kronicle__zipkin-api-dependencies.json");
        let g = DependencyGraph::from_links(&parse_links(&bytes).expect("fixture parses"));
        assert_eq!((g.services.len(), g.edges.len()), (7, 5));
        assert!(g.edges.iter().all(|e| e.error_rate() > 1.0));
        // The disconnected pair stays out of test-service-1's neighbourhood.
        let pairs: Vec<(u32, u32)> = g.edges.iter().map(|e| (e.parent, e.child)).collect();
        let t = g.service("test-service-1").expect("present");
        let (nodes, _) = neighbourhood(g.services.len(), &pairs, t, 3);
        assert_eq!(nodes.iter().filter(|on| **on).count(), 5);
    }

    #[test]
    fn synthetic_links_are_deterministic_and_sized() {
        let a = synthetic_links(1000, 5000, 1);
        assert_eq!(a, synthetic_links(1000, 5000, 1));
        let g = DependencyGraph::from_links(&a);
        assert!(g.services.len() > 900, "{}", g.services.len());
        assert!(g.edges.len() > 4500, "{}", g.edges.len());
    }
}
