//! The minimap: every row of the trace aggregated into a small RGBA image (time across,
//! rows down). Built once per row list or filter change, in time linear in the rows plus
//! the pixels, using per-pixel-row difference arrays so a long bar costs O(1), not O(width).

use super::model::{flag, WaterfallModel};
use super::rows::marks;

/// An RGBA image, row-major, 4 bytes per pixel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
}

/// Renders `rows` of `m` into `width × height` pixels. `dim`, filter marks by position
/// when given, draws rows without [`marks::MATCH`] faintly. `background` is 0xRRGGBB.
pub fn render(
    m: &WaterfallModel,
    rows: &[u32],
    dim: Option<&[u8]>,
    width: usize,
    height: usize,
    background: u32,
    error_color: u32,
) -> Image {
    let mut b = Builder::new(rows.len(), width, height, background, error_color);
    b.add(m, rows, dim, rows.len());
    b.finish()
}

/// [`render`] in slices: [`Builder::add`] takes the next rows, so a million rows can be
/// aggregated over several short tasks instead of one long one.
#[derive(Clone, Debug)]
pub struct Builder {
    w: usize,
    h: usize,
    /// Per pixel (plus one spare column for the difference arrays): summed weight and
    /// weighted red, green, blue, interleaved so one row touches one cache line per edge.
    acc: Vec<[f32; 4]>,
    rows: usize,
    next: usize,
    background: u32,
    error_color: u32,
}

impl Builder {
    /// A minimap of `rows` rows in `width × height` pixels.
    pub fn new(
        rows: usize,
        width: usize,
        height: usize,
        background: u32,
        error_color: u32,
    ) -> Builder {
        let (w, h) = (width.max(1), height.max(1));
        Builder {
            w,
            h,
            acc: vec![[0.0; 4]; (w + 1) * h],
            rows,
            next: 0,
            background,
            error_color,
        }
    }

    /// Rows added so far.
    pub fn done(&self) -> usize {
        self.next
    }

    /// Whether every row has been added.
    pub fn is_complete(&self) -> bool {
        self.next >= self.rows
    }

    /// Adds up to `count` more rows of `rows` (the same list each call); returns whether
    /// every row is in.
    pub fn add(
        &mut self,
        m: &WaterfallModel,
        rows: &[u32],
        dim: Option<&[u8]>,
        count: usize,
    ) -> bool {
        let (w, h) = (self.w, self.h);
        let stride = w + 1;
        // Integer pixel arithmetic: exact, and cheaper in wasm than float→int conversions.
        let total = m.trace_duration_us.max(1);
        let wide = w as i64;
        let n = self.rows.max(1);
        let end = self
            .next
            .saturating_add(count)
            .min(self.rows)
            .min(rows.len());
        for (i, &pos) in rows.iter().enumerate().take(end).skip(self.next) {
            let k = pos as usize;
            let y = (i * h / n).min(h - 1);
            let start = m.start[k].clamp(0, total);
            let stop = m.end(k).clamp(start, total);
            // Floor of the start pixel, ceiling of the end pixel, at least one pixel wide.
            let x0 = (start * wide / total).min(wide - 1) as usize;
            let x1 = ((stop * wide + total - 1) / total).clamp(x0 as i64 + 1, wide) as usize;
            let faint = dim.is_some_and(|d| d.get(k).copied().unwrap_or(0) & marks::MATCH == 0);
            let wgt = if faint { 0.15 } else { 1.0 };
            let c = if m.flags[k] & flag::ERROR != 0 {
                self.error_color
            } else {
                m.label_color
                    .get(m.service[k] as usize)
                    .copied()
                    .unwrap_or(0x888888)
            };
            let v = [
                wgt,
                f32::from(((c >> 16) & 0xff) as u8) * wgt,
                f32::from(((c >> 8) & 0xff) as u8) * wgt,
                f32::from((c & 0xff) as u8) * wgt,
            ];
            let base = y * stride;
            let a = &mut self.acc[base + x0];
            for j in 0..4 {
                a[j] += v[j];
            }
            let b = &mut self.acc[base + x1];
            for j in 0..4 {
                b[j] -= v[j];
            }
        }
        self.next = end.max(self.next);
        if rows.len() < self.rows {
            // The row list is shorter than promised: nothing more will come.
            self.rows = rows.len();
        }
        self.is_complete()
    }

