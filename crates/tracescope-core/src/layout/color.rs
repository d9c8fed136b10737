//! Colours, as 0xRRGGBB. A service keeps its colour across traces and sessions: it is
//! picked by a hash of the service name.

/// Distinguishable hues that read on both light and dark backgrounds.
const SERVICE_PALETTE: [u32; 16] = [
    0x4e79a7, 0xf28e2b, 0x59a14f, 0xb07aa1, 0x76b7b2, 0xedc948, 0xff9da7, 0x9c755f, 0x5b8ff9,
    0x5ad8a6, 0xd37295, 0x8cd17d, 0xb6992d, 0x499894, 0x86bcb6, 0xa0cbe8,
];

pub fn service_color(name: &str) -> u32 {
    SERVICE_PALETTE[palette_slot(name)]
}

fn palette_slot(name: &str) -> usize {
    // FNV-1a: tiny, stable across platforms and releases.
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % SERVICE_PALETTE.len() as u32) as usize
}

/// Colours for the services of one trace: each keeps its hashed colour unless another
/// service of the trace already has it, then takes the next free one, so that up to
/// 16 services are told apart. Assigned in name order, so the result does not depend on
/// span order.
pub fn distinct_service_colors(names: &[&str]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| names[i]);
    let mut taken = [false; SERVICE_PALETTE.len()];
    let mut out = vec![0; names.len()];
    for i in order {
        let mut slot = palette_slot(names[i]);
        if taken.iter().all(|t| *t) {
            out[i] = SERVICE_PALETTE[slot];
            continue;
        }
        while taken[slot] {
            slot = (slot + 1) % SERVICE_PALETTE.len();
        }
        taken[slot] = true;
        out[i] = SERVICE_PALETTE[slot];
    }
    out
}

/// The colours of one theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub background: u32,
    pub stripe: u32,
    pub text: u32,
    pub muted: u32,
    pub grid: u32,
    pub ruler: u32,
    pub error: u32,
    pub divider: u32,
    pub selected: u32,
    pub hover: u32,
    pub critical: u32,
    pub skew: u32,
}

impl Theme {
    pub const LIGHT: Theme = Theme {
        background: 0xffffff,
        stripe: 0xf5f7fa,
        text: 0x1f2328,
        muted: 0x656d76,
        grid: 0xe3e6ea,
        ruler: 0xeef1f4,
        error: 0xd1242f,
        divider: 0xc9ced4,
        selected: 0xdbeafe,
        hover: 0xeef4ff,
        critical: 0x1f2328,
        skew: 0xe36209,
    };
    pub const DARK: Theme = Theme {
        background: 0x16191d,
        stripe: 0x1c2026,
        text: 0xe6edf3,
        muted: 0x9198a1,
        grid: 0x2c323a,
        ruler: 0x22272e,
        error: 0xff6b6b,
        divider: 0x3a414a,
        selected: 0x1f3a5f,
        hover: 0x232a33,
        critical: 0xf0f3f6,
        skew: 0xffa657,
    };
}

/// `#rrggbb` for canvas fill styles.
pub fn css(color: u32) -> String {
    format!("#{:06x}", color & 0xff_ffff)
}

/// WCAG relative luminance of a colour (0 black … 1 white).
pub fn luminance(color: u32) -> f32 {
    let ch = |shift: u32| {
        let c = ((color >> shift) & 0xff) as f32 / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
}

/// Near-black or white, whichever contrasts more with `background` (text drawn on a bar).
pub fn text_on(background: u32) -> u32 {
    const DARK: u32 = 0x1f2328;
    const LIGHT: u32 = 0xffffff;
    let l = luminance(background);
    let against = |text: u32| {
        let t = luminance(text);
        (l.max(t) + 0.05) / (l.min(t) + 0.05)
    };
    if against(DARK) >= against(LIGHT) {
        DARK
    } else {
        LIGHT
    }
}

/// `a` moved `t` (0..1) of the way towards `b`, per channel.
pub fn mix(a: u32, b: u32, t: f32) -> u32 {
    let ch = |shift: u32| {
        let x = ((a >> shift) & 0xff) as f32;
        let y = ((b >> shift) & 0xff) as f32;
        ((x + (y - x) * t).round().clamp(0.0, 255.0) as u32) << shift
    };
    ch(16) | ch(8) | ch(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_on_a_bar_contrasts_with_it() {
        assert_eq!(text_on(0xffffff), 0x1f2328);
        assert_eq!(text_on(0x000000), 0xffffff);
        // Every service colour and both error colours: a contrast of at least 3:1.
        for &c in SERVICE_PALETTE
            .iter()
            .chain(&[Theme::LIGHT.error, Theme::DARK.error])
        {
            let (a, b) = (luminance(c), luminance(text_on(c)));
            let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
            assert!(ratio >= 3.0, "{c:06x}: {ratio}");
        }
    }

    #[test]
    fn services_of_a_trace_get_distinct_colours() {
        let names: Vec<String> = (0..16).map(|i| format!("service-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let colors = distinct_service_colors(&refs);
        let mut unique = colors.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 16);
        // Order of appearance does not matter.
        let mut rev = refs.clone();
        rev.reverse();
        let mut back = distinct_service_colors(&rev);
        back.reverse();
        assert_eq!(back, colors);
    }
}
