//! The dependency view-model: which services and calls are shown (filter, threshold), their
//! boxes and routes from [`super::graph`], the camera (zoom, pan, fit) and hit testing.
//! Computed from a small [`DependencyRequest`]; the camera and the selection only change
//! how it is drawn.

use crate::derive::dependency_graph::{neighbourhood, DependencyGraph};
use crate::draw::CHAR_PX;

use super::graph::{curve_controls, layout_graph, GraphLayout, GraphOptions};

/// What decides the layout; equal requests give equal scenes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DependencyRequest {
    /// Show services whose name contains this (and their direct peers); empty: all.
    pub filter: String,
    /// Hide services with fewer calls (in + out) than this.
    pub min_calls: u64,
}

/// Node boxes: a name line and a traffic line.
pub const NODE_MIN_HEIGHT: f32 = 34.0;
/// Extra height for the busiest service (by log of its traffic).
pub const NODE_GROWTH: f32 = 14.0;
const NODE_PAD: f32 = 12.0;
/// Longest name drawn in full, in characters.
pub const NAME_CHARS: usize = 32;
/// Edge width in layout units, thinnest and thickest (by log of calls).
pub const EDGE_MIN_WIDTH: f32 = 1.0;
pub const EDGE_MAX_WIDTH: f32 = 7.0;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DependencyScene {
    /// Graph service index of each shown node.
    pub nodes: Vec<u32>,
    /// The name as drawn (cut to [`NAME_CHARS`]) and the traffic line.
    pub name: Vec<String>,
    pub traffic: Vec<String>,
    /// Graph edge index of each shown edge, and its ends as scene node indices.
    pub edges: Vec<u32>,
    pub ends: Vec<(u32, u32)>,
    /// Width in layout units (by calls).
    pub edge_width: Vec<f32>,
    /// Bounding box of each edge's route (x0, y0, x1, y1), for culling and hit tests.
    pub edge_box: Vec<[f32; 4]>,
    pub layout: GraphLayout,
}

impl DependencyScene {
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Scene index of a graph service, when shown.
    pub fn node_of(&self, service: u32) -> Option<usize> {
        self.nodes.iter().position(|&s| s == service)
    }

    /// Nodes and edges within `hops` calls of `node`, each way (see [`neighbourhood`]).
    pub fn neighbourhood(&self, node: usize, hops: u32) -> (Vec<bool>, Vec<bool>) {
        neighbourhood(self.nodes.len(), &self.ends, node as u32, hops)
    }
}

/// Calls as a short number: `999`, `12.3k`, `4.5M`.
pub fn short_count(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => format!("{:.1}k", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}

fn cut(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        name.to_string()
    } else {
        name.chars().take(NAME_CHARS - 1).chain(['…']).collect()
    }
}

