//! Every string the app shows, in English and Simplified Chinese.
//!
//! Each message is one `Msg` variant declared once with both texts side by side, so a message
//! without a translation does not compile, and a translator sees the English beside the
//! Chinese. Texts may hold `{name}` placeholders, filled by [`Msg::fill`]; the tests check that
//! both languages use the same placeholders.
//!
//! No web dependencies: the table is tested natively; the app picks the language
//! (`?lang=`, then the remembered choice, then `navigator.languages`).

mod messages;

pub use messages::Msg;

/// A language the app is translated into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag, as used in `?lang=`, `<html lang>` and storage.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, for the language switch.
    #[must_use]
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    /// Parses a tag leniently (`zh`, `zh-cn`, `zh_CN`, `zh-Hans`, `en-US` …); `None` for a
    /// language we do not have.
    #[must_use]
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            // Simplified is the only Chinese we have; a zh-TW reader still reads it better
            // than English.
            "zh" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The first of the browser's preferred languages we have, else English.
    #[must_use]
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred
            .into_iter()
            .find_map(Lang::parse)
            .unwrap_or_default()
    }
}

impl Msg {
    /// The text with each `{name}` replaced by its value; unknown placeholders stay visible
    /// (a bug to see, not to hide).
    #[must_use]
    pub fn fill(self, lang: Lang, args: &[(&str, &str)]) -> String {
        let mut out = self.text(lang).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// The `{name}` placeholders of a text, sorted.
#[must_use]
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_message_has_both_languages_with_the_same_placeholders() {
        for &m in Msg::ALL {
            let en = m.text(Lang::En);
            let zh = m.text(Lang::ZhCn);
            assert!(!en.trim().is_empty(), "{m:?} has no English text");
            assert!(!zh.trim().is_empty(), "{m:?} has no Chinese text");
            assert_eq!(
                placeholders(en),
                placeholders(zh),
                "{m:?}: placeholders differ"
            );
        }
    }

    #[test]
    fn chinese_texts_are_translated() {
        // A Chinese text identical to the English one is an untranslated copy, unless it is
        // a name or symbol that reads the same in both (listed in `SAME_IN_BOTH`).
        for &m in Msg::ALL {
            let (en, zh) = (m.text(Lang::En), m.text(Lang::ZhCn));
            if en == zh {
                assert!(
                    messages::SAME_IN_BOTH.contains(&m),
                    "{m:?} is not translated: {zh:?}"
                );
            }
        }
    }

    #[test]
    fn keys_are_unique() {
        let keys: HashSet<_> = Msg::ALL.iter().map(|m| m.key()).collect();
        assert_eq!(keys.len(), Msg::ALL.len());
        for &m in Msg::ALL {
            assert_eq!(Msg::from_key(m.key()), Some(m));
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        let m = Msg::ALL
            .iter()
            .copied()
            .find(|m| !placeholders(m.text(Lang::En)).is_empty())
            .expect("some message has a placeholder");
        let names = placeholders(m.text(Lang::En));
        let args: Vec<(&str, &str)> = names.iter().map(|n| (*n, "X")).collect();
        for lang in Lang::ALL {
            let filled = m.fill(lang, &args);
            assert!(!filled.contains('{'), "{lang:?}: {filled}");
        }
    }

    #[test]
    fn negotiation() {
        assert_eq!(Lang::negotiate(["zh-CN", "en"]), Lang::ZhCn);
        assert_eq!(Lang::negotiate(["de-DE", "zh_TW"]), Lang::ZhCn);
        assert_eq!(Lang::negotiate(["de-DE", "en-GB", "zh"]), Lang::En);
        assert_eq!(Lang::negotiate(["fr"]), Lang::En);
        assert_eq!(Lang::negotiate([]), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.tag()), Some(lang));
        }
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn placeholder_scan() {
        assert_eq!(placeholders("{b} of {a}"), ["a", "b"]);
        assert_eq!(placeholders("none"), Vec::<&str>::new());
        assert_eq!(placeholders("open {"), Vec::<&str>::new());
    }
}
