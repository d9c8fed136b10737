//! Fault injection for end-to-end tests of error handling in the viewer.
//!
//! A spec is a comma-separated list of `delay=MS`, `status=CODE`, `truncate=BYTES`, `rate=BYTES`
//! (per second) and `nocors`.
//! It can come from a path prefix (`/_fault/<spec>/api/v2/...`), from the `x-tracescope-fault`
//! request header, or from command-line flags (applied to every API request). Per-request specs
//! override the flags item by item.

use std::time::Duration;

pub const FAULT_HEADER: &str = "x-tracescope-fault";
pub const FAULT_PREFIX: &str = "/_fault/";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fault {
    pub delay: Option<Duration>,
    /// Answer with this status and the body `injected fault: status CODE` instead of the API.
    pub status: Option<u16>,
    /// Cut the response body after this many bytes (Content-Length matches the cut body).
    pub truncate: Option<usize>,
    /// Send the body at this many bytes per second (in 10 chunks a second), so a client can
    /// show its download progress.
    pub rate: Option<u64>,
    /// Leave out CORS headers, so a browser blocks the response.
    pub nocors: bool,
}

impl Fault {
    /// Parses a spec such as `delay=2000,truncate=10`. Empty items are ignored.
    ///
    /// # Errors
    /// A message naming the bad item.
    pub fn parse(spec: &str) -> Result<Fault, String> {
        let mut f = Fault::default();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (k, v) = item.split_once('=').unwrap_or((item, ""));
            let num = |what: &str| -> Result<u64, String> {
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| format!("bad fault spec item {item:?}: {what} needs a number"))
            };
            match k.trim() {
                "delay" => f.delay = Some(Duration::from_millis(num("delay")?)),
                "status" => {
                    let code = num("status")?;
                    if !(100..=999).contains(&code) {
                        return Err(format!("bad fault spec item {item:?}: status out of range"));
                    }
                    f.status = u16::try_from(code).ok();
                }
                "truncate" => {
                    f.truncate = Some(usize::try_from(num("truncate")?).unwrap_or(usize::MAX));
                }
                "rate" => f.rate = Some(num("rate")?.max(10)),
                "nocors" => f.nocors = true,
                other => {
                    return Err(format!(
                        "bad fault spec item {other:?}: expected delay=MS, status=CODE, \
                         truncate=BYTES, rate=BYTES or nocors"
                    ))
                }
            }
        }
        Ok(f)
    }

    /// Items set in `other` replace ours.
    #[must_use]
    pub fn overridden_by(mut self, other: &Fault) -> Fault {
        if other.delay.is_some() {
            self.delay = other.delay;
        }
        if other.status.is_some() {
            self.status = other.status;
        }
        if other.rate.is_some() {
            self.rate = other.rate;
        }
        if other.truncate.is_some() {
            self.truncate = other.truncate;
        }
        self.nocors |= other.nocors;
        self
    }

    #[must_use]
    pub fn is_none(&self) -> bool {
        *self == Fault::default()
    }
}

/// Splits `/_fault/<spec>/rest` into the spec and `/rest`.
#[must_use]
pub fn strip_fault_prefix(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix(FAULT_PREFIX)?;
    Some(match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_items() {
        let f = Fault::parse("delay=2000, status=503,truncate=10,nocors").expect("valid");
        assert_eq!(f.delay, Some(Duration::from_millis(2000)));
        assert_eq!(f.status, Some(503));
        assert_eq!(f.truncate, Some(10));
        assert!(f.nocors);
        assert!(Fault::parse("").expect("empty is fine").is_none());
    }

    #[test]
    fn rejects_garbage() {
        assert!(Fault::parse("delay=abc").is_err());
        assert_eq!(Fault::parse("rate=5000").expect("valid").rate, Some(5000));
        assert!(Fault::parse("explode").is_err());
        assert!(Fault::parse("status=42").is_err());
    }

    #[test]
    fn strips_prefix() {
        assert_eq!(
            strip_fault_prefix("/_fault/status=500/api/v2/services"),
            Some(("status=500", "/api/v2/services"))
        );
        assert_eq!(strip_fault_prefix("/_fault/nocors"), Some(("nocors", "/")));
        assert_eq!(strip_fault_prefix("/api/v2/services"), None);
    }

    #[test]
    fn request_overrides_flags() {
        let flags = Fault::parse("delay=5,status=500").expect("valid");
        let req = Fault::parse("status=404").expect("valid");
        let f = flags.overridden_by(&req);
        assert_eq!(f.status, Some(404));
        assert_eq!(f.delay, Some(Duration::from_millis(5)));
    }
}