/// Lays out the part of `g` that `req` shows.
pub fn dependency_scene(g: &DependencyGraph, req: &DependencyRequest) -> DependencyScene {
    let show = g.visible(&req.filter, req.min_calls);
    let mut index = vec![u32::MAX; g.services.len()];
    let mut nodes = Vec::new();
    for (s, on) in show.iter().enumerate() {
        if *on {
            index[s] = nodes.len() as u32;
            nodes.push(s as u32);
        }
    }
    let traffic: Vec<u64> = nodes.iter().map(|&s| g.traffic(s)).collect();
    let busiest = traffic.iter().copied().max().unwrap_or(0);
    let log_ratio = |v: u64, max: u64| {
        if max <= 1 {
            0.0
        } else {
            ((v.max(1) as f64).ln() / (max as f64).ln()).clamp(0.0, 1.0) as f32
        }
    };
    let name: Vec<String> = nodes
        .iter()
        .map(|&s| cut(&g.services[s as usize]))
        .collect();
    let traffic_label: Vec<String> = traffic
        .iter()
        .map(|&t| format!("{} call{}", short_count(t), if t == 1 { "" } else { "s" }))
        .collect();
    let sizes: Vec<[f32; 2]> = (0..nodes.len())
        .map(|i| {
            let chars = name[i]
                .chars()
                .count()
                .max(traffic_label[i].chars().count());
            // Bold names run a little wider than the estimate.
            let w = chars as f32 * (CHAR_PX + 0.6) + 2.0 * NODE_PAD;
            let h = NODE_MIN_HEIGHT + NODE_GROWTH * log_ratio(traffic[i], busiest);
            [w.round(), h.round()]
        })
        .collect();
    let mut edges = Vec::new();
    let mut ends = Vec::new();
    for (e, ge) in g.edges.iter().enumerate() {
        let (a, b) = (index[ge.parent as usize], index[ge.child as usize]);
        if a != u32::MAX && b != u32::MAX {
            edges.push(e as u32);
            ends.push((a, b));
        }
    }
    let max_calls = edges
        .iter()
        .map(|&e| g.edges[e as usize].calls)
        .max()
        .unwrap_or(0);
    let edge_width = edges
        .iter()
        .map(|&e| {
            EDGE_MIN_WIDTH
                + (EDGE_MAX_WIDTH - EDGE_MIN_WIDTH)
                    * log_ratio(g.edges[e as usize].calls, max_calls)
        })
        .collect();
    let layout = layout_graph(&sizes, &ends, &GraphOptions::default());
    let edge_box = (0..ends.len())
        .map(|e| {
            let (a, b) = ends[e];
            if a == b {
                return self_loop_box(&layout, a as usize);
            }
            let mut bx = [
                f32::INFINITY,
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::NEG_INFINITY,
            ];
            for p in layout.path(e) {
                bx = [
                    bx[0].min(p[0]),
                    bx[1].min(p[1]),
                    bx[2].max(p[0]),
                    bx[3].max(p[1]),
                ];
            }
            bx
        })
        .collect();
    DependencyScene {
        nodes,
        name,
        traffic: traffic_label,
        edges,
        ends,
        edge_width,
        edge_box,
        layout,
    }
}

/// The loop drawn for a service calling itself: above its top right corner.
pub fn self_loop(l: &GraphLayout, v: usize) -> [[f32; 2]; 4] {
    let (right, top) = (l.x[v] + l.w[v] / 2.0, l.y[v] - l.h[v] / 2.0);
    [
        [right - 14.0, top],
        [right - 14.0, top - 22.0],
        [right + 16.0, top - 22.0],
        [right, top + 8.0],
    ]
}

fn self_loop_box(l: &GraphLayout, v: usize) -> [f32; 4] {
    let p = self_loop(l, v);
    [p[0][0], p[1][1], p[2][0], p[3][1]]
}

/// World (layout units) to screen (CSS pixels): `screen = world × scale + offset`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    pub scale: f32,
    pub x: f32,
    pub y: f32,
}

pub const MIN_SCALE: f32 = 0.02;
pub const MAX_SCALE: f32 = 4.0;

impl Default for Camera {
    fn default() -> Self {
        Camera {
            scale: 1.0,
            x: 0.0,
            y: 0.0,
        }
    }
}

impl Camera {
    /// The whole scene centred in a `width × height` view with a margin, never magnified
    /// beyond 1.25 (a small graph stays readable-size, not huge).
    pub fn fit(scene: &DependencyScene, width: f32, height: f32) -> Camera {
        let margin = 32.0;
        let (lw, lh) = (
            scene.layout.width.max(1.0),
            scene.layout.height.max(1.0) + 30.0,
        );
        let scale = ((width - 2.0 * margin) / lw)
            .min((height - 2.0 * margin) / lh)
            .clamp(MIN_SCALE, 1.25);
        Camera {
            scale,
            x: (width - lw * scale) / 2.0,
            // Room above for self-loops.
            y: (height - lh * scale) / 2.0 + 30.0 * scale,
        }
    }

    pub fn screen(&self, p: [f32; 2]) -> [f32; 2] {
        [p[0] * self.scale + self.x, p[1] * self.scale + self.y]
    }

    pub fn world(&self, sx: f32, sy: f32) -> [f32; 2] {
        [(sx - self.x) / self.scale, (sy - self.y) / self.scale]
    }

