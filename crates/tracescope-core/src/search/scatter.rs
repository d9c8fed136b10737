//! The duration scatter plot's geometry: scales (start time → x, duration on a log scale →
//! y), axis ticks, the points of the shown rows in pixels, and hit testing for hover and
//! click. The app draws these with plotters; nothing here knows about a canvas.

use crate::engine::TraceInfo;

/// The plotting area inside the canvas, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotRect {
    pub left: f32,
    pub top: f32,
    pub width: f32,
    pub height: f32,
}

impl PlotRect {
    pub fn right(&self) -> f32 {
        self.left + self.width
    }
    pub fn bottom(&self) -> f32 {
        self.top + self.height
    }
}

/// Start time (µs since the epoch) → x, linear; duration (µs) → y, log10.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScatterScale {
    pub rect: PlotRect,
    pub t0: i64,
    pub t1: i64,
    /// log10 of the durations at the bottom and top edges.
    pub lo: f64,
    pub hi: f64,
}

impl ScatterScale {
    /// A scale that fits every row of the answer (not only the filtered ones, so the axes
    /// stay put while the filter changes), padded so no point sits on an edge.
    pub fn fit(rows: &[TraceInfo], rect: PlotRect) -> ScatterScale {
        let (mut t0, mut t1) = (i64::MAX, i64::MIN);
        let (mut dmin, mut dmax) = (i64::MAX, i64::MIN);
        for r in rows {
            t0 = t0.min(r.start_us);
            t1 = t1.max(r.start_us);
            dmin = dmin.min(r.duration_us.max(1));
            dmax = dmax.max(r.duration_us.max(1));
        }
        if rows.is_empty() {
            (t0, t1, dmin, dmax) = (0, 1_000_000, 1_000, 1_000_000);
        }
        let span = (t1 - t0).max(2_000_000);
        let pad = span / 40;
        let mid = t0 / 2 + t1 / 2;
        let (t0, t1) = if t1 - t0 < 2_000_000 {
            (mid - span / 2 - pad, mid + span / 2 + pad)
        } else {
            (t0 - pad, t1 + pad)
        };
        let lo = (dmin as f64).log10().floor();
        let mut hi = (dmax as f64).log10().ceil();
        if hi <= lo {
            hi = lo + 1.0;
        }
        ScatterScale {
            rect,
            t0,
            t1,
            lo,
            hi,
        }
    }

    pub fn x(&self, start_us: i64) -> f32 {
        let f = (start_us - self.t0) as f64 / (self.t1 - self.t0).max(1) as f64;
        self.rect.left + (f * f64::from(self.rect.width)) as f32
    }

    pub fn y(&self, duration_us: i64) -> f32 {
        let l = (duration_us.max(1) as f64).log10();
        let f = (l - self.lo) / (self.hi - self.lo);
        self.rect.bottom() - (f * f64::from(self.rect.height)) as f32
    }

    /// The start time at pixel `x` (clamped to the plot), for brushing.
    pub fn start_at(&self, x: f32) -> i64 {
        let f = f64::from(((x - self.rect.left) / self.rect.width.max(1.0)).clamp(0.0, 1.0));
        self.t0 + (f * (self.t1 - self.t0) as f64).round() as i64
    }

    /// Round start times for the x axis (µs since the epoch), at most `max` of them.
    pub fn time_ticks(&self, max: usize) -> Vec<i64> {
        const STEPS_S: [i64; 19] = [
            1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
            86400, 604_800,
        ];
        let span = self.t1 - self.t0;
        let step = STEPS_S
            .iter()
            .map(|s| s * 1_000_000)
            .find(|s| span / s < max.max(1) as i64)
            .unwrap_or(604_800_000_000);
        let first = self.t0.div_euclid(step) * step + step;
        (0..)
            .map(|k| first + k * step)
            .take_while(|t| *t <= self.t1)
            .collect()
    }

    /// Powers of ten for the y axis (µs).
    pub fn duration_ticks(&self) -> Vec<i64> {
        (self.lo as i32..=self.hi as i32)
            .map(|e| 10_i64.saturating_pow(e.max(0) as u32))
            .collect()
    }
}

/// The shown rows as points, in the order they are drawn (errors last, on top).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScatterPoints {
    pub x: Vec<f32>,
    pub y: Vec<f32>,
    /// Index into the answer's rows.
    pub row: Vec<u32>,
    pub error: Vec<bool>,
    /// Inside the brushed window (all true without one).
    pub inside: Vec<bool>,
}

