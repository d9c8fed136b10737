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
    let plan = GraphPlan::new(g, scene, cam, width, height, theme, rates, marks);
    plan.paint(p, scene, 0..plan.len());
}

/// Most edges in one step of a [`GraphPlan`], and most labels (text costs more): a step
/// costs a millisecond or two in a browser, so a picture can be built in slices that fit
/// beside a frame.
const STEP_ITEMS: usize = 120;
const STEP_LABELS: usize = 40;

/// One frame's painting, culled to the screen and batched by style, as a list of steps.
/// [`paint_dependency_graph`] paints them all at once; a caller building a big picture paints
/// a few per animation frame (`paint(…, from..to)`) so that no frame takes long. Steps are
/// painted in order; the result is the same picture either way, except that edges of one
/// style split over several steps overlap with their own alpha.
///
/// The plan holds indices into the scene it was made from: paint it with that scene.
pub struct GraphPlan {
    cam: Camera,
    width: f32,
    height: f32,
    background: u32,
    steps: Vec<Step>,
    /// Edges in painting order (dim first, lit and hovered last).
    edges: Vec<u32>,
    /// Nodes in painting order, with whether each is lit.
    nodes: Vec<(bool, u32)>,
    label_size: f32,
    text: u32,
    muted: u32,
}

enum Step {
    Clear,
    /// `edges[from..to]` in one path, stroked, then their arrowheads filled.
    Edges {
        from: u32,
        to: u32,
        color: u32,
        width: f32,
        alpha: f32,
    },
    /// The boxes of `nodes[from..to]` filled with the background.
    NodeFill {
        from: u32,
        to: u32,
        alpha: f32,
    },
    /// Their borders, one colour.
    NodeBorder {
        from: u32,
        to: u32,
        color: u32,
        width: f32,
        alpha: f32,
    },
    /// The selected or hovered node, on top.
    Special {
        v: u32,
        fill: u32,
        border: u32,
        width: f32,
        alpha: f32,
    },
    Labels {
        from: u32,
        to: u32,
    },
}

