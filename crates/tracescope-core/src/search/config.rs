//! What the server and the deployment say about the UI: Zipkin Lens's `config.json` fields,
//! and which API base is in effect (`?api=` > `config.json` > the one saved in the settings
//! dialog > the page's own origin).

use serde::Deserialize;

/// Zipkin Lens's `config.json` (every field optional), plus `api`, which only a
/// `config.json` beside the app's `index.html` sets.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiConfig {
    pub api: Option<String>,
    pub environment: Option<String>,
    pub query_limit: Option<u32>,
    /// Milliseconds.
    pub default_lookback: Option<u64>,
    pub search_enabled: Option<bool>,
    pub logs_url: Option<String>,
    pub dependency: Option<DependencyConfig>,
    /// `light`, `dark` or `auto` (the deployment's default; `?theme=` wins).
    pub theme: Option<String>,
    /// `en` or `zh-CN` (the deployment's default; `?lang=` and the user's choice win).
    pub language: Option<String>,
    pub embed: Option<EmbedConfig>,
}

/// The deployment's embedding settings (`config.json` beside `index.html`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbedConfig {
    /// Origins of pages that may frame the app and exchange messages with it.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Defaults for the `hide=` and `collapse=` parameters.
    #[serde(default)]
    pub hide: Vec<String>,
    pub collapse: Option<u32>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DependencyConfig {
    pub enabled: Option<bool>,
    pub low_error_rate: Option<f64>,
    pub high_error_rate: Option<f64>,
}

/// A `config.json` that is not one: the message names the field (JSON path) and position.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at {path}, line {line}, column {column})")]
pub struct ConfigError {
    pub message: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
}

impl UiConfig {
    pub fn parse(bytes: &[u8]) -> Result<UiConfig, ConfigError> {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.clone(), |(m, _)| m.to_string());
            ConfigError {
                message,
                path,
                line: inner.line(),
                column: inner.column(),
            }
        })
    }

    /// `self` with every field `over` sets replaced (the deployment's file over the
    /// server's).
    pub fn overridden_by(self, over: UiConfig) -> UiConfig {
        let dep = match (self.dependency, over.dependency) {
            (Some(a), Some(b)) => Some(DependencyConfig {
                enabled: b.enabled.or(a.enabled),
                low_error_rate: b.low_error_rate.or(a.low_error_rate),
                high_error_rate: b.high_error_rate.or(a.high_error_rate),
            }),
            (a, b) => b.or(a),
        };
        UiConfig {
            api: over.api.or(self.api),
            environment: over.environment.or(self.environment),
            query_limit: over.query_limit.or(self.query_limit),
            default_lookback: over.default_lookback.or(self.default_lookback),
            search_enabled: over.search_enabled.or(self.search_enabled),
            logs_url: over.logs_url.or(self.logs_url),
            dependency: dep,
            theme: over.theme.or(self.theme),
            language: over.language.or(self.language),
            embed: over.embed.or(self.embed),
        }
    }

    /// The deployment's defaults as URL parameters, for `embed::EmbedOptions::from_params`
    /// to read before the real URL's.
    pub fn embed_defaults(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(t) = &self.theme {
            out.push(("theme".to_string(), t.clone()));
        }
        if let Some(l) = &self.language {
            out.push(("lang".to_string(), l.clone()));
        }
        if let Some(e) = &self.embed {
            if !e.hide.is_empty() {
                out.push(("hide".to_string(), e.hide.join(",")));
            }
            if let Some(c) = e.collapse {
                out.push(("collapse".to_string(), c.to_string()));
            }
        }
        out
    }

    /// Zipkin's defaults for the dependency page's edge colours: (low, high) error rates.
    pub fn error_rates(&self) -> (f64, f64) {
        let d = self.dependency.unwrap_or_default();
        (
            d.low_error_rate.unwrap_or(0.5),
            d.high_error_rate.unwrap_or(0.75),
        )
    }

    /// The logs link of a trace: `logsUrl` with `{traceId}` replaced; only http(s) URLs
    /// (the value comes from a server and becomes a link).
    pub fn logs_link(&self, trace_id: &str) -> Option<String> {
        let url = self.logs_url.as_deref()?.trim();
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return None;
        }
        Some(url.replace("{traceId}", &crate::api::encode_component(trace_id)))
    }
}

/// Where the API base in effect came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseSource {
    UrlParameter,
    ConfigFile,
    Saved,
    SameOrigin,
}

impl BaseSource {
    pub fn label(self) -> &'static str {
        match self {
            BaseSource::UrlParameter => "?api= parameter",
            BaseSource::ConfigFile => "config.json",
            BaseSource::Saved => "saved setting",
            BaseSource::SameOrigin => "same origin",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            BaseSource::UrlParameter => "url",
            BaseSource::ConfigFile => "config",
            BaseSource::Saved => "saved",
            BaseSource::SameOrigin => "same-origin",
        }
    }
}