impl ScatterPoints {
    /// Points of `shown` (row indices) under `scale`; `window` dims the others.
    pub fn new(
        rows: &[TraceInfo],
        shown: &[u32],
        scale: &ScatterScale,
        window: Option<(i64, i64)>,
    ) -> ScatterPoints {
        let mut p = ScatterPoints::default();
        let n = shown.len();
        p.x.reserve(n);
        p.y.reserve(n);
        p.row.reserve(n);
        p.error.reserve(n);
        p.inside.reserve(n);
        for errors_pass in [false, true] {
            for &i in shown {
                let r = &rows[i as usize];
                if (r.error_count > 0) != errors_pass {
                    continue;
                }
                p.x.push(scale.x(r.start_us));
                p.y.push(scale.y(r.duration_us));
                p.row.push(i);
                p.error.push(errors_pass);
                p.inside
                    .push(window.is_none_or(|(a, b)| r.start_us >= a && r.start_us <= b));
            }
        }
        p
    }

    pub fn len(&self) -> usize {
        self.x.len()
    }

    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// The row of the point nearest to (x, y) within `radius` px; the topmost (last drawn)
    /// wins a tie.
    pub fn nearest(&self, x: f32, y: f32, radius: f32) -> Option<u32> {
        let mut best: Option<(f32, u32)> = None;
        let r2 = radius * radius;
        for k in 0..self.x.len() {
            let dx = self.x[k] - x;
            let dy = self.y[k] - y;
            let d = dx * dx + dy * dy;
            if d <= r2 && best.is_none_or(|(bd, _)| d <= bd) {
                best = Some((d, self.row[k]));
            }
        }
        best.map(|(_, r)| r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::rows::tests::row;

    const RECT: PlotRect = PlotRect {
        left: 50.0,
        top: 10.0,
        width: 400.0,
        height: 200.0,
    };

    #[test]
    fn scales_fit_every_row_with_padding() {
        let rows = vec![
            row("a", 1_000_000_000, 2_000, 1, 0, &["x"]),
            row("b", 1_040_000_000, 300_000, 1, 1, &["x"]),
        ];
        let s = ScatterScale::fit(&rows, RECT);
        assert_eq!((s.lo, s.hi), (3.0, 6.0));
        assert!(s.t0 < 1_000_000_000 && s.t1 > 1_040_000_000);
        for r in &rows {
            let (x, y) = (s.x(r.start_us), s.y(r.duration_us));
            assert!(x > RECT.left && x < RECT.right(), "{x}");
            assert!(y >= RECT.top && y <= RECT.bottom(), "{y}");
        }
        // Longer is higher; later is further right.
        assert!(s.y(300_000) < s.y(2_000));
        assert!(s.x(1_040_000_000) > s.x(1_000_000_000));
        // start_at inverts x (to a microsecond of rounding per pixel).
        let t = s.start_at(s.x(1_020_000_000));
        assert!((t - 1_020_000_000).abs() < (s.t1 - s.t0) / 400 + 1);
        assert_eq!(s.start_at(-5.0), s.t0);
        assert_eq!(s.duration_ticks(), vec![1_000, 10_000, 100_000, 1_000_000]);
        let ticks = s.time_ticks(8);
        assert!(!ticks.is_empty() && ticks.len() <= 8, "{ticks:?}");
        assert!(ticks
            .iter()
            .all(|t| *t > s.t0 && *t <= s.t1 && t % 5_000_000 == 0));
    }

    #[test]
    fn one_row_and_no_rows_get_a_usable_scale() {
        let one = vec![row("a", 5_000_000, 0, 1, 0, &["x"])];
        let s = ScatterScale::fit(&one, RECT);
        assert!(s.t1 > s.t0 && s.hi > s.lo);
        let x = s.x(5_000_000);
        assert!((x - (RECT.left + RECT.width / 2.0)).abs() < 1.0);
        let none = ScatterScale::fit(&[], RECT);
        assert!(none.t1 > none.t0);
    }

    #[test]
    fn points_put_errors_on_top_and_hit_testing_finds_them() {
        let rows = vec![
            row("a", 1_000_000_000, 10_000, 1, 1, &["x"]),
            row("b", 1_000_000_000, 10_000, 1, 0, &["x"]),
            row("c", 1_030_000_000, 100, 1, 0, &["x"]),
        ];
        let s = ScatterScale::fit(&rows, RECT);
        let p = ScatterPoints::new(&rows, &[0, 1, 2], &s, Some((0, 1_010_000_000)));
        assert_eq!(p.row, vec![1, 2, 0]);
        assert_eq!(p.error, vec![false, false, true]);
        assert_eq!(p.inside, vec![true, false, true]);
        // a and b overlap: the error point, drawn last, wins.
        assert_eq!(p.nearest(s.x(1_000_000_000), s.y(10_000), 4.0), Some(0));
        assert_eq!(p.nearest(s.x(1_030_000_000) + 2.0, s.y(100), 4.0), Some(2));
        assert_eq!(p.nearest(0.0, 0.0, 4.0), None);
    }
}