impl GraphPlan {
    /// Plans a frame of `width × height` CSS pixels seen through `cam`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        g: &DependencyGraph,
        scene: &DependencyScene,
        cam: &Camera,
        width: f32,
        height: f32,
        theme: &Theme,
        rates: ErrorRates,
        marks: GraphMarks<'_>,
    ) -> GraphPlan {
        let mut plan = GraphPlan::empty(cam, width, height, theme);
        plan.steps.push(Step::Clear);
        let seen = |b: [f32; 4]| on_screen(cam, width, height, b);
        let edges = (0..scene.edge_count()).filter(|&e| seen(scene.edge_box[e]));
        plan.add_edges(g, scene, theme, rates, marks, edges);
        let l = &scene.layout;
        let nodes = (0..scene.node_count()).filter(|&v| {
            let (hw, hh) = (l.w[v] / 2.0, l.h[v] / 2.0);
            seen([l.x[v] - hw, l.y[v] - hh, l.x[v] + hw, l.y[v] + hh])
        });
        plan.add_nodes(g, scene, theme, marks, nodes, true);
        plan
    }

    /// Plans only what hovering adds (the hovered edge and node, emphasised, with the node's
    /// label), to paint over a picture of the graph made without hover marks.
    #[allow(clippy::too_many_arguments)]
    pub fn hover(
        g: &DependencyGraph,
        scene: &DependencyScene,
        cam: &Camera,
        width: f32,
        height: f32,
        theme: &Theme,
        rates: ErrorRates,
        marks: GraphMarks<'_>,
    ) -> GraphPlan {
        let mut plan = GraphPlan::empty(cam, width, height, theme);
        let edge = marks.hovered_edge.filter(|&e| e < scene.edge_count());
        plan.add_edges(g, scene, theme, rates, marks, edge.into_iter());
        let node = marks.hovered_node.filter(|&v| v < scene.node_count());
        plan.add_nodes(g, scene, theme, marks, node.into_iter(), false);
        plan
    }

    fn empty(cam: &Camera, width: f32, height: f32, theme: &Theme) -> GraphPlan {
        GraphPlan {
            cam: *cam,
            width,
            height,
            background: theme.background,
            steps: Vec::new(),
            edges: Vec::new(),
            nodes: Vec::new(),
            label_size: (12.0 * cam.scale).min(15.0),
            text: theme.text,
            muted: theme.muted,
        }
    }

    fn add_edges(
        &mut self,
        g: &DependencyGraph,
        scene: &DependencyScene,
        theme: &Theme,
        rates: ErrorRates,
        marks: GraphMarks<'_>,
        edges: impl Iterator<Item = usize>,
    ) {
        let cam = self.cam;
        let edge_lit = |e: usize| marks.lit.is_none_or(|(_, lit)| lit[e]);
        // Batched by style: (lit, health, hovered, width in half pixels).
        let mut batch: Vec<(bool, Health, bool, u32, u32)> = edges
            .map(|e| {
                let ge = &g.edges[scene.edges[e] as usize];
                let hovered = marks.hovered_edge == Some(e);
                let w =
                    (scene.edge_width[e] * cam.scale).max(0.75) + if hovered { 2.0 } else { 0.0 };
                (
                    edge_lit(e),
                    rates.health(ge.error_rate()),
                    hovered,
                    (w * 2.0).round() as u32,
                    e as u32,
                )
            })
            .collect();
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
            let base = self.edges.len();
            self.edges.extend(batch[i..j].iter().map(|b| b.4));
            let mut from = base;
            while from < self.edges.len() {
                let to = (from + STEP_ITEMS).min(self.edges.len());
                self.steps.push(Step::Edges {
                    from: from as u32,
                    to: to as u32,
                    color,
                    width: half_px as f32 / 2.0,
                    alpha,
                });
                from = to;
            }
            i = j;
        }
    }

    /// Boxes (one fill for the boxes of each opacity, one stroke per border colour), the
    /// selected and hovered nodes on top, and labels when readable.
    fn add_nodes(
        &mut self,
        g: &DependencyGraph,
        scene: &DependencyScene,
        theme: &Theme,
        marks: GraphMarks<'_>,
        nodes: impl Iterator<Item = usize>,
        boxes: bool,
    ) {
        let node_lit = |v: usize| marks.lit.is_none_or(|(lit, _)| lit[v]);
        let mut shown: Vec<(bool, u32, u32)> = nodes
            .map(|v| {
                let accent = service_color(&g.services[scene.nodes[v] as usize]);
                (node_lit(v), accent, v as u32)
            })
            .collect();
        shown.sort_unstable();
        let base = self.nodes.len();
        self.nodes.extend(shown.iter().map(|&(lit, _, v)| (lit, v)));
        let alpha_of = |lit: bool| if lit { 1.0 } else { DIM_ALPHA + 0.1 };
        if boxes {
            let border = (1.5 * self.cam.scale).clamp(1.0, 1.5);
            for lit in [false, true] {
                let first = base + shown.iter().position(|n| n.0 == lit).unwrap_or(shown.len());
                let end = base + shown.iter().rposition(|n| n.0 == lit).map_or(0, |i| i + 1);
                if first >= end {
                    continue;
                }
                let mut from = first;
                while from < end {
                    let to = (from + STEP_ITEMS).min(end);
                    self.steps.push(Step::NodeFill {
                        from: from as u32,
                        to: to as u32,
                        alpha: alpha_of(lit),
                    });
                    from = to;
                }
                let mut i = first;
                while i < end {
                    let accent = shown[i - base].1;
                    let mut j = i;
                    while j < end && j - i < STEP_ITEMS && shown[j - base].1 == accent {
                        j += 1;
                    }
                    self.steps.push(Step::NodeBorder {
                        from: i as u32,
                        to: j as u32,
                        color: accent,
                        width: border,
                        alpha: alpha_of(lit),
                    });
                    i = j;
                }
            }
        }
        for &(lit, accent, v) in &shown {
            let vi = v as usize;
            if marks.selected != Some(vi) && marks.hovered_node != Some(vi) {
                continue;
            }
            let selected = marks.selected == Some(vi);
            let width = if selected { 3.0 } else { 2.0 };
            self.steps.push(Step::Special {
                v,
                fill: if selected {
                    theme.selected
                } else {
                    theme.hover
                },
                border: accent,
                width: (width * self.cam.scale).clamp(1.0, width),
                alpha: alpha_of(lit),
            });
        }
        if self.cam.scale >= LABEL_MIN_SCALE {
            let mut from = base;
            while from < self.nodes.len() {
                let to = (from + STEP_LABELS).min(self.nodes.len());
                self.steps.push(Step::Labels {
                    from: from as u32,
                    to: to as u32,
                });
                from = to;
            }
        }
    }

    /// How many steps there are.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Paints `steps` (a range of `0..len()`; steps past the end are ignored).
    pub fn paint(
        &self,
        p: &mut impl GraphPainter,
        scene: &DependencyScene,
        steps: std::ops::Range<usize>,
    ) {
        let end = steps.end.min(self.steps.len());
        for step in self
            .steps
            .get(steps.start.min(end)..end)
            .unwrap_or_default()
        {
            self.paint_step(p, scene, step);
        }
    }

    fn paint_step(&self, p: &mut impl GraphPainter, scene: &DependencyScene, step: &Step) {
        let cam = &self.cam;
        let l = &scene.layout;
        let radius = (6.0 * cam.scale).min(8.0);
        let node_box = |p: &mut dyn FnMut(f32, f32, f32, f32), v: usize| {
            let a = cam.screen([l.x[v] - l.w[v] / 2.0, l.y[v] - l.h[v] / 2.0]);
            p(a[0], a[1], l.w[v] * cam.scale, l.h[v] * cam.scale);
        };
        let range = |from: u32, to: u32| from as usize..to as usize;
        match *step {
            Step::Clear => p.clear(self.width, self.height, self.background),
            Step::Edges {
                from,
                to,
                color,
                width,
                alpha,
            } => {
                let edges = &self.edges[range(from, to)];
                p.begin_path();
                for &e in edges {
                    trace_edge(p, scene, cam, e as usize);
                }
                p.stroke(color, width, alpha);
                // Arrowheads at the callee's side.
                let head = (3.0 + width * 1.2).min(14.0);
                p.begin_path();
                for &e in edges {
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
            }
            Step::NodeFill { from, to, alpha } => {
                p.begin_path();
                for &(_, v) in &self.nodes[range(from, to)] {
                    node_box(
                        &mut |x, y, w, h| p.round_rect(x, y, w, h, radius),
                        v as usize,
                    );
                }
                p.fill(self.background, alpha);
            }
            Step::NodeBorder {
                from,
                to,
                color,
                width,
                alpha,
            } => {
                p.begin_path();
                for &(_, v) in &self.nodes[range(from, to)] {
                    node_box(
                        &mut |x, y, w, h| p.round_rect(x, y, w, h, radius),
                        v as usize,
                    );
                }
                p.stroke(color, width, alpha);
            }
            Step::Special {
                v,
                fill,
                border,
                width,
                alpha,
            } => {
                p.begin_path();
                node_box(
                    &mut |x, y, w, h| p.round_rect(x, y, w, h, radius),
                    v as usize,
                );
                p.fill(fill, alpha);
                p.stroke(border, width, alpha);
            }
            Step::Labels { from, to } => {
                let size = self.label_size;
                let line = size * 0.62;
                for &(lit, v) in &self.nodes[range(from, to)] {
                    let v = v as usize;
                    let alpha = if lit { 1.0 } else { DIM_ALPHA + 0.1 };
                    let c = cam.screen([l.x[v], l.y[v]]);
                    let style = GraphText {
                        size,
                        bold: true,
                        color: self.text,
                        alpha,
                    };
                    p.text(c[0], c[1] - line, &scene.name[v], style);
                    let style = GraphText {
                        size: size * 0.9,
                        bold: false,
                        color: self.muted,
                        alpha,
                    };
                    p.text(c[0], c[1] + line, &scene.traffic[v], style);
                }
            }
        }
    }
}

