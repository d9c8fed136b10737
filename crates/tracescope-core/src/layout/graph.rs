//! Layered (Sugiyama-style) layout of a directed graph, left to right: callers in columns
//! left of their callees.
//!
//! 1. **Cycles**: the greedy feedback arc set of Eades, Lin and Smyth orders the nodes
//!    (sinks to the end, sources to the front, else the node with the largest out − in
//!    degree); edges pointing backwards in that order are reversed. It reverses few edges
//!    and runs in O((V + E) log V).
//! 2. **Layers**: longest path from the sources; a source is then moved right next to its
//!    nearest callee, so it does not trail long edges.
//! 3. **Long edges** get a dummy node in every layer they cross, so every edge joins
//!    neighbouring layers.
//! 4. **Crossings**: alternating down and up sweeps order each layer by the barycenter of its
//!    neighbours in the layer before; the order with the fewest crossings (counted exactly
//!    with a Fenwick tree, O(E log V) per layer pair) is kept.
//! 5. **Coordinates**: columns are as wide as their widest node. Within a column, nodes move
//!    towards the mean of their neighbours; each move is projected back onto "keep the order,
//!    keep the gaps" by isotonic regression (pool adjacent violators), the closest placement
//!    in the least-squares sense, so nodes never overlap by construction.
//!
//! Everything is iterative, ties are broken by index, and no hashing is involved: the same
//! input gives the same output, bit for bit.

use std::collections::{BTreeSet, VecDeque};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GraphOptions {
    /// Horizontal space between columns.
    pub layer_gap: f32,
    /// Vertical space between two nodes of a column.
    pub node_gap: f32,
    /// Vertical space next to an edge passing through a column.
    pub edge_gap: f32,
    /// Most down+up sweep pairs of crossing reduction.
    pub sweeps: u32,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            layer_gap: 96.0,
            node_gap: 18.0,
            edge_gap: 6.0,
            sweeps: 8,
        }
    }
}

/// Where everything goes, in layout units (CSS pixels at zoom 1), origin at the top left.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphLayout {
    /// Column of each node.
    pub layer: Vec<u32>,
    /// Position of each node in its column, from the top.
    pub order: Vec<u32>,
    /// Centre of each node.
    pub x: Vec<f32>,
    pub y: Vec<f32>,
    /// Size of each node, as given.
    pub w: Vec<f32>,
    pub h: Vec<f32>,
    /// Per input edge: drawn against the layer direction to break a cycle.
    pub reversed: Vec<bool>,
    /// Per input edge, `points[path_start[e]..path_start[e + 1]]` is its route from the
    /// source's side to the target's side (empty for a self-loop or an invalid edge).
    /// Consecutive points are joined by a horizontal S-curve (see [`curve_controls`]).
    pub path_start: Vec<u32>,
    pub points: Vec<[f32; 2]>,
    pub width: f32,
    pub height: f32,
    pub layer_count: u32,
    pub dummy_count: u32,
    /// Edge crossings between neighbouring layers, after crossing reduction.
    pub crossings: u64,
}

impl GraphLayout {
    pub fn path(&self, edge: usize) -> &[[f32; 2]] {
        let (a, b) = (self.path_start[edge], self.path_start[edge + 1]);
        &self.points[a as usize..b as usize]
    }

    pub fn node_count(&self) -> usize {
        self.x.len()
    }
}

/// The two control points of the cubic Bézier drawn from `a` to `b`: horizontal tangents at
/// both ends, so routes leave and enter nodes sideways.
pub fn curve_controls(a: [f32; 2], b: [f32; 2]) -> ([f32; 2], [f32; 2]) {
    let mx = (a[0] + b[0]) / 2.0;
    ([mx, a[1]], [mx, b[1]])
}

