//! The waterfall view-model: which rows are visible and where their bars go. Its cost is
//! proportional to the rows on screen, not to the spans in the trace.

use super::model::{flag, WaterfallModel};
use super::time_axis::{ticks, Tick, TimeScale};

pub const ROW_HEIGHT: f32 = 24.0;
pub const RULER_HEIGHT: f32 = 28.0;
pub const INDENT_PX: f32 = 14.0;
/// The bar area keeps at least this much width however wide the name column gets.
pub const MIN_TIMELINE_PX: f32 = 120.0;
/// Zooming stops at a window this wide (µs).
pub const MIN_WINDOW_US: f64 = 2.0;

/// Rows in display order with only collapsing applied; see [`super::rows::rows`].
pub fn visible_rows(m: &WaterfallModel, collapsed: &[bool]) -> Vec<u32> {
    super::rows::rows(
        m,
        super::rows::RowsRequest {
            collapsed,
            ..Default::default()
        },
    )
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
    pub fn fit(m: &WaterfallModel, width: f32, height: f32) -> Viewport {
        Viewport {
            width,
            height,
            scroll_y: 0.0,
            name_width: (width * 0.3).clamp(160.0, 420.0),
            from_us: 0.0,
            to_us: m.trace_duration_us.max(1) as f64,
        }
    }

    /// Zooms the time window by `factor` (< 1 zooms in) keeping the time under `x` still,
    /// within the trace `[0, total_us]`.
    pub fn zoom_at(&mut self, factor: f64, x: f32, total_us: i64) {
        let anchor = self.scale().micros_from_px(x);
        let from = anchor - (anchor - self.from_us) * factor;
        let to = anchor + (self.to_us - anchor) * factor;
        self.set_window(from, to, total_us);
    }

    /// Moves the time window by `dx` pixels of the timeline (positive: later).
    pub fn pan_px(&mut self, dx: f32, total_us: i64) {
        let per_px = (self.to_us - self.from_us) / f64::from(self.scale().width.max(1.0));
        let shift = f64::from(dx) * per_px;
        let width = self.to_us - self.from_us;
        let from = (self.from_us + shift).clamp(0.0, (total_us as f64 - width).max(0.0));
        self.from_us = from;
        self.to_us = from + width;
    }

    /// Sets the window, clamped to the trace and at least a few µs wide.
    pub fn set_window(&mut self, from: f64, to: f64, total_us: i64) {
        let total = total_us.max(1) as f64;
        let (from, to) = if from <= to { (from, to) } else { (to, from) };
        let width = (to - from).clamp(MIN_WINDOW_US.min(total), total);
        let from = from.clamp(0.0, total - width);
        self.from_us = from;
        self.to_us = from + width;
    }

    pub fn is_zoomed(&self, total_us: i64) -> bool {
        self.from_us > 0.0 || self.to_us < total_us.max(1) as f64
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
    /// Model position of each row.
    pub pos: Vec<u32>,
    /// Top of each row, in CSS pixels from the canvas top.
    pub y: Vec<f32>,
    pub indent: Vec<f32>,
    pub bar_x: Vec<f32>,
    pub bar_w: Vec<f32>,
    pub color: Vec<u32>,
    pub flags: Vec<u8>,
    pub collapsed: Vec<bool>,
    pub ticks: Vec<Tick>,
    pub row_count: usize,
}

impl Scene {
    pub fn len(&self) -> usize {
        self.pos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pos.is_empty()
    }
}

/// Lays out the rows that intersect the viewport.
pub fn scene(m: &WaterfallModel, rows: &[u32], collapsed: &[bool], vp: &Viewport) -> Scene {
    let vp = vp.clamped(rows.len());
    let scale = vp.scale();
    let first_row = (vp.scroll_y / ROW_HEIGHT).floor() as usize;
    let capacity = ((vp.height - RULER_HEIGHT).max(0.0) / ROW_HEIGHT).ceil() as usize + 1;
    let last_row = (first_row + capacity).min(rows.len());
    let visible = rows.get(first_row..last_row).unwrap_or(&[]);
    let max_indent = (vp.name_width * 0.5).max(0.0);
    let mut s = Scene {
        first_row,
        ticks: ticks(&scale, 90.0),
        row_count: rows.len(),
        ..Scene::default()
    };
    // Clamp to just outside the timeline so huge zooms never produce huge rectangles.
    let lo = scale.x0 - 1.0;
    let hi = vp.width + 1.0;
    for (i, &pos) in visible.iter().enumerate() {
        let k = pos as usize;
        let row = first_row + i;
        let x0 = scale.px_from_micros(m.start[k] as f64).clamp(lo, hi);
        let x1 = scale.px_from_micros(m.end(k) as f64).clamp(lo, hi);
        s.pos.push(pos);
        s.y.push(RULER_HEIGHT + row as f32 * ROW_HEIGHT - vp.scroll_y);
        s.indent
            .push((m.depth[k] as f32 * INDENT_PX).min(max_indent));
        s.bar_x.push(x0);
        s.bar_w.push((x1 - x0).max(1.0));
        s.color.push(
            m.label_color
                .get(m.service[k] as usize)
                .copied()
                .unwrap_or(0x888888),
        );
        s.flags.push(m.flags[k]);
        s.collapsed.push(
            collapsed.get(k).copied().unwrap_or(false) && m.flags[k] & flag::HAS_CHILDREN != 0,
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::derive;
    use crate::import::import;

    fn chain(n: usize) -> WaterfallModel {
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
        WaterfallModel::from_derived(&derive(imported.traces.remove(0), Default::default()))
    }

    #[test]
    fn only_rows_in_view_are_laid_out() {
        let d = chain(10_000);
        let rows = visible_rows(&d, &[]);
        assert_eq!(rows[5], 5);
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
        collapsed[10] = true; // position 10 of a chain is span 10
        let rows = visible_rows(&d, &collapsed);
        assert_eq!(rows.len(), 11);
    }

    #[test]
    fn zoom_keeps_the_anchor_and_stays_in_the_trace() {
        let d = chain(10);
        let total = d.trace_duration_us;
        let mut vp = Viewport::fit(&d, 1000.0, 400.0);
        let x = vp.name_width + 100.0;
        let before = vp.scale().micros_from_px(x);
        vp.zoom_at(0.5, x, total);
        assert!((vp.scale().micros_from_px(x) - before).abs() < 1e-6);
        assert!((vp.to_us - vp.from_us - total as f64 / 2.0).abs() < 1e-6);
        vp.pan_px(-1e9, total);
        assert_eq!(vp.from_us, 0.0);
        vp.pan_px(1e9, total);
        assert!((vp.to_us - total as f64).abs() < 1e-6);
        for _ in 0..100 {
            vp.zoom_at(0.1, x, total);
        }
        assert!(vp.to_us - vp.from_us >= MIN_WINDOW_US - 1e-9);
        vp.zoom_at(1e9, x, total);
        assert!(!vp.is_zoomed(total));
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
