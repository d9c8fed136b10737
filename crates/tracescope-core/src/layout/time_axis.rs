//! Mapping between time and pixels, ruler ticks, and duration labels.

/// Maps a time window (µs, relative to the trace start) onto a horizontal pixel span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeScale {
    pub from_us: f64,
    pub to_us: f64,
    pub x0: f32,
    pub width: f32,
}

impl TimeScale {
    pub fn px_from_micros(&self, us: f64) -> f32 {
        let span = (self.to_us - self.from_us).max(1.0);
        self.x0 + ((us - self.from_us) / span * f64::from(self.width)) as f32
    }

    pub fn micros_from_px(&self, x: f32) -> f64 {
        let span = (self.to_us - self.from_us).max(1.0);
        self.from_us + f64::from(x - self.x0) / f64::from(self.width.max(1.0)) * span
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub x: f32,
    pub label: String,
}

/// Ticks at a 1-2-5 step so that labels are at least `min_gap_px` apart.
pub fn ticks(scale: &TimeScale, min_gap_px: f32) -> Vec<Tick> {
    let span = (scale.to_us - scale.from_us).max(1.0);
    let max_ticks = (f64::from(scale.width) / f64::from(min_gap_px.max(1.0))).max(1.0);
    let raw = span / max_ticks;
    let mut step = 10f64.powf(raw.log10().floor()).max(1.0);
    for m in [1.0, 2.0, 5.0, 10.0] {
        if step * m >= raw {
            step *= m;
            break;
        }
    }
    let first = (scale.from_us / step).ceil() * step;
    let mut out = Vec::new();
    let mut t = first;
    while t <= scale.to_us + step * 1e-9 && out.len() < 1000 {
        out.push(Tick {
            x: scale.px_from_micros(t),
            label: if t.abs() < 0.5 {
                "0".into()
            } else {
                format_duration(t.round() as i64)
            },
        });
        t += step;
    }
    out
}

/// A short human duration: `0`, `850µs`, `12.3ms`, `1.25s`, `3m 20s`.
pub fn format_duration(us: i64) -> String {
    let a = us.unsigned_abs();
    let sign = if us < 0 { "-" } else { "" };
    let trim = |v: f64, digits: usize| {
        let s = format!("{v:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    match a {
        0..=999 => format!("{sign}{a}µs"),
        1_000..=999_999 => format!(
            "{sign}{}ms",
            trim(a as f64 / 1e3, if a < 10_000 { 2 } else { 1 })
        ),
        1_000_000..=59_999_999 => format!("{sign}{}s", trim(a as f64 / 1e6, 2)),
        _ => {
            let s = a / 1_000_000;
            format!("{sign}{}m {}s", s / 60, s % 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(0), "0µs");
        assert_eq!(format_duration(850), "850µs");
        assert_eq!(format_duration(1_500), "1.5ms");
        assert_eq!(format_duration(12_340), "12.3ms");
        assert_eq!(format_duration(1_250_000), "1.25s");
        assert_eq!(format_duration(200_000_000), "3m 20s");
    }

    #[test]
    fn ticks_use_round_steps() {
        let scale = TimeScale {
            from_us: 0.0,
            to_us: 10_000.0,
            x0: 0.0,
            width: 1000.0,
        };
        let t = ticks(&scale, 80.0);
        let labels: Vec<_> = t.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels.first(), Some(&"0"));
        assert!(labels.contains(&"2ms"), "{labels:?}");
        assert!(t.len() <= 13 && t.len() >= 5, "{labels:?}");
        assert!((scale.micros_from_px(scale.px_from_micros(1234.0)) - 1234.0).abs() < 0.05);
    }
}
