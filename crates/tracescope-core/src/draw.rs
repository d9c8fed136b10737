//! Painting a laid-out scene through a [`Painter`]: the app implements it on a canvas,
//! tests implement it by recording calls.

use crate::layout::color::{mix, text_on, Theme};
use crate::layout::model::{flag, WaterfallModel};
use crate::layout::rows::marks::MATCH;
use crate::layout::time_axis::format_duration;
use crate::layout::waterfall::{Scene, Viewport, ROW_HEIGHT, RULER_HEIGHT};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    pub color: u32,
    pub align: Align,
    pub bold: bool,
}

/// The drawing operations the waterfall needs, in CSS pixels.
pub trait Painter {
    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: u32);
    /// Draws `text` with its baseline in the middle of the row at `y`.
    fn text(&mut self, x: f32, y: f32, text: &str, style: TextStyle);
    /// Width of `text` in the UI font; the default is an estimate.
    fn measure(&mut self, text: &str, bold: bool) -> f32 {
        text.chars().count() as f32 * if bold { CHAR_PX + 0.6 } else { CHAR_PX }
    }
    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32);
    fn unclip(&mut self);
}

/// What to emphasise, by model position.
#[derive(Clone, Copy, Debug, Default)]
pub struct Marks<'a> {
    pub selected: Option<u32>,
    pub hovered: Option<u32>,
    /// Filter marks by position ("dim" mode): rows without [`marks::MATCH`] are drawn
    /// faintly.
    ///
    /// [`marks::MATCH`]: crate::layout::rows::marks::MATCH
    pub dim: Option<&'a [u8]>,
    /// Overlay the critical path.
    pub critical: bool,
    /// The name column's label for a span without a service, in the UI's language
    /// (empty: `(unknown)`).
    pub unknown_service: &'a str,
    /// The name column's header, in the UI's language (empty: `Service · span`).
    pub name_header: &'a str,
}

/// Approximate advance of one character of the 12px UI font; used to shorten labels
/// without measuring every string each frame.
pub const CHAR_PX: f32 = 6.8;

/// Cuts `text` to fit `max_px`, ending in `…` when shortened.
pub fn fit_text(text: &str, max_px: f32) -> Option<std::borrow::Cow<'_, str>> {
    let max_chars = (max_px / CHAR_PX).floor() as usize;
    if max_chars == 0 {
        return None;
    }
    let count = text.chars().count();
    if count <= max_chars {
        return Some(std::borrow::Cow::Borrowed(text));
    }
    let keep: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    Some(std::borrow::Cow::Owned(keep + "…"))
}

