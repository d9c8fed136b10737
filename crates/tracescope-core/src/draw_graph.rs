//! Painting a laid-out dependency scene through a [`GraphPainter`]: the app implements it on
//! a 2D canvas, tests by recording calls. Only what is on screen is painted; edges of one
//! style go into one path, stroked once, so a frame of 5,000 edges is a few dozen strokes.

use crate::derive::dependency_graph::DependencyGraph;
use crate::layout::color::{mix, service_color, Theme};
use crate::layout::dependency::{self_loop, Camera, DependencyScene, ErrorRates, Health};
use crate::layout::graph::curve_controls;

/// Path and text operations in CSS pixels.
pub trait GraphPainter {
    fn clear(&mut self, width: f32, height: f32, color: u32);
    fn begin_path(&mut self);
    fn move_to(&mut self, p: [f32; 2]);
    fn line_to(&mut self, p: [f32; 2]);
    fn curve_to(&mut self, c1: [f32; 2], c2: [f32; 2], p: [f32; 2]);
    fn round_rect(&mut self, x: f32, y: f32, w: f32, h: f32, r: f32);
    fn stroke(&mut self, color: u32, width: f32, alpha: f32);
    fn fill(&mut self, color: u32, alpha: f32);
    /// Text centred on (`x`, `y`).
    fn text(&mut self, x: f32, y: f32, text: &str, style: GraphText);
}

/// How a label is drawn: `size` pixels high.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GraphText {
    pub size: f32,
    pub bold: bool,
    pub color: u32,
    pub alpha: f32,
}

/// What to emphasise, by scene index.
#[derive(Clone, Copy, Debug, Default)]
pub struct GraphMarks<'a> {
    pub selected: Option<usize>,
    pub hovered_node: Option<usize>,
    pub hovered_edge: Option<usize>,
    /// The selection's neighbourhood (nodes, edges): everything else is dimmed.
    pub lit: Option<(&'a [bool], &'a [bool])>,
}

/// Opacity of what is outside the selection's neighbourhood.
pub const DIM_ALPHA: f32 = 0.15;
/// Below this zoom, routes are drawn with straight segments.
pub const COARSE_SCALE: f32 = 0.3;
/// Below this zoom, names are not drawn (they would be unreadable).
pub const LABEL_MIN_SCALE: f32 = 0.4;