    /// Zooms by `factor` keeping the world point under (`sx`, `sy`) in place.
    pub fn zoom_at(&mut self, sx: f32, sy: f32, factor: f32) {
        let w = self.world(sx, sy);
        self.scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        self.x = sx - w[0] * self.scale;
        self.y = sy - w[1] * self.scale;
    }

    pub fn pan(&mut self, dx: f32, dy: f32) {
        self.x += dx;
        self.y += dy;
    }
}

/// The node under a screen point.
pub fn node_at(scene: &DependencyScene, cam: &Camera, sx: f32, sy: f32) -> Option<usize> {
    let [x, y] = cam.world(sx, sy);
    let l = &scene.layout;
    (0..scene.node_count())
        .find(|&v| (x - l.x[v]).abs() <= l.w[v] / 2.0 && (y - l.y[v]).abs() <= l.h[v] / 2.0)
}

/// The edge nearest a screen point, within a few pixels of its drawn curve.
pub fn edge_at(scene: &DependencyScene, cam: &Camera, sx: f32, sy: f32) -> Option<usize> {
    let [x, y] = cam.world(sx, sy);
    let slack = 5.0 / cam.scale;
    let mut best: Option<(f32, usize)> = None;
    for e in 0..scene.edge_count() {
        let b = scene.edge_box[e];
        let reach = slack + scene.edge_width[e] / 2.0;
        if x < b[0] - reach || x > b[2] + reach || y < b[1] - reach || y > b[3] + reach {
            continue;
        }
        let d = edge_distance(scene, e, [x, y]);
        if d <= reach && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, e));
        }
    }
    best.map(|(_, e)| e)
}

/// Distance from `p` to the drawn route of edge `e` (curves sampled as 12 segments).
fn edge_distance(scene: &DependencyScene, e: usize, p: [f32; 2]) -> f32 {
    let (a, b) = scene.ends[e];
    let mut best = f32::INFINITY;
    let mut curve = |p0: [f32; 2], c1: [f32; 2], c2: [f32; 2], p3: [f32; 2]| {
        let mut prev = p0;
        for k in 1..=12 {
            let t = k as f32 / 12.0;
            let u = 1.0 - t;
            let q = [
                u * u * u * p0[0]
                    + 3.0 * u * u * t * c1[0]
                    + 3.0 * u * t * t * c2[0]
                    + t * t * t * p3[0],
                u * u * u * p0[1]
                    + 3.0 * u * u * t * c1[1]
                    + 3.0 * u * t * t * c2[1]
                    + t * t * t * p3[1],
            ];
            best = best.min(segment_distance(p, prev, q));
            prev = q;
        }
    };
    if a == b {
        let s = self_loop(&scene.layout, a as usize);
        curve(s[0], s[1], s[2], s[3]);
    } else {
        for w in scene.layout.path(e).windows(2) {
            let (c1, c2) = curve_controls(w[0], w[1]);
            curve(w[0], c1, c2, w[1]);
        }
    }
    best
}

fn segment_distance(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    (qx * qx + qy * qy).sqrt()
}

/// Error rate of a call, as the view colours it: at or above `high` is an error colour, at
/// or above `low` a warning colour (Zipkin Lens's `lowErrorRate` / `highErrorRate`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErrorRates {
    pub low: f64,
    pub high: f64,
}