/// Paints the waterfall: ruler, grid, name column and bars of the rows in `scene`.
pub fn paint_waterfall(
    p: &mut impl Painter,
    m: &WaterfallModel,
    scene: &Scene,
    vp: &Viewport,
    theme: &Theme,
    marks: Marks<'_>,
) {
    let vp = vp.clamped(scene.row_count);
    let dimmed = |i: usize| {
        marks
            .dim
            .is_some_and(|d| d.get(scene.pos[i] as usize).copied().unwrap_or(0) & MATCH == 0)
    };
    p.fill_rect(0.0, 0.0, vp.width, vp.height, theme.background);
    // Row backgrounds: stripes, hover, selection.
    for i in 0..scene.len() {
        let pos = Some(scene.pos[i]);
        let bg = if pos == marks.selected {
            Some(theme.selected)
        } else if pos == marks.hovered {
            Some(theme.hover)
        } else if (scene.first_row + i) % 2 == 1 {
            Some(theme.stripe)
        } else {
            None
        };
        if let Some(bg) = bg {
            p.fill_rect(0.0, scene.y[i], vp.width, ROW_HEIGHT, bg);
        }
    }
    for t in &scene.ticks {
        p.fill_rect(
            t.x.floor(),
            RULER_HEIGHT,
            1.0,
            vp.height - RULER_HEIGHT,
            theme.grid,
        );
    }
    p.clip(0.0, RULER_HEIGHT, vp.name_width, vp.height - RULER_HEIGHT);
    for i in 0..scene.len() {
        let k = scene.pos[i] as usize;
        let y = scene.y[i];
        let x = 6.0 + scene.indent[i];
        let faint = dimmed(i);
        let (text_color, muted_color) = if faint {
            (
                mix(theme.text, theme.background, 0.6),
                mix(theme.muted, theme.background, 0.6),
            )
        } else {
            (theme.text, theme.muted)
        };
        if scene.flags[i] & flag::HAS_CHILDREN != 0 {
            let glyph = if scene.collapsed[i] { "▸" } else { "▾" };
            p.text(
                x,
                y,
                glyph,
                TextStyle {
                    color: muted_color,
                    align: Align::Left,
                    bold: false,
                },
            );
        }
        p.fill_rect(x + 12.0, y + 5.0, 4.0, ROW_HEIGHT - 10.0, scene.color[i]);
        let service = m.label(m.service[k]);
        let service = if !service.is_empty() {
            service
        } else if marks.unknown_service.is_empty() {
            "(unknown)"
        } else {
            marks.unknown_service
        };
        let mut tx = x + 20.0;
        let avail = vp.name_width - tx - 4.0;
        if let Some(s) = fit_text(service, avail.min(avail * 0.5 + 40.0)) {
            p.text(
                tx,
                y,
                &s,
                TextStyle {
                    color: text_color,
                    align: Align::Left,
                    bold: true,
                },
            );
            tx += p.measure(&s, true) + 6.0;
        }
        let name = m.label(m.name[k]);
        if let Some(s) = fit_text(name, vp.name_width - tx - 4.0) {
            p.text(
                tx,
                y,
                &s,
                TextStyle {
                    color: muted_color,
                    align: Align::Left,
                    bold: false,
                },
            );
        }
    }
    p.unclip();
    // Bars and duration labels.
    p.clip(
        vp.name_width,
        RULER_HEIGHT,
        vp.width - vp.name_width,
        vp.height - RULER_HEIGHT,
    );
    for i in 0..scene.len() {
        let y = scene.y[i];
        let color = if scene.flags[i] & flag::ERROR != 0 {
            theme.error
        } else {
            scene.color[i]
        };
        let color = if dimmed(i) {
            mix(color, theme.background, 0.75)
        } else {
            color
        };
        p.fill_rect(
            scene.bar_x[i],
            y + 6.0,
            scene.bar_w[i],
            ROW_HEIGHT - 12.0,
            color,
        );
        if scene.flags[i] & flag::SKEW_ADJUSTED != 0 {
            // A notch at the start: this bar was moved by clock-skew correction.
            p.fill_rect(
                scene.bar_x[i] - 3.0,
                y + 3.0,
                2.0,
                ROW_HEIGHT - 6.0,
                theme.skew,
            );
        }
        if marks.critical && scene.flags[i] & flag::CRITICAL != 0 {
            let pos = scene.pos[i];
            let scale = vp.scale();
            let first = m.critical.partition_point(|c| c.0 < pos);
            for &(_, a, b) in m.critical[first..].iter().take_while(|c| c.0 == pos) {
                let x0 = scale.px_from_micros(a as f64).max(vp.name_width - 1.0);
                let x1 = scale.px_from_micros(b as f64).min(vp.width + 1.0);
                if x1 > x0 {
                    p.fill_rect(
                        x0,
                        y + ROW_HEIGHT / 2.0 - 1.5,
                        (x1 - x0).max(1.0),
                        3.0,
                        theme.critical,
                    );
                }
            }
        }
        let label = format_duration(m.duration[scene.pos[i] as usize]);
        let label_px = label.chars().count() as f32 * CHAR_PX;
        let right = scene.bar_x[i] + scene.bar_w[i];
        let muted = TextStyle {
            color: theme.muted,
            align: Align::Left,
            bold: false,
        };
        if right + 4.0 + label_px < vp.width {
            p.text(right + 4.0, y, &label, muted);
        } else if scene.bar_x[i] - 4.0 - label_px > vp.name_width {
            p.text(
                scene.bar_x[i] - 4.0,
                y,
                &label,
                TextStyle {
                    align: Align::Right,
                    ..muted
                },
            );
        } else {
            // The bar spans the view: label it inside, at its visible right end, in
            // whichever of dark or white reads better on the bar's colour.
            let x = right.min(vp.width) - 4.0;
            p.text(
                x,
                y,
                &label,
                TextStyle {
                    color: text_on(color),
                    align: Align::Right,
                    bold: true,
                },
            );
        }
    }
    p.unclip();
    // Ruler and column divider on top.
    p.fill_rect(0.0, 0.0, vp.width, RULER_HEIGHT, theme.ruler);
    p.text(
        6.0,
        2.0,
        if marks.name_header.is_empty() {
            "Service · span"
        } else {
            marks.name_header
        },
        TextStyle {
            color: theme.muted,
            align: Align::Left,
            bold: true,
        },
    );
    p.clip(vp.name_width, 0.0, vp.width - vp.name_width, RULER_HEIGHT);
    for t in &scene.ticks {
        p.fill_rect(t.x.floor(), RULER_HEIGHT - 6.0, 1.0, 6.0, theme.divider);
        p.text(
            t.x + 3.0,
            2.0,
            &t.label,
            TextStyle {
                color: theme.muted,
                align: Align::Left,
                bold: false,
            },
        );
    }
    p.unclip();
    p.fill_rect(0.0, RULER_HEIGHT - 1.0, vp.width, 1.0, theme.divider);
    p.fill_rect(vp.name_width - 1.0, 0.0, 1.0, vp.height, theme.divider);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::derive;
    use crate::import::import;
    use crate::layout::waterfall::{scene, visible_rows};

    #[derive(Default)]
    struct Recorder {
        rects: Vec<(f32, f32, f32, f32, u32)>,
        texts: Vec<String>,
    }

    impl Painter for Recorder {
        fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: u32) {
            self.rects.push((x, y, w, h, color));
        }
        fn text(&mut self, _x: f32, _y: f32, text: &str, _style: TextStyle) {
            self.texts.push(text.to_string());
        }
        fn clip(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn unclip(&mut self) {}
    }

    #[test]
    fn paints_names_bars_and_error_colour() {
        let input = br#"[
          {"traceId":"a","id":"1","name":"get /","timestamp":1000,"duration":1000,"localEndpoint":{"serviceName":"gateway"}},
          {"traceId":"a","id":"2","parentId":"1","name":"query","timestamp":1200,"duration":300,"tags":{"error":"boom"},"localEndpoint":{"serviceName":"db"}}
        ]"#;
        let mut imported = import(input).expect("valid");
        let d =
            WaterfallModel::from_derived(&derive(imported.traces.remove(0), Default::default()));
        let rows = visible_rows(&d, &[]);
        let vp = Viewport::fit(&d, 900.0, 300.0);
        let s = scene(&d, &rows, &[], &vp);
        let mut r = Recorder::default();
        paint_waterfall(&mut r, &d, &s, &vp, &Theme::LIGHT, Marks::default());
        for want in ["gateway", "get /", "db", "query", "1ms", "300µs"] {
            assert!(
                r.texts.iter().any(|t| t == want),
                "missing {want}: {:?}",
                r.texts
            );
        }
        assert!(
            r.rects.iter().any(|r| r.4 == Theme::LIGHT.error),
            "error bar is red"
        );
        // The child bar starts 20% into the timeline.
        let tl = vp.scale();
        let child_x = tl.x0 + tl.width * 0.2;
        assert!(r
            .rects
            .iter()
            .any(|r| (r.0 - child_x).abs() < 0.5 && r.4 == Theme::LIGHT.error));
    }

    #[test]
    fn long_names_are_shortened() {
        assert_eq!(fit_text("abc", 100.0).as_deref(), Some("abc"));
        let cut = fit_text("a-very-long-service-name", 50.0).expect("fits some");
        assert!(cut.ends_with('…') && cut.chars().count() == 7, "{cut}");
        assert_eq!(fit_text("abc", 3.0), None);
    }
}