/// Lays out `sizes.len()` nodes (`[width, height]`) joined by `edges` (source, target).
/// Self-loops and edges naming a node that does not exist get an empty route.
pub fn layout_graph(sizes: &[[f32; 2]], edges: &[(u32, u32)], opts: &GraphOptions) -> GraphLayout {
    let n = sizes.len();
    let valid = |&(a, b): &(u32, u32)| a != b && (a as usize) < n && (b as usize) < n;
    let reversed = feedback_arcs(n, edges);
    // The acyclic graph the layers are built on.
    let dag: Vec<(u32, u32)> = edges
        .iter()
        .zip(&reversed)
        .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
        .collect();
    let layer = assign_layers(n, &dag, &|e| valid(&edges[e]));

    // Proper layered graph: real nodes 0..n, then dummies.
    let mut lay: Vec<u32> = layer.clone();
    let mut chain_start = Vec::with_capacity(edges.len() + 1);
    let mut chains: Vec<u32> = Vec::new();
    let mut segments: Vec<(u32, u32)> = Vec::new();
    for (e, &(a, b)) in dag.iter().enumerate() {
        chain_start.push(chains.len() as u32);
        if !valid(&edges[e]) {
            continue;
        }
        chains.push(a);
        let mut prev = a;
        for l in layer[a as usize] + 1..layer[b as usize] {
            let d = lay.len() as u32;
            lay.push(l);
            segments.push((prev, d));
            chains.push(d);
            prev = d;
        }
        segments.push((prev, b));
        chains.push(b);
    }
    chain_start.push(chains.len() as u32);
    let total = lay.len();
    let layer_count = lay.iter().max().map_or(0, |&m| m + 1) as usize;
    let up = Csr::new(total, segments.iter().map(|&(a, b)| (b, a)));
    let down = Csr::new(total, segments.iter().copied());

    let mut layers: Vec<Vec<u32>> = vec![Vec::new(); layer_count];
    for (v, &l) in lay.iter().enumerate() {
        layers[l as usize].push(v as u32);
    }
    let crossings = reduce_crossings(&mut layers, &up, &down, total, opts.sweeps);
    let mut order = vec![0u32; total];
    for layer in &layers {
        for (i, &v) in layer.iter().enumerate() {
            order[v as usize] = i as u32;
        }
    }

    // Columns.
    let mut col_w = vec![0f32; layer_count];
    for (v, s) in sizes.iter().enumerate() {
        let l = layer[v] as usize;
        col_w[l] = col_w[l].max(s[0]);
    }
    let mut col_x = vec![0f32; layer_count];
    let mut at = 0.0;
    for l in 0..layer_count {
        col_x[l] = at;
        at += col_w[l] + opts.layer_gap;
    }
    let width = (at - opts.layer_gap).max(0.0);

    let height_of = |v: usize| if v < n { sizes[v][1] } else { 0.0 };
    let y = place_in_columns(&layers, &up, &down, &height_of, n, opts);
    let (mut top, mut bottom) = (f32::INFINITY, f32::NEG_INFINITY);
    for (v, &yv) in y.iter().enumerate() {
        let h = height_of(v) / 2.0;
        top = top.min(yv - h);
        bottom = bottom.max(yv + h);
    }
    if !top.is_finite() {
        (top, bottom) = (0.0, 0.0);
    }
    let y: Vec<f32> = y.iter().map(|v| v - top).collect();

    let mut x = vec![0f32; n];
    for v in 0..n {
        let l = layer[v] as usize;
        x[v] = col_x[l] + col_w[l] / 2.0;
    }
    // Routes: out of the right side of the upstream end, through each dummy's column
    // horizontally, into the left side of the downstream end.
    let mut path_start = Vec::with_capacity(edges.len() + 1);
    let mut points: Vec<[f32; 2]> = Vec::new();
    for e in 0..edges.len() {
        path_start.push(points.len() as u32);
        let chain = &chains[chain_start[e] as usize..chain_start[e + 1] as usize];
        if chain.len() < 2 {
            continue;
        }
        let first = points.len();
        let (a, b) = (chain[0] as usize, chain[chain.len() - 1] as usize);
        points.push([x[a] + sizes[a][0] / 2.0, y[a]]);
        for &d in &chain[1..chain.len() - 1] {
            let l = lay[d as usize] as usize;
            let yd = y[d as usize];
            points.push([col_x[l], yd]);
            points.push([col_x[l] + col_w[l], yd]);
        }
        points.push([x[b] - sizes[b][0] / 2.0, y[b]]);
        if reversed[e] {
            points[first..].reverse();
        }
    }
    path_start.push(points.len() as u32);

    GraphLayout {
        layer,
        order: order[..n].to_vec(),
        x,
        y: y[..n].to_vec(),
        w: sizes.iter().map(|s| s[0]).collect(),
        h: sizes.iter().map(|s| s[1]).collect(),
        reversed,
        path_start,
        points,
        width,
        height: bottom - top,
        layer_count: layer_count as u32,
        dummy_count: (total - n) as u32,
        crossings,
    }
}

