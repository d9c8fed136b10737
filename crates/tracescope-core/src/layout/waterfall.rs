//! The waterfall view-model: which rows are visible and where their bars go. Its cost is
//! proportional to the rows on screen, not to the spans in the trace.

use super::color::service_color;
use super::time_axis::{ticks, Tick, TimeScale};
use crate::derive::Derived;
use crate::model::SpanIdx;

pub const ROW_HEIGHT: f32 = 24.0;
pub const RULER_HEIGHT: f32 = 28.0;
pub const INDENT_PX: f32 = 14.0;
/// The bar area keeps at least this much width however wide the name column gets.
pub const MIN_TIMELINE_PX: f32 = 120.0;

/// Rows in display order: depth-first, skipping the descendants of collapsed spans.
/// `collapsed` is indexed by span; shorter slices mean "not collapsed".
pub fn visible_rows(d: &Derived, collapsed: &[bool]) -> Vec<SpanIdx> {
    let tree = &d.tree;
    let mut rows = Vec::with_capacity(tree.preorder.len());
    let mut pos = 0;
    while pos < tree.preorder.len() {
        let span = tree.preorder[pos];
        rows.push(span);
        pos += if collapsed.get(span.get()).copied().unwrap_or(false) {
            tree.subtree_size[span.get()] as usize
        } else {
            1
        };
    }
    rows
}

/// What the user looks at: canvas size in CSS pixels, scroll offset and time window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub width: f32,
    pub height: f32,
    pub scroll_y: f32,
    pub name_width: f32,
    /// Visible time window, µs relative to the trace start.
    pub from_us: f64,
    pub to_us: f64,
}

impl Viewport {
    /// The whole trace, scrolled to the top.
    pub fn fit(d: &Derived, width: f32, height: f32) -> Viewport {
        Viewport {
            width,
            height,
            scroll_y: 0.0,
            name_width: (width * 0.3).clamp(160.0, 420.0),
            from_us: 0.0,
            to_us: d.summary.duration_us.max(1) as f64,
        }
    }

    pub fn max_scroll(&self, row_count: usize) -> f32 {
        (row_count as f32 * ROW_HEIGHT - (self.height - RULER_HEIGHT)).max(0.0)
    }

    /// The same viewport with `scroll_y` kept within the rows and the name column sane.
    pub fn clamped(mut self, row_count: usize) -> Viewport {
        self.scroll_y = self.scroll_y.clamp(0.0, self.max_scroll(row_count));
        self.name_width = self
            .name_width
            .min(self.width - MIN_TIMELINE_PX)
            .max(60.0_f32.min(self.width));
        self
    }

    pub fn scale(&self) -> TimeScale {
        TimeScale {
            from_us: self.from_us,
            to_us: self.to_us,
            x0: self.name_width,
            width: (self.width - self.name_width).max(1.0),
        }
    }

    /// The row under a point, if any.
    pub fn row_at(&self, y: f32, row_count: usize) -> Option<usize> {
        if y < RULER_HEIGHT {
            return None;
        }
        let row = ((y - RULER_HEIGHT + self.scroll_y) / ROW_HEIGHT).floor();
        (row >= 0.0 && (row as usize) < row_count).then_some(row as usize)
    }
}

/// The rows on screen, struct-of-arrays, ready to paint.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub first_row: usize,
    pub span: Vec<SpanIdx>,
    /// Top of each row, in CSS pixels from the canvas top.
    pub y: Vec<f32>,
    pub indent: Vec<f32>,
    pub bar_x: Vec<f32>,
    pub bar_w: Vec<f32>,
    pub color: Vec<u32>,
    pub error: Vec<bool>,
    pub has_children: Vec<bool>,
    pub collapsed: Vec<bool>,
    pub ticks: Vec<Tick>,
    pub row_count: usize,
}

impl Scene {
    pub fn len(&self) -> usize {
        self.span.len()
    }

    pub fn is_empty(&self) -> bool {
        self.span.is_empty()
    }
}

