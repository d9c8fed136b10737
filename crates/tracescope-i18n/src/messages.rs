//! The table. One entry per message: `Key { en: "…", zh: "…" }`. Group entries by the page
//! they appear on; keep keys descriptive (they show in tests and in `data-i18n` hooks).

use crate::Lang;

macro_rules! messages {
    ($($key:ident { en: $en:literal, zh: $zh:literal $(,)? })*) => {
        /// One user-visible message.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            #[must_use]
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::En) => $en, (Msg::$key, Lang::ZhCn) => $zh,)*
                }
            }

            /// The variant's name, e.g. `"OpenFile"`.
            #[must_use]
            pub fn key(self) -> &'static str {
                match self { $(Msg::$key => stringify!($key),)* }
            }

            #[must_use]
            pub fn from_key(key: &str) -> Option<Msg> {
                match key { $(stringify!($key) => Some(Msg::$key),)* _ => None }
            }
        }
    };
}

/// Messages whose Chinese text is deliberately the same as the English (names, symbols).
#[cfg(test)]
pub(crate) const SAME_IN_BOTH: &[Msg] = &[Msg::Brand];

messages! {
    // App shell
    Brand { en: "tracescope", zh: "tracescope" }
    OpenFile { en: "Open trace file…", zh: "打开追踪文件…" }
    DropHint {
        en: "Drop a trace file to open it (Zipkin v1/v2, Jaeger or OTLP JSON)",
        zh: "拖放追踪文件即可打开（Zipkin v1/v2、Jaeger 或 OTLP JSON）",
    }
    ThemeLight { en: "☀ Light", zh: "☀ 浅色" }
    ThemeDark { en: "☾ Dark", zh: "☾ 深色" }
    ThemeTitle { en: "Light or dark theme", zh: "浅色或深色主题" }
    ApiTitle { en: "Zipkin API in use", zh: "当前使用的 Zipkin API" }
    ApiResolving { en: "resolving…", zh: "正在解析…" }
    Dismiss { en: "Dismiss", zh: "关闭" }
    Language { en: "Language", zh: "语言" }
    NavSearch { en: "Search", zh: "搜索" }
    NavDependencies { en: "Dependencies", zh: "依赖" }
    NoTrace { en: "No trace to show.", zh: "没有可显示的追踪。" }

    // Trace view: export menu
    ExportMenu { en: "Export ▾", zh: "导出 ▾" }
    ExportZipkin { en: "Trace as Zipkin v2 JSON", zh: "追踪（Zipkin v2 JSON）" }
    ExportOriginal { en: "Original file", zh: "原始文件" }
    ExportPng { en: "Waterfall as PNG", zh: "瀑布图（PNG）" }
    ExportServicesCsv { en: "Service statistics (CSV)", zh: "服务统计（CSV）" }
    ExportOperationsCsv { en: "Operation statistics (CSV)", zh: "操作统计（CSV）" }
    CopyPermalink { en: "Copy permalink", zh: "复制永久链接" }
    LinkCopied { en: "Link copied ✓", zh: "链接已复制 ✓" }
    SpanCount { en: "{n} spans", zh: "{n} 个跨度" }
}