/// Whether the layout box `b` (x0, y0, x1, y1) lands within 20 px of a `width × height`
/// screen.
fn on_screen(cam: &Camera, width: f32, height: f32, b: [f32; 4]) -> bool {
    let a = cam.screen([b[0], b[1]]);
    let z = cam.screen([b[2], b[3]]);
    z[0] >= -20.0 && a[0] <= width + 20.0 && z[1] >= -20.0 && a[1] <= height + 20.0
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

    /// Every call, in order, as text.
    #[derive(Default)]
    struct Calls(Vec<String>);

    impl GraphPainter for Calls {
        fn clear(&mut self, w: f32, h: f32, c: u32) {
            self.0.push(format!("clear {w} {h} {c}"));
        }
        fn begin_path(&mut self) {
            self.0.push("begin".into());
        }
        fn move_to(&mut self, p: [f32; 2]) {
            self.0.push(format!("move {p:?}"));
        }
        fn line_to(&mut self, p: [f32; 2]) {
            self.0.push(format!("line {p:?}"));
        }
        fn curve_to(&mut self, a: [f32; 2], b: [f32; 2], p: [f32; 2]) {
            self.0.push(format!("curve {a:?} {b:?} {p:?}"));
        }
        fn round_rect(&mut self, x: f32, y: f32, w: f32, h: f32, r: f32) {
            self.0.push(format!("rect {x} {y} {w} {h} {r}"));
        }
        fn stroke(&mut self, c: u32, w: f32, a: f32) {
            self.0.push(format!("stroke {c} {w} {a}"));
        }
        fn fill(&mut self, c: u32, a: f32) {
            self.0.push(format!("fill {c} {a}"));
        }
        fn text(&mut self, x: f32, y: f32, t: &str, s: GraphText) {
            self.0.push(format!("text {x} {y} {t} {s:?}"));
        }
    }

    #[test]
    fn a_plan_painted_in_slices_paints_what_it_paints_at_once() {
        let g = DependencyGraph::from_links(&synthetic_links(300, 1500, 9));
        let s = dependency_scene(&g, &DependencyRequest::default());
        let cam = Camera::fit(&s, 1200.0, 800.0);
        let cam = Camera {
            scale: cam.scale.max(LABEL_MIN_SCALE),
            ..cam
        };
        let (nodes, edges) = s.neighbourhood(3, 2);
        let marks = GraphMarks {
            selected: Some(3),
            lit: Some((&nodes, &edges)),
            ..GraphMarks::default()
        };
        let plan = GraphPlan::new(
            &g,
            &s,
            &cam,
            1200.0,
            800.0,
            &Theme::LIGHT,
            ErrorRates::default(),
            marks,
        );
        let mut whole = Calls::default();
        paint_dependency_graph(
            &mut whole,
            &g,
            &s,
            &cam,
            1200.0,
            800.0,
            &Theme::LIGHT,
            ErrorRates::default(),
            marks,
        );
        let mut sliced = Calls::default();
        let mut at = 0;
        while at < plan.len() {
            plan.paint(&mut sliced, &s, at..at + 3);
            at += 3;
        }
        assert!(plan.len() > 10, "{}", plan.len());
        assert_eq!(whole.0, sliced.0);
        // No step holds more than STEP_ITEMS edges: each is a bounded piece of work.
        for step in &plan.steps {
            if let Step::Edges { from, to, .. }
            | Step::Labels { from, to }
            | Step::NodeFill { from, to, .. }
            | Step::NodeBorder { from, to, .. } = *step
            {
                assert!((to - from) as usize <= STEP_ITEMS);
            }
        }
    }

    #[test]
    fn the_hover_plan_paints_only_the_hovered_edge_and_node() {
        let g = DependencyGraph::from_links(&synthetic_links(40, 120, 5));
        let s = dependency_scene(&g, &DependencyRequest::default());
        let cam = Camera::fit(&s, 4000.0, 3000.0);
        let marks = GraphMarks {
            hovered_node: Some(2),
            hovered_edge: Some(5),
            ..GraphMarks::default()
        };
        let plan = GraphPlan::hover(
            &g,
            &s,
            &cam,
            4000.0,
            3000.0,
            &Theme::LIGHT,
            ErrorRates::default(),
            marks,
        );
        let mut r = Record::default();
        plan.paint(&mut r, &s, 0..plan.len());
        // The edge's stroke and the node's border; its two label lines; no clearing.
        assert_eq!(r.strokes, 2);
        assert_eq!(r.texts, vec![s.name[2].clone(), s.traffic[2].clone()]);
        let none = GraphPlan::hover(
            &g,
            &s,
            &cam,
            4000.0,
            3000.0,
            &Theme::LIGHT,
            ErrorRates::default(),
            GraphMarks::default(),
        );
        assert!(none.is_empty());
    }
}