/// Lays out the rows that intersect the viewport.
pub fn scene(d: &Derived, rows: &[SpanIdx], collapsed: &[bool], vp: &Viewport) -> Scene {
    let vp = vp.clamped(rows.len());
    let scale = vp.scale();
    let first_row = (vp.scroll_y / ROW_HEIGHT).floor() as usize;
    let capacity = ((vp.height - RULER_HEIGHT).max(0.0) / ROW_HEIGHT).ceil() as usize + 1;
    let last_row = (first_row + capacity).min(rows.len());
    let visible = rows.get(first_row..last_row).unwrap_or(&[]);
    let trace_start = d.summary.start_us;
    let max_indent = (vp.name_width * 0.5).max(0.0);
    let mut s = Scene {
        first_row,
        ticks: ticks(&scale, 90.0),
        row_count: rows.len(),
        ..Scene::default()
    };
    for (i, &span) in visible.iter().enumerate() {
        let k = span.get();
        let row = first_row + i;
        let rel_start = (d.tree.start[k] - trace_start) as f64;
        let rel_end = rel_start + d.tree.duration[k] as f64;
        // Clamp to just outside the timeline so huge zooms never produce huge rectangles.
        let lo = scale.x0 - 1.0;
        let hi = vp.width + 1.0;
        let x0 = scale.px_from_micros(rel_start).clamp(lo, hi);
        let x1 = scale.px_from_micros(rel_end).clamp(lo, hi);
        let sp = d.trace.span(span);
        s.span.push(span);
        s.y.push(RULER_HEIGHT + row as f32 * ROW_HEIGHT - vp.scroll_y);
        s.indent
            .push((d.tree.depth[k] as f32 * INDENT_PX).min(max_indent));
        s.bar_x.push(x0);
        s.bar_w.push((x1 - x0).max(1.0));
        s.color.push(service_color(d.trace.str(sp.service)));
        s.error.push(sp.error);
        s.has_children.push(d.tree.child_count(span) > 0);
        s.collapsed.push(collapsed.get(k).copied().unwrap_or(false));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::derive;
    use crate::import::import;

    fn chain(n: usize) -> Derived {
        let mut json = String::from("[");
        for i in 1..=n {
            if i > 1 {
                json.push(',');
            }
            json.push_str(&format!(
                r#"{{"traceId":"a","id":"{i:x}","parentId":"{:x}","timestamp":{},"duration":{}}}"#,
                i - 1,
                1000 + i,
                2 * (n - i) + 1
            ));
        }
        json.push(']');
        let mut imported = import(json.as_bytes()).expect("valid");
        derive(imported.traces.remove(0), Default::default())
    }

    #[test]
    fn only_rows_in_view_are_laid_out() {
        let d = chain(10_000);
        let rows = visible_rows(&d, &[]);
        assert_eq!(rows.len(), 10_000);
        let mut vp = Viewport::fit(&d, 1000.0, 600.0);
        vp.scroll_y = 24_000.0;
        let s = scene(&d, &rows, &[], &vp);
        assert_eq!(s.first_row, 1000);
        assert!(s.len() <= 26 && s.len() >= 24, "{}", s.len());
        assert!(s.y[0] >= RULER_HEIGHT - ROW_HEIGHT && s.y[0] <= RULER_HEIGHT);
        assert!(s.bar_x.iter().all(|&x| x >= vp.name_width - 1.0));
    }

    #[test]
    fn collapsing_hides_descendants() {
        let d = chain(100);
        let mut collapsed = vec![false; 100];
        collapsed[10] = true;
        let rows = visible_rows(&d, &collapsed);
        assert_eq!(rows.len(), 11);
    }

    #[test]
    fn scrolling_is_clamped() {
        let d = chain(10);
        let rows = visible_rows(&d, &[]);
        let mut vp = Viewport::fit(&d, 800.0, 400.0);
        vp.scroll_y = 1e9;
        assert_eq!(vp.clamped(rows.len()).scroll_y, 0.0);
        let s = scene(&d, &rows, &[], &vp);
        assert_eq!(s.first_row, 0);
        assert_eq!(s.len(), 10);
    }
}