/// The base in effect: the first non-blank of `?api=`, `config.json`'s `api`, the saved
/// setting; else the page's origin (an empty base).
pub fn choose_base(
    url_param: Option<&str>,
    config_file: Option<&str>,
    saved: Option<&str>,
) -> (String, BaseSource) {
    let pick = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    if let Some(b) = pick(url_param) {
        return (b, BaseSource::UrlParameter);
    }
    if let Some(b) = pick(config_file) {
        return (b, BaseSource::ConfigFile);
    }
    if let Some(b) = pick(saved) {
        return (b, BaseSource::Saved);
    }
    (String::new(), BaseSource::SameOrigin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipkin_lens_config_parses() {
        let c = UiConfig::parse(
            br#"{"environment":"prod","queryLimit":25,"defaultLookback":3600000,
                "searchEnabled":true,"logsUrl":"https://logs/?q={traceId}",
                "dependency":{"enabled":true,"lowErrorRate":0.1,"highErrorRate":0.2},
                "somethingNew":[1,2]}"#,
        )
        .expect("valid");
        assert_eq!(c.environment.as_deref(), Some("prod"));
        assert_eq!(c.query_limit, Some(25));
        assert_eq!(c.default_lookback, Some(3_600_000));
        assert_eq!(c.error_rates(), (0.1, 0.2));
        assert_eq!(
            c.logs_link("ab/c").as_deref(),
            Some("https://logs/?q=ab%2Fc")
        );
        assert_eq!(UiConfig::default().error_rates(), (0.5, 0.75));
    }

    #[test]
    fn a_wrong_field_is_named_with_its_position() {
        let e = UiConfig::parse(br#"{"queryLimit": "many"}"#).expect_err("string limit");
        assert_eq!(e.path, "queryLimit");
        assert_eq!((e.line, e.column), (1, 21));
        assert!(e.to_string().contains("invalid type"), "{e}");
        let e = UiConfig::parse(b"{\"a\":").expect_err("truncated");
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn only_web_links_are_made() {
        let c = UiConfig {
            logs_url: Some("javascript:alert({traceId})".into()),
            ..UiConfig::default()
        };
        assert_eq!(c.logs_link("1"), None);
    }

    #[test]
    fn the_deployment_overrides_the_server_field_by_field() {
        let server = UiConfig::parse(
            br#"{"queryLimit":10,"environment":"x","dependency":{"lowErrorRate":0.3}}"#,
        )
        .expect("valid");
        let local = UiConfig::parse(br#"{"api":"http://z","dependency":{"highErrorRate":0.9}}"#)
            .expect("valid");
        let m = server.overridden_by(local);
        assert_eq!(m.api.as_deref(), Some("http://z"));
        assert_eq!(m.query_limit, Some(10));
        assert_eq!(m.error_rates(), (0.3, 0.9));
    }

    #[test]
    fn embed_defaults_become_parameters() {
        let c = UiConfig::parse(
            br#"{"theme":"dark","language":"zh-CN","embed":{"allowedOrigins":["https://grafana.example"],"hide":["minimap","detail"],"collapse":2}}"#,
        )
        .expect("valid");
        assert_eq!(
            c.embed.as_ref().map(|e| e.allowed_origins.clone()),
            Some(vec!["https://grafana.example".to_string()])
        );
        let pairs = c.embed_defaults();
        let (o, errors) = crate::embed::EmbedOptions::from_params(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(o.theme, Some(crate::embed::ThemeChoice::Dark));
        assert_eq!(o.lang.as_deref(), Some("zh-CN"));
        assert_eq!(o.hide.names(), "minimap,detail");
        assert_eq!(o.collapse, Some(2));
        let e = UiConfig::parse(br#"{"embed":{"collapse":"deep"}}"#).expect_err("not a number");
        assert_eq!(e.path, "embed.collapse");
    }

    #[test]
    fn base_precedence() {
        assert_eq!(
            choose_base(Some("http://u"), Some("http://c"), Some("http://s")),
            ("http://u".into(), BaseSource::UrlParameter)
        );
        assert_eq!(
            choose_base(Some(" "), Some("http://c"), Some("http://s")),
            ("http://c".into(), BaseSource::ConfigFile)
        );
        assert_eq!(
            choose_base(None, None, Some("http://s")),
            ("http://s".into(), BaseSource::Saved)
        );
        assert_eq!(
            choose_base(None, Some(""), None),
            (String::new(), BaseSource::SameOrigin)
        );
    }
}