impl Default for ErrorRates {
    fn default() -> Self {
        // Zipkin's defaults (zipkin.ui.dependency.low-error-rate / high-error-rate).
        ErrorRates {
            low: 0.5,
            high: 0.75,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Health {
    Normal,
    Warning,
    Failing,
}

impl ErrorRates {
    pub fn health(&self, rate: f64) -> Health {
        if rate > 0.0 && rate >= self.high {
            Health::Failing
        } else if rate > 0.0 && rate >= self.low {
            Health::Warning
        } else {
            Health::Normal
        }
    }
}

/// Tooltip text of a shown edge.
pub fn edge_tooltip(g: &DependencyGraph, scene: &DependencyScene, e: usize) -> String {
    let ge = &g.edges[scene.edges[e] as usize];
    format!(
        "{} → {}\n{} calls · {} errors ({:.1}%)",
        g.services[ge.parent as usize],
        g.services[ge.child as usize],
        ge.calls,
        ge.errors,
        ge.error_rate() * 100.0
    )
}

/// Tooltip text of a shown node.
pub fn node_tooltip(g: &DependencyGraph, scene: &DependencyScene, v: usize) -> String {
    let s = scene.nodes[v] as usize;
    format!(
        "{}\n{} calls in · {} errors\n{} calls out · {} errors",
        g.services[s], g.calls_in[s], g.errors_in[s], g.calls_out[s], g.errors_out[s]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::dependency_graph::synthetic_links;
    use crate::derive::DependencyLink;

    fn link(p: &str, c: &str, calls: u64) -> DependencyLink {
        DependencyLink {
            parent: p.into(),
            child: c.into(),
            call_count: calls,
            error_count: 0,
        }
    }

    #[test]
    fn scene_shows_what_the_request_asks_and_hit_tests_hit() {
        let g = DependencyGraph::from_links(&[
            link("web", "api", 1000),
            link("api", "db", 10),
            link("api", "api", 5),
            link("cron", "db", 1),
        ]);
        let all = dependency_scene(&g, &DependencyRequest::default());
        assert_eq!((all.node_count(), all.edge_count()), (4, 4));
        let busy = dependency_scene(
            &g,
            &DependencyRequest {
                filter: String::new(),
                min_calls: 5,
            },
        );
        assert_eq!((busy.node_count(), busy.edge_count()), (3, 3));
        let cam = Camera::fit(&all, 800.0, 600.0);
        let api = all.node_of(g.service("api").expect("api")).expect("shown");
        let c = cam.screen([all.layout.x[api], all.layout.y[api]]);
        assert_eq!(node_at(&all, &cam, c[0], c[1]), Some(api));
        // The middle of the web → api route.
        let e = (0..all.edge_count())
            .find(|&e| g.edges[all.edges[e] as usize].calls == 1000)
            .expect("edge");
        let p = all.layout.path(e);
        let (c1, c2) = curve_controls(p[0], p[p.len() - 1]);
        let mid = [
            (p[0][0] + 3.0 * c1[0] + 3.0 * c2[0] + p[p.len() - 1][0]) / 8.0,
            (p[0][1] + 3.0 * c1[1] + 3.0 * c2[1] + p[p.len() - 1][1]) / 8.0,
        ];
        let s = cam.screen(mid);
        assert_eq!(edge_at(&all, &cam, s[0], s[1]), Some(e));
        assert_eq!(node_at(&all, &cam, -50.0, -50.0), None);
    }

    #[test]
    fn camera_zoom_keeps_the_point_under_the_cursor() {
        let mut cam = Camera::default();
        let before = cam.world(200.0, 100.0);
        cam.zoom_at(200.0, 100.0, 2.5);
        let after = cam.world(200.0, 100.0);
        assert!((before[0] - after[0]).abs() < 1e-3 && (before[1] - after[1]).abs() < 1e-3);
        cam.zoom_at(0.0, 0.0, 1e9);
        assert_eq!(cam.scale, MAX_SCALE);
    }

    #[test]
    fn fit_puts_the_whole_scene_on_screen() {
        let g = DependencyGraph::from_links(&synthetic_links(300, 1200, 3));
        let s = dependency_scene(&g, &DependencyRequest::default());
        let cam = Camera::fit(&s, 1200.0, 800.0);
        for v in 0..s.node_count() {
            let p = cam.screen([s.layout.x[v], s.layout.y[v]]);
            assert!(p[0] >= 0.0 && p[0] <= 1200.0 && p[1] >= 0.0 && p[1] <= 800.0);
        }
    }

    #[test]
    fn error_rates_colour_like_lens() {
        let r = ErrorRates::default();
        assert_eq!(r.health(0.0), Health::Normal);
        assert_eq!(r.health(0.49), Health::Normal);
        assert_eq!(r.health(0.5), Health::Warning);
        assert_eq!(r.health(0.8), Health::Failing);
        assert_eq!(r.health(1.1), Health::Failing);
        assert_eq!(short_count(12_345), "12.3k");
    }
}
