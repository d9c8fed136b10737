//! Embedding options: what a dashboard that hosts tracescope (by `<iframe>` or the JS API)
//! may ask for, parsed from URL parameters or mount options, and the origin check for
//! messages between the app and the page that frames it.
//!
//! Pure: the app reads the parameters and applies the result. A bad value is reported (the
//! parameter, the value, what is allowed) and ignored; the rest still applies.

use std::fmt;

/// A part of the UI that `hide=` can remove.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The trace view's overview strip above the waterfall.
    Minimap,
    /// The search page and every way to it (brand link, tabs).
    Search,
    /// The span detail panel.
    Detail,
    /// The trace view's summary header (root, start, duration, counts).
    Summary,
}

impl Part {
    pub const ALL: [Part; 4] = [Part::Minimap, Part::Search, Part::Detail, Part::Summary];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Part::Minimap => "minimap",
            Part::Search => "search",
            Part::Detail => "detail",
            Part::Summary => "summary",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The colour theme asked for; `Auto` follows the system and its changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeChoice {
    Light,
    Dark,
    Auto,
}

impl ThemeChoice {
    #[must_use]
    pub fn parse(v: &str) -> Option<ThemeChoice> {
        match v.trim().to_ascii_lowercase().as_str() {
            "light" => Some(ThemeChoice::Light),
            "dark" => Some(ThemeChoice::Dark),
            "auto" | "system" => Some(ThemeChoice::Auto),
            _ => None,
        }
    }
}

/// A set of hidden parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hidden(u8);

impl Hidden {
    #[must_use]
    pub fn contains(self, p: Part) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn insert(&mut self, p: Part) {
        self.0 |= p.bit();
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Comma-separated names, in `Part::ALL` order (for `data-hide` and URLs).
    #[must_use]
    pub fn names(self) -> String {
        Part::ALL
            .iter()
            .filter(|p| self.contains(**p))
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// What an embedding asked for. `None` fields were not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmbedOptions {
    /// `embed=1`: no header, no navigation chrome.
    pub embed: bool,
    pub hide: Hidden,
    pub theme: Option<ThemeChoice>,
    /// Collapse every span deeper than this on load (`collapse=0` shows only the root).
    pub collapse: Option<u32>,
    /// The requested language tag as given (`lang=zh-CN`); the app negotiates it.
    pub lang: Option<String>,
}

/// A parameter that was given but could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    pub param: String,
    pub value: String,
    /// The values that would work, as a plain list (no words: the app frames it in the
    /// UI's language).
    pub expected: &'static str,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "URL parameter {}={:?} was ignored: expected one of {}",
            self.param, self.value, self.expected
        )
    }
}

impl EmbedOptions {
    /// Reads the embedding parameters from `(name, value)` pairs (the URL's query, or a
    /// mount's options turned into the same pairs). Later pairs win; unknown names are
    /// not ours to judge and are skipped.
    #[must_use]
    pub fn from_params<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (EmbedOptions, Vec<ParamError>) {
        let mut o = EmbedOptions::default();
        let mut errors = Vec::new();
        let mut bad = |param: &str, value: &str, expected| {
            errors.push(ParamError {
                param: param.to_string(),
                value: value.to_string(),
                expected,
            });
        };
        for (name, value) in params {
            match name {
                "embed" => match parse_flag(value) {
                    Some(b) => o.embed = b,
                    None => bad(name, value, "1, 0, true, false"),
                },
                "hide" => {
                    o.hide = Hidden::default();
                    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        match Part::ALL
                            .iter()
                            .find(|p| p.name().eq_ignore_ascii_case(item))
                        {
                            Some(p) => o.hide.insert(*p),
                            None => bad(name, item, "minimap, search, detail, summary"),
                        }
                    }
                }
                "theme" => match ThemeChoice::parse(value) {
                    Some(t) => o.theme = Some(t),
                    None => bad(name, value, "light, dark, auto"),
                },
                "collapse" => match value.trim().parse::<u32>() {
                    Ok(d) => o.collapse = Some(d),
                    Err(_) => bad(name, value, "0, 1, 2, …"),
                },
                "lang" => {
                    if value.trim().is_empty() {
                        bad(name, value, "en, zh-CN");
                    } else {
                        o.lang = Some(value.trim().to_string());
                    }
                }
                _ => {}
            }
        }
        (o, errors)
    }
}

