//! Service dependency links, computed the way Zipkin's `DependencyLinker` does:
//! build the span tree (merging duplicate halves, attaching a shared SERVER span under its CLIENT),
//! walk it breadth-first, and count a link per remote call:
//! - SERVER/CONSUMER: `remote (or nearest remote ancestor's service) → local`;
//! - CLIENT/PRODUCER: `local → remote`, but a CLIENT with children is skipped (its server side
//!   will count the call, preferring the server's own name); a CLIENT to an uninstrumented
//!   service (a database) therefore links `service → db`;
//! - a span without kind but with both service names counts as a CLIENT;
//! - messaging spans link only when both names are known;
//! - `error` tags count as errors; a server span whose parent id is its client's span id
//!   inherits the client's error (as in Zipkin, a shared server half does not).

use crate::wire::{Kind, Span};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DependencyLink {
    pub parent: String,
    pub child: String,
    pub call_count: u64,
    /// Omitted when zero, as Zipkin's encoder does.
    #[serde(skip_serializing_if = "is_zero")]
    pub error_count: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Accumulates links over many traces, keeping first-seen order like Zipkin's linked maps.
#[derive(Default)]
pub struct Linker {
    index: HashMap<(String, String), usize>,
    links: Vec<DependencyLink>,
}

impl Linker {
    fn add(&mut self, parent: &str, child: &str, error: bool) {
        let k = (parent.to_string(), child.to_string());
        let i = *self.index.entry(k).or_insert_with(|| {
            self.links.push(DependencyLink {
                parent: parent.to_string(),
                child: child.to_string(),
                call_count: 0,
                error_count: 0,
            });
            self.links.len() - 1
        });
        let link = &mut self.links[i];
        link.call_count += 1;
        if error {
            link.error_count += 1;
        }
    }

    /// Adds already-computed links (e.g. one trace's, cached), summing counts like Zipkin's
    /// `DependencyLinker.merge`.
    pub fn merge(&mut self, links: &[DependencyLink]) {
        for l in links {
            let k = (l.parent.clone(), l.child.clone());
            match self.index.get(&k) {
                Some(&i) => {
                    self.links[i].call_count += l.call_count;
                    self.links[i].error_count += l.error_count;
                }
                None => {
                    self.index.insert(k, self.links.len());
                    self.links.push(l.clone());
                }
            }
        }
    }

    #[must_use]
    pub fn links(self) -> Vec<DependencyLink> {
        self.links
    }
}

/// What the linker needs of a span, after merging reports of the same span.
#[derive(Clone, Debug)]
struct Node {
    id: String,
    parent_id: Option<String>,
    kind: Option<Kind>,
    shared: bool,
    local: Option<String>,
    remote: Option<String>,
    error: bool,
    timestamp: u64,
}

/// Merges reports of one span (same id, same side, same local service), then marks a SERVER that
/// reuses a CLIENT's id as shared even when the reporter did not say so (older tracers).
fn merge(spans: &[Span]) -> Vec<Node> {
    let client_ids: std::collections::HashSet<&str> = spans
        .iter()
        .filter(|s| s.kind == Some(Kind::Client))
        .map(|s| s.id.as_str())
        .collect();
    let mut order: Vec<Node> = Vec::new();
    let mut by_key: HashMap<(String, bool, Option<String>), usize> = HashMap::new();
    for s in spans {
        let shared =
            s.is_shared() || (s.kind == Some(Kind::Server) && client_ids.contains(s.id.as_str()));
        let local = s.local_service().map(str::to_string);
        let k = (s.id.clone(), shared, local.clone());
        match by_key.get(&k) {
            Some(&i) => {
                let n = &mut order[i];
                n.parent_id = n.parent_id.take().or_else(|| s.parent_id.clone());
                n.kind = n.kind.or(s.kind);
                n.remote = n
                    .remote
                    .take()
                    .or_else(|| s.remote_service().map(str::to_string));
                n.error |= s.tags.contains_key("error");
                if n.timestamp == 0 {
                    n.timestamp = s.timestamp.unwrap_or(0);
                }
            }
            None => {
                by_key.insert(k, order.len());
                order.push(Node {
                    id: s.id.clone(),
                    parent_id: s.parent_id.clone(),
                    kind: s.kind,
                    shared,
                    local,
                    remote: s.remote_service().map(str::to_string),
                    error: s.tags.contains_key("error"),
                    timestamp: s.timestamp.unwrap_or(0),
                });
            }
        }
    }
    order
}

/// Adds the links of one trace to `linker`.
pub fn link_trace(spans: &[Span], linker: &mut Linker) {
    if spans.is_empty() {
        return;
    }
    let nodes = merge(spans);
    let n = nodes.len();
    // Lookup of unshared spans by id, and of shared spans by (id, local service).
    let mut unshared: HashMap<&str, usize> = HashMap::new();
    let mut shared: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        if node.shared {
            shared.entry(node.id.as_str()).or_default().push(i);
        } else {
            unshared.entry(node.id.as_str()).or_insert(i);
        }
    }
    let mut parent: Vec<Option<usize>> = vec![None; n];
    for (i, node) in nodes.iter().enumerate() {
        parent[i] = if node.shared {
            // The server half hangs under its client half; failing that, under the client's
            // parent.
            unshared.get(node.id.as_str()).copied().or_else(|| {
                node.parent_id
                    .as_deref()
                    .and_then(|p| unshared.get(p).copied())
            })
        } else if let Some(p) = node.parent_id.as_deref() {
            // A child of a shared span id belongs to the server half of the same service.
            let same_service_server = shared
                .get(p)
                .and_then(|c| c.iter().copied().find(|&j| nodes[j].local == node.local));
            same_service_server
                .or_else(|| unshared.get(p).copied())
                .or_else(|| shared.get(p).and_then(|c| c.first().copied()))
        } else {
            None
        };
        if parent[i] == Some(i) {
            parent[i] = None;
        }
    }
    // The root: the earliest span without a parent. Other parentless spans (orphans whose parent
    // was never reported) hang under it, as Zipkin's tree builder does.
    let root = (0..n)
        .filter(|&i| parent[i].is_none())
        .min_by_key(|&i| (nodes[i].timestamp == 0, nodes[i].timestamp, i));
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, slot) in parent.iter_mut().enumerate() {
        match *slot {
            Some(p) => children[p].push(i),
            None if Some(i) == root => roots.push(i),
            None => match root {
                Some(r) => {
                    *slot = Some(r);
                    children[r].push(i);
                }
                None => roots.push(i),
            },
        }
    }
    // Cycles (bad data) leave spans unreachable from any root; they are simply not linked.
    if roots.is_empty() {
        return;
    }
    for c in &mut children {
        c.sort_by_key(|&i| (nodes[i].timestamp, i));
    }

    let mut queue: VecDeque<usize> = roots.iter().copied().collect();
    let mut seen = vec![false; n];
    while let Some(i) = queue.pop_front() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        queue.extend(children[i].iter().copied());
        let node = &nodes[i];
        let mut kind = node.kind;
        if kind == Some(Kind::Client) && !children[i].is_empty() {
            continue;
        }
        let local = node.local.as_deref();
        let remote = node.remote.as_deref();
        if kind.is_none() {
            if local.is_some() && remote.is_some() {
                kind = Some(Kind::Client);
            } else {
                continue;
            }
        }
        let (mut parent_name, child_name) = match kind {
            Some(Kind::Server | Kind::Consumer) => {
                if Some(i) == root && remote.is_none() {
                    continue; // root's caller is unknown
                }
                (remote, local)
            }
            _ => (local, remote),
        };
        let mut error = node.error;
        if matches!(kind, Some(Kind::Producer | Kind::Consumer)) {
            if let (Some(p), Some(c)) = (parent_name, child_name) {
                linker.add(p, c, error);
            }
            continue;
        }
        // Local spans may sit between this span and its remote parent.
        let mut ancestor = parent[i];
        while let Some(a) = ancestor {
            if nodes[a].kind.is_some() {
                break;
            }
            ancestor = parent[a];
        }
        if let Some(a) = ancestor {
            if let Some(ancestor_name) = nodes[a].local.as_deref() {
                // Instrumentation that put the remote name on the client side: backfill the
                // missing hop from the nearest remote ancestor.
                if kind == Some(Kind::Client) {
                    if let Some(l) = local {
                        if l != ancestor_name {
                            linker.add(ancestor_name, l, false);
                        }
                    }
                }
                if kind == Some(Kind::Server) || parent_name.is_none() {
                    parent_name = Some(ancestor_name);
                }
                // A server half inherits the error of its client half.
                if !error
                    && nodes[a].kind == Some(Kind::Client)
                    && node.parent_id.as_deref() == Some(nodes[a].id.as_str())
                {
                    error = nodes[a].error;
                }
            }
        }
        if let (Some(p), Some(c)) = (parent_name, child_name) {
            linker.add(p, c, error);
        }
    }
}