    /// The image (rows not added yet are simply missing).
    pub fn finish(self) -> Image {
        let (w, h) = (self.w, self.h);
        let stride = w + 1;
        let background = self.background;
        // Rows per pixel row: how much "ink" a full pixel represents.
        let per_pixel_row = (self.rows.max(1) as f64 / h as f64).max(1.0) as f32;
        let bg = [
            ((background >> 16) & 0xff) as f32,
            ((background >> 8) & 0xff) as f32,
            (background & 0xff) as f32,
        ];
        let mut rgba = vec![0u8; w * h * 4];
        for y in 0..h {
            let mut sum = [0f32; 4];
            for x in 0..w {
                let a = self.acc[y * stride + x];
                for j in 0..4 {
                    sum[j] += a[j];
                }
                let [sw, sr, sg, sb] = sum;
                let o = (y * w + x) * 4;
                let (r, g, b) = if sw > 1e-3 {
                    // Coverage: at least clearly visible for one row, saturating when full.
                    let alpha = (0.6 * sw.min(1.0) + 0.4 * (sw / per_pixel_row).min(1.0)).min(1.0);
                    (
                        bg[0] + (sr / sw - bg[0]) * alpha,
                        bg[1] + (sg / sw - bg[1]) * alpha,
                        bg[2] + (sb / sw - bg[2]) * alpha,
                    )
                } else {
                    (bg[0], bg[1], bg[2])
                };
                rgba[o] = r.round().clamp(0.0, 255.0) as u8;
                rgba[o + 1] = g.round().clamp(0.0, 255.0) as u8;
                rgba[o + 2] = b.round().clamp(0.0, 255.0) as u8;
                rgba[o + 3] = 255;
            }
        }
        Image {
            width: w,
            height: h,
            rgba,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::waterfall::visible_rows;

    fn model(n: u32) -> WaterfallModel {
        WaterfallModel {
            span: (0..n).collect(),
            subtree: vec![1; n as usize],
            depth: vec![0; n as usize],
            // Row i covers the i-th n-th of the trace: a diagonal.
            start: (0..n).map(|i| i64::from(i) * 10).collect(),
            duration: vec![10; n as usize],
            service: vec![0; n as usize],
            name: vec![0; n as usize],
            flags: vec![0; n as usize],
            labels: vec!["svc".into()],
            label_color: vec![0xff0000],
            trace_start_us: 0,
            trace_duration_us: i64::from(n) * 10,
            ..WaterfallModel::default()
        }
    }

    fn px(img: &Image, x: usize, y: usize) -> [u8; 3] {
        let o = (y * img.width + x) * 4;
        [img.rgba[o], img.rgba[o + 1], img.rgba[o + 2]]
    }

    #[test]
    fn a_diagonal_trace_draws_a_diagonal() {
        let m = model(100);
        let rows = visible_rows(&m, &[]);
        let img = render(&m, &rows, None, 10, 10, 0xffffff, 0x000000);
        for i in 0..10 {
            assert_eq!(px(&img, i, i), [255, 0, 0], "diagonal pixel {i}");
            if i > 0 {
                assert_eq!(px(&img, i - 1, i), [255, 255, 255], "off-diagonal {i}");
            }
        }
    }

    #[test]
    fn a_million_rows_fit_in_a_small_image() {
        let m = model(1_000_000);
        let rows = visible_rows(&m, &[]);
        let img = render(&m, &rows, None, 300, 60, 0xffffff, 0);
        assert_eq!(img.rgba.len(), 300 * 60 * 4);
        // Each pixel row holds ~16,667 rows spread over 5 columns: partly covered, red.
        for (x, y) in [(0, 0), (150, 30), (299, 59)] {
            let [r, g, b] = px(&img, x, y);
            assert!(r == 255 && g < 160 && g == b, "({x},{y}) = {r},{g},{b}");
        }
        assert_eq!(px(&img, 299, 0), [255, 255, 255]);
    }

    #[test]
    fn slices_make_the_same_image_as_one_pass() {
        let m = model(1000);
        let rows = visible_rows(&m, &[]);
        let whole = render(&m, &rows, None, 50, 20, 0xffffff, 0);
        let mut b = Builder::new(rows.len(), 50, 20, 0xffffff, 0);
        let mut calls = 0;
        while !b.add(&m, &rows, None, 97) {
            calls += 1;
        }
        assert_eq!(calls, 10);
        assert_eq!(b.done(), 1000);
        assert_eq!(b.finish(), whole);
    }

    #[test]
    fn dimmed_rows_are_fainter() {
        let m = model(10);
        let rows = visible_rows(&m, &[]);
        let dim = vec![0u8; 10];
        let img = render(&m, &rows, Some(&dim), 10, 10, 0xffffff, 0);
        let [r, g, _] = px(&img, 0, 0);
        assert_eq!(r, 255);
        assert!(g > 100, "dimmed red is pale: {g}");
    }
}