fn parse_flag(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// Whether a page at `origin` may exchange messages with the app: its own origin always;
/// others only when listed in `allowed` (exact `scheme://host[:port]`, trailing slash
/// ignored, or `*` for any).
#[must_use]
pub fn origin_allowed(origin: &str, own_origin: &str, allowed: &[String]) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    let origin = norm(origin);
    // An opaque origin ("null": sandboxed frames, file:) can never be told apart from another.
    if origin.is_empty() || origin == "null" {
        return false;
    }
    origin == norm(own_origin) || allowed.iter().any(|a| a.trim() == "*" || norm(a) == origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &[(&str, &str)]) -> (EmbedOptions, Vec<ParamError>) {
        EmbedOptions::from_params(q.iter().copied())
    }

    #[test]
    fn reads_every_parameter() {
        let (o, errors) = parse(&[
            ("embed", "1"),
            ("hide", "minimap, Detail"),
            ("theme", "dark"),
            ("collapse", "2"),
            ("lang", "zh-CN"),
            ("trace", "abc"),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(o.embed);
        assert!(o.hide.contains(Part::Minimap) && o.hide.contains(Part::Detail));
        assert!(!o.hide.contains(Part::Search) && !o.hide.contains(Part::Summary));
        assert_eq!(o.hide.names(), "minimap,detail");
        assert_eq!(o.theme, Some(ThemeChoice::Dark));
        assert_eq!(o.collapse, Some(2));
        assert_eq!(o.lang.as_deref(), Some("zh-CN"));
    }

    #[test]
    fn defaults_when_absent() {
        let (o, errors) = parse(&[]);
        assert_eq!(o, EmbedOptions::default());
        assert!(errors.is_empty());
        assert!(o.hide.is_empty());
    }

    #[test]
    fn bad_values_are_reported_and_the_rest_applies() {
        let (o, errors) = parse(&[
            ("hide", "minimap,sidebar"),
            ("theme", "purple"),
            ("collapse", "-1"),
            ("embed", "maybe"),
            ("lang", " "),
        ]);
        assert!(o.hide.contains(Part::Minimap));
        assert_eq!(o.theme, None);
        assert_eq!(o.collapse, None);
        assert!(!o.embed);
        let named: Vec<_> = errors
            .iter()
            .map(|e| (e.param.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("hide", "sidebar"),
                ("theme", "purple"),
                ("collapse", "-1"),
                ("embed", "maybe"),
                ("lang", " ")
            ]
        );
        assert_eq!(
            errors[0].to_string(),
            "URL parameter hide=\"sidebar\" was ignored: expected one of minimap, search, detail, summary"
        );
    }

    #[test]
    fn embed_flag_spellings() {
        for (v, want) in [
            ("1", true),
            ("true", true),
            ("", true),
            ("0", false),
            ("false", false),
        ] {
            assert_eq!(parse(&[("embed", v)]).0.embed, want, "{v:?}");
        }
    }

    #[test]
    fn origin_check() {
        let own = "https://traces.example";
        let allowed = vec!["https://grafana.example/".to_string()];
        assert!(origin_allowed("https://traces.example", own, &[]));
        assert!(origin_allowed("https://grafana.example", own, &allowed));
        assert!(origin_allowed("HTTPS://GRAFANA.EXAMPLE", own, &allowed));
        assert!(!origin_allowed(
            "https://grafana.example:8443",
            own,
            &allowed
        ));
        assert!(!origin_allowed("https://evil.example", own, &allowed));
        assert!(!origin_allowed("null", own, &["*".into()]));
        assert!(origin_allowed("https://any.example", own, &["*".into()]));
        assert!(!origin_allowed("", own, &["*".into()]));
    }
}
