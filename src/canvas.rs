//! The core's [`Painter`] on a 2D canvas, and HiDPI sizing.

use tracescope_core::draw::{Align, Painter, TextStyle};
use tracescope_core::layout::color::css;
use tracescope_core::layout::waterfall::ROW_HEIGHT;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

const FONT: &str = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const FONT_BOLD: &str = "600 12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/// Sizes the backing store to CSS size × devicePixelRatio (sharp on HiDPI screens) and
/// returns a context scaled so drawing happens in CSS pixels.
pub fn prepare(
    canvas: &HtmlCanvasElement,
    css_w: f32,
    css_h: f32,
) -> Option<CanvasRenderingContext2d> {
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let w = (f64::from(css_w) * dpr).round() as u32;
    let h = (f64::from(css_h) * dpr).round() as u32;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok()?;
    Some(ctx)
}

pub struct CanvasPainter<'a> {
    ctx: &'a CanvasRenderingContext2d,
    // Setting a style is not free; skip it when unchanged.
    fill: Option<u32>,
    bold: Option<bool>,
    align: Option<Align>,
}

impl<'a> CanvasPainter<'a> {
    pub fn new(ctx: &'a CanvasRenderingContext2d) -> Self {
        ctx.set_text_baseline("middle");
        CanvasPainter {
            ctx,
            fill: None,
            bold: None,
            align: None,
        }
    }

    fn set_fill(&mut self, color: u32) {
        if self.fill != Some(color) {
            self.ctx.set_fill_style_str(&css(color));
            self.fill = Some(color);
        }
    }
}

impl Painter for CanvasPainter<'_> {
    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: u32) {
        self.set_fill(color);
        self.ctx
            .fill_rect(f64::from(x), f64::from(y), f64::from(w), f64::from(h));
    }

    fn text(&mut self, x: f32, y: f32, text: &str, style: TextStyle) {
        self.set_fill(style.color);
        if self.bold != Some(style.bold) {
            self.ctx.set_font(if style.bold { FONT_BOLD } else { FONT });
            self.bold = Some(style.bold);
        }
        if self.align != Some(style.align) {
            self.ctx.set_text_align(match style.align {
                Align::Left => "left",
                Align::Right => "right",
            });
            self.align = Some(style.align);
        }
        let _ = self
            .ctx
            .fill_text(text, f64::from(x), f64::from(y + ROW_HEIGHT / 2.0));
    }

    fn measure(&mut self, text: &str, bold: bool) -> f32 {
        if self.bold != Some(bold) {
            self.ctx.set_font(if bold { FONT_BOLD } else { FONT });
            self.bold = Some(bold);
        }
        self.ctx
            .measure_text(text)
            .map_or(0.0, |m| m.width() as f32)
    }

    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.ctx.save();
        self.ctx.begin_path();
        self.ctx
            .rect(f64::from(x), f64::from(y), f64::from(w), f64::from(h));
        self.ctx.clip();
    }

    fn unclip(&mut self) {
        self.ctx.restore();
        // restore() brings back the styles saved with the clip.
        self.fill = None;
        self.bold = None;
        self.align = None;
    }
}
