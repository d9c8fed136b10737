//! Colours, as 0xRRGGBB. A service keeps its colour across traces and sessions: it is
//! picked by a hash of the service name.

/// Distinguishable hues that read on both light and dark backgrounds.
const SERVICE_PALETTE: [u32; 16] = [
    0x4e79a7, 0xf28e2b, 0x59a14f, 0xb07aa1, 0x76b7b2, 0xedc948, 0xff9da7, 0x9c755f, 0x5b8ff9,
    0x5ad8a6, 0xd37295, 0x8cd17d, 0xb6992d, 0x499894, 0x86bcb6, 0xa0cbe8,
];

pub fn service_color(name: &str) -> u32 {
    // FNV-1a: tiny, stable across platforms and releases.
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    SERVICE_PALETTE[(h % SERVICE_PALETTE.len() as u32) as usize]
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

/// `a` moved `t` (0..1) of the way towards `b`, per channel.
pub fn mix(a: u32, b: u32, t: f32) -> u32 {
    let ch = |shift: u32| {
        let x = ((a >> shift) & 0xff) as f32;
        let y = ((b >> shift) & 0xff) as f32;
        ((x + (y - x) * t).round().clamp(0.0, 255.0) as u32) << shift
    };
    ch(16) | ch(8) | ch(0)
}