/// Adjacency in compressed rows.
struct Csr {
    start: Vec<u32>,
    to: Vec<u32>,
}

impl Csr {
    fn new(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Csr {
        let mut start = vec![0u32; n + 1];
        for (a, _) in pairs.clone() {
            start[a as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut to = vec![0u32; start[n] as usize];
        for (a, b) in pairs {
            to[fill[a as usize] as usize] = b;
            fill[a as usize] += 1;
        }
        Csr { start, to }
    }

    fn of(&self, v: usize) -> &[u32] {
        &self.to[self.start[v] as usize..self.start[v + 1] as usize]
    }
}

/// Eades–Lin–Smyth: which edges to reverse so that the rest is acyclic. Self-loops and
/// invalid edges are never reversed.
fn feedback_arcs(n: usize, edges: &[(u32, u32)]) -> Vec<bool> {
    let valid = |&(a, b): &(u32, u32)| a != b && (a as usize) < n && (b as usize) < n;
    let kept = || edges.iter().copied().filter(valid);
    let out = Csr::new(n, kept());
    let inc = Csr::new(n, kept().map(|(a, b)| (b, a)));
    let mut outdeg: Vec<i64> = (0..n).map(|v| out.of(v).len() as i64).collect();
    let mut indeg: Vec<i64> = (0..n).map(|v| inc.of(v).len() as i64).collect();
    let mut removed = vec![false; n];
    // Nodes that are neither sinks nor sources, by (−(out − in), index): the first is the
    // next pick.
    let mut middle: BTreeSet<(i64, u32)> = BTreeSet::new();
    let mut in_middle = vec![false; n];
    let mut sinks: VecDeque<u32> = VecDeque::new();
    let mut sources: VecDeque<u32> = VecDeque::new();
    let classify = |v: usize,
                    outdeg: &[i64],
                    indeg: &[i64],
                    middle: &mut BTreeSet<(i64, u32)>,
                    in_middle: &mut [bool],
                    sinks: &mut VecDeque<u32>,
                    sources: &mut VecDeque<u32>| {
        if outdeg[v] == 0 {
            sinks.push_back(v as u32);
        } else if indeg[v] == 0 {
            sources.push_back(v as u32);
        } else {
            middle.insert((indeg[v] - outdeg[v], v as u32));
            in_middle[v] = true;
        }
    };
    for v in 0..n {
        classify(
            v,
            &outdeg,
            &indeg,
            &mut middle,
            &mut in_middle,
            &mut sinks,
            &mut sources,
        );
    }
    let mut front: Vec<u32> = Vec::with_capacity(n);
    let mut back: Vec<u32> = Vec::new();
    loop {
        let (v, to_front) = if let Some(v) = sinks.pop_front() {
            (v, false)
        } else if let Some(v) = sources.pop_front() {
            (v, true)
        } else if let Some(&(k, v)) = middle.iter().next() {
            middle.remove(&(k, v));
            in_middle[v as usize] = false;
            (v, true)
        } else {
            break;
        };
        let vi = v as usize;
        if removed[vi] {
            continue;
        }
        removed[vi] = true;
        if in_middle[vi] {
            middle.remove(&(indeg[vi] - outdeg[vi], v));
            in_middle[vi] = false;
        }
        if to_front {
            front.push(v);
        } else {
            back.push(v);
        }
        // Neighbours lose an edge; one that is still "middle" may now be a sink or source.
        for (list, is_out) in [(out.of(vi), true), (inc.of(vi), false)] {
            for &w in list {
                let wi = w as usize;
                if removed[wi] {
                    continue;
                }
                let was_middle = in_middle[wi];
                if was_middle {
                    middle.remove(&(indeg[wi] - outdeg[wi], w));
                    in_middle[wi] = false;
                }
                if is_out {
                    indeg[wi] -= 1;
                } else {
                    outdeg[wi] -= 1;
                }
                if was_middle {
                    classify(
                        wi,
                        &outdeg,
                        &indeg,
                        &mut middle,
                        &mut in_middle,
                        &mut sinks,
                        &mut sources,
                    );
                }
            }
        }
    }
    back.reverse();
    front.extend(back);
    // The greedy order leaves easy wins: move single nodes to where they close the fewest
    // backward arcs (sifting), a few rounds while it helps. O(V²) a round, so only for
    // graphs of services, not of millions.
    if n <= 5000 {
        for _ in 0..4 {
            if !sift(&mut front, &out, &inc) {
                break;
            }
        }
    }
    let mut pos = vec![0u32; n];
    for (i, &v) in front.iter().enumerate() {
        pos[v as usize] = i as u32;
    }
    edges
        .iter()
        .map(|e| valid(e) && pos[e.0 as usize] > pos[e.1 as usize])
        .collect()
}

/// One round of sifting: each node in turn is moved to the position in `order` with the
/// fewest backward arcs at it (the first such, or where it is when that is as good).
/// Returns whether anything moved.
fn sift(order: &mut Vec<u32>, out: &Csr, inc: &Csr) -> bool {
    let n = order.len();
    // +1 per arc v → u, −1 per arc u → v: what passing u changes for v.
    let mut delta = vec![0i64; n];
    let mut moved = false;
    let nodes: Vec<u32> = order.clone();
    for v in nodes {
        let vi = v as usize;
        let Some(at) = order.iter().position(|&w| w == v) else {
            continue;
        };
        order.remove(at);
        for &u in out.of(vi) {
            delta[u as usize] += 1;
        }
        for &u in inc.of(vi) {
            delta[u as usize] -= 1;
        }
        // At the front, every arc into v is backward.
        let mut cost = inc.of(vi).iter().filter(|&&u| u != v).count() as i64;
        let (mut best, mut best_at) = (cost, 0usize);
        let mut current = if at == 0 { cost } else { i64::MAX };
        for (i, &u) in order.iter().enumerate() {
            cost += delta[u as usize];
            if cost < best {
                (best, best_at) = (cost, i + 1);
            }
            if i + 1 == at {
                current = cost;
            }
        }
        let place = if current <= best { at } else { best_at };
        moved |= place != at;
        order.insert(place, v);
        for &u in out.of(vi).iter().chain(inc.of(vi)) {
            delta[u as usize] = 0;
        }
    }
    moved
}

/// Longest path from the sources over an acyclic edge list, then sources pulled right up to
/// their nearest successor.
fn assign_layers(n: usize, dag: &[(u32, u32)], valid: &dyn Fn(usize) -> bool) -> Vec<u32> {
    let kept = || {
        dag.iter()
            .enumerate()
            .filter(|(e, _)| valid(*e))
            .map(|(_, &p)| p)
    };
    let out = Csr::new(n, kept());
    let mut indeg = vec![0u32; n];
    for (_, b) in kept() {
        indeg[b as usize] += 1;
    }
    let mut layer = vec![0u32; n];
    let mut queue: VecDeque<u32> = (0..n as u32).filter(|&v| indeg[v as usize] == 0).collect();
    let sources: Vec<u32> = queue.iter().copied().collect();
    while let Some(v) = queue.pop_front() {
        for &w in out.of(v as usize) {
            let wi = w as usize;
            layer[wi] = layer[wi].max(layer[v as usize] + 1);
            indeg[wi] -= 1;
            if indeg[wi] == 0 {
                queue.push_back(w);
            }
        }
    }
    for v in sources {
        if let Some(m) = out.of(v as usize).iter().map(|&w| layer[w as usize]).min() {
            layer[v as usize] = m - 1;
        }
    }
    layer
}

/// Orders each layer to reduce crossings; returns the crossings of the order kept.
fn reduce_crossings(
    layers: &mut [Vec<u32>],
    up: &Csr,
    down: &Csr,
    total: usize,
    sweeps: u32,
) -> u64 {
    let mut pos = vec![0f64; total];
    let set_pos = |layer: &[u32], pos: &mut [f64]| {
        for (i, &v) in layer.iter().enumerate() {
            pos[v as usize] = i as f64;
        }
    };
    for layer in layers.iter() {
        set_pos(layer, &mut pos);
    }
    // A first down sweep turns the index order into a sensible start.
    sweep(layers, up, &mut pos, true);
    let mut best = layers.to_vec();
    let mut best_count = count_crossings(layers, down, &pos);
    let mut stale = 0;
    for _ in 0..sweeps {
        if best_count == 0 {
            break;
        }
        sweep(layers, down, &mut pos, false);
        sweep(layers, up, &mut pos, true);
        let c = count_crossings(layers, down, &pos);
        if c < best_count {
            best_count = c;
            best.clone_from_slice(layers);
            stale = 0;
        } else {
            stale += 1;
            if stale >= 2 {
                break;
            }
        }
    }
    layers.clone_from_slice(&best);
    best_count
}

/// One sweep: each layer (top-down when `downwards`, using the layer before) sorted by the
/// barycenter of its neighbours there; a node without neighbours keeps its position.
fn sweep(layers: &mut [Vec<u32>], adj: &Csr, pos: &mut [f64], downwards: bool) {
    let count = layers.len();
    let mut keyed: Vec<(f64, f64, u32)> = Vec::new();
    for k in 1..count {
        let l = if downwards { k } else { count - 1 - k };
        keyed.clear();
        for &v in &layers[l] {
            let ns = adj.of(v as usize);
            let own = pos[v as usize];
            let key = if ns.is_empty() {
                own
            } else {
                ns.iter().map(|&u| pos[u as usize]).sum::<f64>() / ns.len() as f64
            };
            keyed.push((key, own, v));
        }
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for (i, &(_, _, v)) in keyed.iter().enumerate() {
            layers[l][i] = v;
            pos[v as usize] = i as f64;
        }
    }
}

/// Crossings between every pair of neighbouring layers.
fn count_crossings(layers: &[Vec<u32>], down: &Csr, pos: &[f64]) -> u64 {
    let mut total = 0u64;
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for l in 0..layers.len().saturating_sub(1) {
        pairs.clear();
        for &v in &layers[l] {
            for &w in down.of(v as usize) {
                pairs.push((pos[v as usize] as u32, pos[w as usize] as u32));
            }
        }
        pairs.sort_unstable();
        // Inversions among the lower ends: a Fenwick tree over the lower layer.
        let size = layers[l + 1].len() + 1;
        let mut tree = vec![0u32; size];
        for (seen, &(_, b)) in pairs.iter().enumerate() {
            // How many earlier pairs end at or before b …
            let mut i = b as usize + 1;
            let mut le = 0u64;
            while i > 0 {
                le += u64::from(tree[i]);
                i &= i - 1;
            }
            // … the rest end after it and cross.
            total += seen as u64 - le;
            let mut i = b as usize + 1;
            while i < size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// Vertical centres of every node (real and dummy), column by column.
fn place_in_columns(
    layers: &[Vec<u32>],
    up: &Csr,
    down: &Csr,
    height_of: &dyn Fn(usize) -> f32,
    real: usize,
    opts: &GraphOptions,
) -> Vec<f32> {
    let total = up.start.len() - 1;
    let mut y = vec![0f32; total];
    let gap = |a: u32, b: u32| {
        let (a, b) = (a as usize, b as usize);
        let g = if a < real && b < real {
            opts.node_gap
        } else {
            opts.edge_gap
        };
        (height_of(a) + height_of(b)) / 2.0 + g
    };
    // Start packed, centred on 0 so columns of different heights line up in the middle.
    let mut seps: Vec<Vec<f32>> = Vec::with_capacity(layers.len());
    for layer in layers {
        let s: Vec<f32> = layer.windows(2).map(|w| gap(w[0], w[1])).collect();
        let span: f32 = s.iter().sum();
        let mut at = -span / 2.0;
        for (i, &v) in layer.iter().enumerate() {
            y[v as usize] = at;
            if i < s.len() {
                at += s[i];
            }
        }
        seps.push(s);
    }
    let mut desired: Vec<f32> = Vec::new();
    let mut placed: Vec<f32> = Vec::new();
    let mut align = |l: usize, y: &mut [f32], adj: &[&Csr]| {
        desired.clear();
        for &v in &layers[l] {
            let (mut sum, mut k) = (0f32, 0u32);
            for a in adj {
                for &u in a.of(v as usize) {
                    sum += y[u as usize];
                    k += 1;
                }
            }
            desired.push(if k == 0 {
                y[v as usize]
            } else {
                sum / k as f32
            });
        }
        project(&desired, &seps[l], &mut placed);
        for (i, &v) in layers[l].iter().enumerate() {
            y[v as usize] = placed[i];
        }
    };
    let count = layers.len();
    for _ in 0..4 {
        for l in 1..count {
            align(l, &mut y, &[up]);
        }
        for l in (0..count.saturating_sub(1)).rev() {
            align(l, &mut y, &[down]);
        }
    }
    for l in 0..count {
        align(l, &mut y, &[up, down]);
    }
    y
}

/// The positions closest (least squares) to `desired` that keep the order and at least
/// `seps[i]` between positions `i` and `i + 1`: isotonic regression by pooling adjacent
/// violators, on positions with the gaps taken out.
fn project(desired: &[f32], seps: &[f32], out: &mut Vec<f32>) {
    out.clear();
    let mut offset = Vec::with_capacity(desired.len());
    let mut c = 0f64;
    for i in 0..desired.len() {
        offset.push(c);
        if i < seps.len() {
            c += f64::from(seps[i]);
        }
    }
    // Blocks of (sum of targets, count).
    let mut blocks: Vec<(f64, f64)> = Vec::new();
    for (i, &d) in desired.iter().enumerate() {
        blocks.push((f64::from(d) - offset[i], 1.0));
        while blocks.len() > 1 {
            let (s1, n1) = blocks[blocks.len() - 1];
            let (s0, n0) = blocks[blocks.len() - 2];
            if s0 / n0 <= s1 / n1 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (s0 + s1, n0 + n1);
        }
    }
    let mut i = 0;
    for (s, k) in blocks {
        let mean = s / k;
        for _ in 0..k as usize {
            out.push((mean + offset[i]) as f32);
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random graph: `tiers` of services, each calling a few in the
    /// tiers below, with some calls back up (cycles) and self-calls.
    pub(crate) fn graph(n: usize, m: usize, seed: u64) -> (Vec<[f32; 2]>, Vec<(u32, u32)>) {
        let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let sizes = (0..n)
            .map(|_| {
                [
                    40.0 + (next() % 120) as f32,
                    24.0 + (next() % 3) as f32 * 8.0,
                ]
            })
            .collect();
        let mut edges = Vec::with_capacity(m);
        for _ in 0..m {
            let a = (next() % n as u64) as u32;
            let b = (next() % n as u64) as u32;
            edges.push((a, b));
        }
        (sizes, edges)
    }

    fn check_invariants(sizes: &[[f32; 2]], edges: &[(u32, u32)], g: &GraphLayout) {
        let n = sizes.len();
        // No overlaps: nodes of one column are apart vertically, columns apart horizontally.
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by(|&a, &b| g.x[a].total_cmp(&g.x[b]).then(g.y[a].total_cmp(&g.y[b])));
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (idx[i], idx[j]);
                let apart_x = (g.x[a] - g.x[b]).abs() >= (g.w[a] + g.w[b]) / 2.0;
                let apart_y = (g.y[a] - g.y[b]).abs() >= (g.h[a] + g.h[b]) / 2.0 - 1e-3;
                assert!(apart_x || apart_y, "nodes {a} and {b} overlap");
            }
        }
        for (e, &(a, b)) in edges.iter().enumerate() {
            let (la, lb) = (g.layer[a as usize], g.layer[b as usize]);
            if a == b {
                assert!(!g.reversed[e]);
                assert!(g.path(e).is_empty());
            } else if g.reversed[e] {
                assert!(la > lb, "reversed edge {e} must point up the layers");
            } else {
                assert!(lb > la, "edge {e} must point down the layers");
            }
            for p in g.path(e) {
                assert!(p[0].is_finite() && p[1].is_finite());
            }
        }
        for v in 0..n {
            assert!(g.y[v] - g.h[v] / 2.0 >= -1e-3 && g.y[v] + g.h[v] / 2.0 <= g.height + 1e-3);
            assert!(g.x[v] - g.w[v] / 2.0 >= -1e-3 && g.x[v] + g.w[v] / 2.0 <= g.width + 1e-3);
        }
    }

    #[test]
    fn invariants_hold_on_random_graphs() {
        for seed in 1..30 {
            let n = 2 + (seed as usize * 7) % 60;
            let m = (seed as usize * 13) % 200;
            let (sizes, edges) = graph(n, m, seed);
            let g = layout_graph(&sizes, &edges, &GraphOptions::default());
            check_invariants(&sizes, &edges, &g);
        }
    }

    #[test]
    fn output_is_deterministic() {
        let (sizes, edges) = graph(200, 900, 42);
        let a = layout_graph(&sizes, &edges, &GraphOptions::default());
        let b = layout_graph(&sizes, &edges, &GraphOptions::default());
        assert_eq!(a, b);
    }

    #[test]
    fn a_chain_is_a_row_and_a_cycle_reverses_one_edge() {
        let sizes = vec![[50.0, 20.0]; 3];
        let g = layout_graph(&sizes, &[(0, 1), (1, 2)], &GraphOptions::default());
        assert_eq!(g.layer, vec![0, 1, 2]);
        assert_eq!(g.crossings, 0);
        assert!((g.y[0] - g.y[2]).abs() < 1e-3, "a chain is straight");
        let g = layout_graph(&sizes, &[(0, 1), (1, 2), (2, 0)], &GraphOptions::default());
        assert_eq!(g.reversed.iter().filter(|r| **r).count(), 1);
        // Two services calling each other: one edge reversed.
        let g = layout_graph(&sizes[..2], &[(0, 1), (1, 0)], &GraphOptions::default());
        assert_eq!(g.reversed, vec![false, true]);
    }

    #[test]
    fn acyclic_input_reverses_nothing() {
        // A DAG given in an order that is not topological.
        let sizes = vec![[30.0, 20.0]; 6];
        let edges = [(5, 4), (4, 3), (5, 2), (2, 1), (1, 0), (3, 0), (5, 0)];
        let g = layout_graph(&sizes, &edges, &GraphOptions::default());
        assert!(g.reversed.iter().all(|r| !r));
        check_invariants(&sizes, &edges, &g);
        // The long edge 5 → 0 passes through dummies, entering 0 from the left.
        let p = g.path(6);
        assert!(p.len() > 2);
        assert!(p[0][0] < p[p.len() - 1][0]);
    }

    #[test]
    fn crossings_are_removed_when_possible() {
        // K(2,2)-free bipartite graph given crossed: 0→3, 1→2.
        let sizes = vec![[30.0, 20.0]; 4];
        let g = layout_graph(&sizes, &[(0, 3), (1, 2)], &GraphOptions::default());
        assert_eq!(g.crossings, 0);
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        let g = layout_graph(&[], &[], &GraphOptions::default());
        assert_eq!(g.node_count(), 0);
        assert_eq!(g.path_start, vec![0]);
        let g = layout_graph(&[[10.0, 10.0]], &[(0, 0), (0, 7)], &GraphOptions::default());
        assert_eq!(g.reversed, vec![false, false]);
        assert!(g.path(0).is_empty() && g.path(1).is_empty());
    }

    #[test]
    fn projection_keeps_order_and_gaps() {
        let mut out = Vec::new();
        project(&[0.0, 0.0, 0.0], &[10.0, 10.0], &mut out);
        assert_eq!(out, vec![-10.0, 0.0, 10.0]);
        project(&[0.0, 100.0], &[10.0], &mut out);
        assert_eq!(out, vec![0.0, 100.0]);
    }

    #[test]
    fn a_thousand_services_and_five_thousand_calls() {
        let (sizes, edges) = graph(1000, 5000, 7);
        let g = layout_graph(&sizes, &edges, &GraphOptions::default());
        check_invariants(&sizes, &edges, &g);
    }
}