pub fn health_color(h: Health, theme: &Theme) -> u32 {
    match h {
        Health::Normal => mix(theme.muted, theme.background, 0.3),
        Health::Warning => 0xe0a500,
        Health::Failing => theme.error,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn paint_dependency_graph(
    p: &mut impl GraphPainter,
    g: &DependencyGraph,
    scene: &DependencyScene,
    cam: &Camera,
    width: f32,
    height: f32,
    theme: &Theme,
    rates: ErrorRates,
    marks: GraphMarks<'_>,
) {
    p.clear(width, height, theme.background);
    let l = &scene.layout;
    let on_screen = |b: [f32; 4]| {
        let a = cam.screen([b[0], b[1]]);
        let z = cam.screen([b[2], b[3]]);
        z[0] >= -20.0 && a[0] <= width + 20.0 && z[1] >= -20.0 && a[1] <= height + 20.0
    };
    let edge_lit = |e: usize| marks.lit.is_none_or(|(_, edges)| edges[e]);
    let node_lit = |v: usize| marks.lit.is_none_or(|(nodes, _)| nodes[v]);

    // Edges, batched by style: (lit, health, hovered, width in half pixels).
    let mut batch: Vec<(bool, Health, bool, u32, u32)> = Vec::with_capacity(scene.edge_count());
    for e in 0..scene.edge_count() {
        if !on_screen(scene.edge_box[e]) {
            continue;
        }
        let ge = &g.edges[scene.edges[e] as usize];
        let hovered = marks.hovered_edge == Some(e);
        let w = (scene.edge_width[e] * cam.scale).max(0.75) + if hovered { 2.0 } else { 0.0 };
        batch.push((
            edge_lit(e),
            rates.health(ge.error_rate()),
            hovered,
            (w * 2.0).round() as u32,
            e as u32,
        ));
    }
    // Dim first, lit and hovered last (on top).
    batch.sort_unstable();
    let mut i = 0;
    while i < batch.len() {
        let key = (batch[i].0, batch[i].1, batch[i].2, batch[i].3);
        let mut j = i;
        while j < batch.len() && (batch[j].0, batch[j].1, batch[j].2, batch[j].3) == key {
            j += 1;
        }
        let (lit, health, hovered, half_px) = key;
        let color = if hovered {
            mix(health_color(health, theme), theme.text, 0.35)
        } else {
            health_color(health, theme)
        };
        let alpha = if lit { 0.9 } else { DIM_ALPHA };
        let w = half_px as f32 / 2.0;
        p.begin_path();
        for &(.., e) in &batch[i..j] {
            trace_edge(p, scene, cam, e as usize);
        }
        p.stroke(color, w, alpha);
        // Arrowheads at the callee's side.
        let head = (3.0 + w * 1.2).min(14.0);
        p.begin_path();
        for &(.., e) in &batch[i..j] {
            let e = e as usize;
            let (a, b) = scene.ends[e];
            let (tip, dir) = if a == b {
                (cam.screen(self_loop(l, a as usize)[3]), [0.0, 1.0])
            } else {
                let path = l.path(e);
                let (Some(&last), Some(&before)) =
                    (path.last(), path.get(path.len().wrapping_sub(2)))
                else {
                    continue;
                };
                let dx = if last[0] >= before[0] { 1.0 } else { -1.0 };
                (cam.screen(last), [dx, 0.0])
            };
            let back = [tip[0] - dir[0] * head * 1.6, tip[1] - dir[1] * head * 1.6];
            p.move_to(tip);
            p.line_to([back[0] - dir[1] * head, back[1] + dir[0] * head]);
            p.line_to([back[0] + dir[1] * head, back[1] - dir[0] * head]);
            p.line_to(tip);
        }
        p.fill(color, alpha);
        i = j;
    }

    // Nodes, batched too: one fill for the boxes of each opacity, one stroke per border
    // colour; the selected and hovered nodes on top. Labels only when readable.
    let labels = cam.scale >= LABEL_MIN_SCALE;
    let radius = (6.0 * cam.scale).min(8.0);
    let mut shown: Vec<(bool, u32, u32)> = Vec::new();
    for v in 0..scene.node_count() {
        let (hw, hh) = (l.w[v] / 2.0, l.h[v] / 2.0);
        if !on_screen([l.x[v] - hw, l.y[v] - hh, l.x[v] + hw, l.y[v] + hh]) {
            continue;
        }
        let accent = service_color(&g.services[scene.nodes[v] as usize]);
        shown.push((node_lit(v), accent, v as u32));
    }
    shown.sort_unstable();
    let special = |v: usize| marks.selected == Some(v) || marks.hovered_node == Some(v);
    let node_box = |p: &mut dyn FnMut(f32, f32, f32, f32), v: usize| {
        let a = cam.screen([l.x[v] - l.w[v] / 2.0, l.y[v] - l.h[v] / 2.0]);
        p(a[0], a[1], l.w[v] * cam.scale, l.h[v] * cam.scale);
    };
    let border = (1.5 * cam.scale).clamp(1.0, 1.5);
    for lit in [false, true] {
        let alpha = if lit { 1.0 } else { DIM_ALPHA + 0.1 };
        let group: Vec<&(bool, u32, u32)> = shown.iter().filter(|n| n.0 == lit).collect();
        if group.is_empty() {
            continue;
        }
        p.begin_path();
        for &&(_, _, v) in &group {
            node_box(
                &mut |x, y, w, h| p.round_rect(x, y, w, h, radius),
                v as usize,
            );
        }
        p.fill(theme.background, alpha);
        let mut i = 0;
        while i < group.len() {
            let accent = group[i].1;
            p.begin_path();
            while i < group.len() && group[i].1 == accent {
                node_box(
                    &mut |x, y, w, h| p.round_rect(x, y, w, h, radius),
                    group[i].2 as usize,
                );
                i += 1;
            }
            p.stroke(accent, border, alpha);
        }
    }
    for &(lit, accent, v) in &shown {
        let v = v as usize;
        if !special(v) {
            continue;
        }
        let alpha = if lit { 1.0 } else { DIM_ALPHA + 0.1 };
        let selected = marks.selected == Some(v);
        p.begin_path();
        node_box(&mut |x, y, w, h| p.round_rect(x, y, w, h, radius), v);
        p.fill(
            if selected {
                theme.selected
            } else {
                theme.hover
            },
            alpha,
        );
        let width = if selected { 3.0 } else { 2.0 };
        p.stroke(accent, (width * cam.scale).clamp(1.0, width), alpha);
    }
    if labels {
        let size = (12.0 * cam.scale).min(15.0);
        let line = size * 0.62;
        for &(lit, _, v) in &shown {
            let v = v as usize;
            let alpha = if lit { 1.0 } else { DIM_ALPHA + 0.1 };
            let c = cam.screen([l.x[v], l.y[v]]);
            let style = GraphText {
                size,
                bold: true,
                color: theme.text,
                alpha,
            };
            p.text(c[0], c[1] - line, &scene.name[v], style);
            let style = GraphText {
                size: size * 0.9,
                bold: false,
                color: theme.muted,
                alpha,
            };
            p.text(c[0], c[1] + line, &scene.traffic[v], style);
        }
    }
}

fn trace_edge(p: &mut impl GraphPainter, scene: &DependencyScene, cam: &Camera, e: usize) {
    let (a, b) = scene.ends[e];
    if a == b {
        let s = self_loop(&scene.layout, a as usize).map(|q| cam.screen(q));
        p.move_to(s[0]);
        p.curve_to(s[1], s[2], s[3]);
        return;
    }
    let path = scene.layout.path(e);
    let Some(&first) = path.first() else {
        return;
    };
    let mut at = cam.screen(first);
    p.move_to(at);
    let last = path.len() - 1;
    // Far out, curves are indistinguishable from lines and cost more to fill in.
    let coarse = cam.scale < COARSE_SCALE;
    for (i, w) in path.windows(2).enumerate() {
        let to = cam.screen(w[1]);
        // A step of under 3 px is invisible: skip it (never the end point).
        if i + 1 < last && (to[0] - at[0]).abs() + (to[1] - at[1]).abs() < 3.0 {
            continue;
        }
        if coarse || w[0][1] == w[1][1] || (to[1] - at[1]).abs() < 1.0 {
            p.line_to(to);
        } else {
            let (c1, c2) = curve_controls(at, to);
            p.curve_to(c1, c2, to);
        }
        at = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::dependency_graph::synthetic_links;
    use crate::layout::dependency::{dependency_scene, DependencyRequest};

    #[derive(Default)]
    struct Record {
        strokes: usize,
        moves: usize,
        texts: Vec<String>,
        dim_fills: usize,
    }

    impl GraphPainter for Record {
        fn clear(&mut self, _: f32, _: f32, _: u32) {}
        fn begin_path(&mut self) {}
        fn move_to(&mut self, _: [f32; 2]) {
            self.moves += 1;
        }
        fn line_to(&mut self, _: [f32; 2]) {}
        fn curve_to(&mut self, _: [f32; 2], _: [f32; 2], _: [f32; 2]) {}
        fn round_rect(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn stroke(&mut self, _: u32, _: f32, _: f32) {
            self.strokes += 1;
        }
        fn fill(&mut self, _: u32, alpha: f32) {
            if alpha < 0.5 {
                self.dim_fills += 1;
            }
        }
        fn text(&mut self, _: f32, _: f32, t: &str, _: GraphText) {
            self.texts.push(t.to_string());
        }
    }

    #[test]
    fn edges_are_batched_and_labels_drawn_when_readable() {
        let g = DependencyGraph::from_links(&synthetic_links(40, 120, 5));
        let s = dependency_scene(&g, &DependencyRequest::default());
        let mut r = Record::default();
        let cam = Camera::fit(&s, 4000.0, 3000.0);
        paint_dependency_graph(
            &mut r,
            &g,
            &s,
            &cam,
            4000.0,
            3000.0,
            &Theme::LIGHT,
            ErrorRates::default(),
            GraphMarks::default(),
        );
        // One stroke per border colour, plus one per edge style: far fewer than nodes + edges.
        assert!(r.strokes < 60, "{}", r.strokes);
        assert!(r.texts.contains(&s.name[0]));
        assert_eq!(r.dim_fills, 0);
    }

    #[test]
    fn selection_dims_the_rest_and_culling_skips_off_screen() {
        let g = DependencyGraph::from_links(&synthetic_links(40, 120, 5));
        let s = dependency_scene(&g, &DependencyRequest::default());
        let cam = Camera::fit(&s, 1000.0, 800.0);
        let (nodes, edges) = s.neighbourhood(0, 1);
        let mut r = Record::default();
        let marks = GraphMarks {
            selected: Some(0),
            lit: Some((&nodes, &edges)),
            ..GraphMarks::default()
        };
        paint_dependency_graph(
            &mut r,
            &g,
            &s,
            &cam,
            1000.0,
            800.0,
            &Theme::DARK,
            ErrorRates::default(),
            marks,
        );
        assert!(r.dim_fills > 0);
        // Far away: nothing but the background.
        let mut away = cam;
        away.pan(1e6, 1e6);
        let mut r = Record::default();
        paint_dependency_graph(
            &mut r,
            &g,
            &s,
            &away,
            1000.0,
            800.0,
            &Theme::DARK,
            ErrorRates::default(),
            GraphMarks::default(),
        );
        assert_eq!((r.moves, r.strokes, r.texts.len()), (0, 0, 0));
    }
}
