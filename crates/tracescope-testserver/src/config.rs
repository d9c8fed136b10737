//! Command-line configuration. Hand-parsed to keep the test server light to build.

use crate::fault::Fault;
use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "\
usage: tracescope-testserver [options]

  --host HOST                 listen address (default 127.0.0.1)
  --port PORT                 port (default 9411; 0 picks a free port)
  --load PATH                 load Zipkin v2 JSON from a file or folder (repeatable)
  --samples N                 generate N synthetic demo traces in the last hour (default 0)
  --seed S                    seed for --samples (default 1)
  --shift-to-now              move each loaded trace so its newest span ends just before now
  --static DIR                serve a static folder (e.g. the app's dist/)
  --static-path /PREFIX/      where --static is mounted (default /)
  --static-header 'NAME: V'   add a header to every static file response (repeatable),
                              e.g. a Content-Security-Policy
  --allowed-origins A,B       CORS allowed origins (default *)
  --no-cors                   send no CORS headers at all
  --fault-delay-ms N          delay every API response by N ms
  --fault-status CODE         answer every API request with CODE
  --fault-truncate BYTES      cut every API response body after BYTES bytes
  --autocomplete-keys K1,K2   tag keys offered by /autocompleteKeys
                              (default environment,http.method,http.path; empty for none)
  --lowercase-names           lower-case service and span names on ingest, as Zipkin does
  --lookback-ms N             default lookback of /traces and /dependencies (default 86400000)
  --dependencies-file PATH    answer /dependencies with this file's links (any window),
                              instead of links computed from the stored traces
  --environment NAME          config.json environment (default empty)
  --query-limit N             config.json queryLimit (default 10)
  --ui-default-lookback-ms N  config.json defaultLookback (default 900000)
  --logs-url URL              config.json logsUrl (optional)
  --low-error-rate R          config.json dependency.lowErrorRate (default 0.5)
  --high-error-rate R         config.json dependency.highErrorRate (default 0.75)
  --skywalking                serve the API only under /zipkin, as SkyWalking's Zipkin query module does
  -h, --help                  this help";

/// What Zipkin Lens reads from `/zipkin/config.json`.
#[derive(Clone, Debug, PartialEq)]
pub struct UiConfig {
    pub environment: String,
    pub query_limit: u32,
    pub default_lookback_ms: u64,
    pub search_enabled: bool,
    pub dependency_enabled: bool,
    pub low_error_rate: f64,
    pub high_error_rate: f64,
    pub logs_url: Option<String>,
}

impl Default for UiConfig {
    fn default() -> Self {
        // Zipkin server defaults (zipkin.ui.*).
        Self {
            environment: String::new(),
            query_limit: 10,
            default_lookback_ms: 900_000,
            search_enabled: true,
            dependency_enabled: true,
            low_error_rate: 0.5,
            high_error_rate: 0.75,
            logs_url: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    pub loads: Vec<PathBuf>,
    pub samples: usize,
    pub seed: u64,
    pub shift_to_now: bool,
    pub static_dir: Option<PathBuf>,
    pub static_path: String,
    /// Extra headers on static files (name, value): how a host sends a CSP.
    pub static_headers: Vec<(String, String)>,
    pub cors_enabled: bool,
    pub allowed_origins: Vec<String>,
    /// Faults applied to every API request (from the `--fault-*` flags).
    pub fault: Fault,
    pub autocomplete_keys: Vec<String>,
    pub lowercase_names: bool,
    pub lookback_ms: i64,
    /// Fixed `/dependencies` answer (a JSON file), for big or real link sets.
    pub dependencies_file: Option<PathBuf>,
    pub ui: UiConfig,
    /// SkyWalking's Zipkin query module: the API and config.json exist only under `/zipkin`.
    pub zipkin_prefix_only: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 9411,
            loads: Vec::new(),
            samples: 0,
            seed: 1,
            shift_to_now: false,
            static_dir: None,
            static_path: "/".into(),
            static_headers: Vec::new(),
            cors_enabled: true,
            allowed_origins: vec!["*".into()],
            fault: Fault::default(),
            autocomplete_keys: default_autocomplete_keys(),
            lowercase_names: false,
            lookback_ms: 86_400_000,
            dependencies_file: None,
            ui: UiConfig::default(),
            zipkin_prefix_only: false,
        }
    }
}

/// Zipkin's default is no keys at all; these make the demo's search form useful.
#[must_use]
pub fn default_autocomplete_keys() -> Vec<String> {
    ["environment", "http.method", "http.path"]
        .map(String::from)
        .to_vec()
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Outcome of parsing the command line.
#[derive(Debug, PartialEq)]
pub enum Cli {
    Run(Box<ServerConfig>),
    Help,
}

impl ServerConfig {
    /// Parses arguments (without the program name). Accepts `--flag value` and `--flag=value`.
    ///
    /// # Errors
    /// A message naming the offending flag.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Cli, String> {
        let mut c = ServerConfig::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = || -> Result<String, String> {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            fn num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
                v.trim()
                    .parse()
                    .map_err(|_| format!("{flag}: cannot parse {v:?} as a number"))
            }
            match flag.as_str() {
                "-h" | "--help" => return Ok(Cli::Help),
                "--host" => c.host = value()?,
                "--port" => c.port = num(&flag, &value()?)?,
                "--load" => c.loads.push(PathBuf::from(value()?)),
                "--samples" => c.samples = num(&flag, &value()?)?,
                "--seed" => c.seed = num(&flag, &value()?)?,
                "--shift-to-now" => c.shift_to_now = true,
                "--static" => c.static_dir = Some(PathBuf::from(value()?)),
                "--static-path" => c.static_path = normalize_mount(&value()?),
                "--static-header" => {
                    let v = value()?;
                    let (name, val) = v
                        .split_once(':')
                        .ok_or_else(|| format!("--static-header wants 'NAME: VALUE', got {v:?}"))?;
                    let (name, val) = (name.trim(), val.trim());
                    if axum::http::HeaderName::from_bytes(name.as_bytes()).is_err()
                        || axum::http::HeaderValue::from_str(val).is_err()
                    {
                        return Err(format!("--static-header: {v:?} is not a valid HTTP header"));
                    }
                    c.static_headers.push((name.to_string(), val.to_string()));
                }
                "--allowed-origins" => c.allowed_origins = list(&value()?),
                "--no-cors" => c.cors_enabled = false,
                "--fault-delay-ms" => {
                    c.fault.delay = Some(Duration::from_millis(num(&flag, &value()?)?));
                }
                "--fault-status" => {
                    let code: u16 = num(&flag, &value()?)?;
                    if !(100..=999).contains(&code) {
                        return Err(format!("{flag}: {code} is not an HTTP status"));
                    }
                    c.fault.status = Some(code);
                }
                "--fault-truncate" => c.fault.truncate = Some(num(&flag, &value()?)?),
                "--autocomplete-keys" => c.autocomplete_keys = list(&value()?),
                "--lowercase-names" => c.lowercase_names = true,
                "--lookback-ms" => c.lookback_ms = num(&flag, &value()?)?,
                "--dependencies-file" => c.dependencies_file = Some(PathBuf::from(value()?)),
                "--environment" => c.ui.environment = value()?,
                "--query-limit" => c.ui.query_limit = num(&flag, &value()?)?,
                "--ui-default-lookback-ms" => c.ui.default_lookback_ms = num(&flag, &value()?)?,
                "--logs-url" => c.ui.logs_url = Some(value()?),
                "--low-error-rate" => c.ui.low_error_rate = num(&flag, &value()?)?,
                "--high-error-rate" => c.ui.high_error_rate = num(&flag, &value()?)?,
                "--skywalking" => c.zipkin_prefix_only = true,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if c.lookback_ms <= 0 {
            return Err("--lookback-ms must be positive".into());
        }
        Ok(Cli::Run(Box::new(c)))
    }
}

/// `/app`, `app/` and `/app/` all mean the mount point `/app/`.
#[must_use]
pub fn normalize_mount(p: &str) -> String {
    let trimmed = p.trim().trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ServerConfig, String> {
        match ServerConfig::from_args(args.iter().map(|s| s.to_string()))? {
            Cli::Run(c) => Ok(*c),
            Cli::Help => Err("help".into()),
        }
    }

    #[test]
    fn defaults() {
        let c = parse(&[]).expect("no args is valid");
        assert_eq!(c.host, "127.0.0.1");
        assert_eq!(c.port, 9411);
        assert_eq!(c.allowed_origins, vec!["*".to_string()]);
        assert!(c.cors_enabled);
        assert!(c.fault.is_none());
    }

    #[test]
    fn every_flag() {
        let c = parse(&[
            "--host",
            "127.0.0.1",
            "--port=0",
            "--load",
            "a",
            "--load",
            "b",
            "--samples",
            "5",
            "--seed",
            "9",
            "--shift-to-now",
            "--static",
            "dist",
            "--static-path",
            "app",
            "--allowed-origins",
            "http://a, http://b",
            "--no-cors",
            "--fault-delay-ms",
            "10",
            "--fault-status",
            "503",
            "--fault-truncate",
            "7",
            "--autocomplete-keys",
            "",
            "--lowercase-names",
            "--logs-url",
            "http://logs/{traceId}",
        ])
        .expect("valid");
        assert_eq!(c.port, 0);
        assert_eq!(c.loads.len(), 2);
        assert_eq!(c.samples, 5);
        assert_eq!(c.seed, 9);
        assert!(c.shift_to_now);
        assert_eq!(c.static_path, "/app/");
        assert_eq!(c.allowed_origins, vec!["http://a", "http://b"]);
        assert!(!c.cors_enabled);
        assert_eq!(c.fault.status, Some(503));
        assert_eq!(c.fault.truncate, Some(7));
        assert_eq!(c.fault.delay, Some(Duration::from_millis(10)));
        assert!(c.autocomplete_keys.is_empty());
        assert!(c.lowercase_names);
        assert_eq!(c.ui.logs_url.as_deref(), Some("http://logs/{traceId}"));
    }

    #[test]
    fn errors_name_the_flag() {
        assert!(parse(&["--port"])
            .err()
            .is_some_and(|e| e.contains("--port")));
        assert!(parse(&["--port", "x"])
            .err()
            .is_some_and(|e| e.contains("--port")));
        assert!(parse(&["--fault-status", "9"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert_eq!(parse(&["-h"]), Err("help".into()));
        let c = parse(&[
            "--static-header",
            "Content-Security-Policy: default-src 'self'",
        ])
        .unwrap();
        assert_eq!(
            c.static_headers,
            [(
                "Content-Security-Policy".into(),
                "default-src 'self'".into()
            )]
        );
        assert!(parse(&["--static-header", "no colon"]).is_err());
        assert!(parse(&["--static-header", "bad name: x"]).is_err());
    }
}
