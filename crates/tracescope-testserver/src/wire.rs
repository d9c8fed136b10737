//! The Zipkin v2 span on the wire, stored as received after the same clean-up Zipkin's
//! `Span.Builder` does. Serialisation follows Zipkin's JSON encoder: fixed field order, absent and
//! empty fields omitted, tags sorted, `shared`/`debug` only when true.
//!
//! Parsing is lenient where real exporters differ and Zipkin would still store the span
//! (numbers or booleans as tag values, `null` for optional fields, upper-case hex ids).

use crate::ids::{normalize_data_trace_id, normalize_span_id};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Kind {
    Client,
    Server,
    Producer,
    Consumer,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_u64"
    )]
    pub port: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Annotation {
    #[serde(deserialize_with = "required_u64")]
    pub timestamp: u64,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    pub trace_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_u64"
    )]
    pub timestamp: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_u64"
    )]
    pub duration: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_endpoint: Option<Endpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_endpoint: Option<Endpoint>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    pub annotations: Vec<Annotation>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "lenient_tags"
    )]
    pub tags: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<bool>,
}

impl Span {
    /// Applies Zipkin's `Span.Builder` clean-up. `lowercase` also lower-cases service and span
    /// names as Zipkin does (off by default here, see the README).
    ///
    /// # Errors
    /// A Zipkin-style message when an id is missing or not hex.
    pub fn normalize(mut self, lowercase: bool) -> Result<Span, String> {
        self.trace_id = normalize_data_trace_id(&self.trace_id)?;
        self.id = normalize_span_id(&self.id)?.ok_or("Missing: id")?;
        self.parent_id = match self.parent_id.as_deref() {
            None | Some("") => None,
            Some(p) => normalize_span_id(p)?,
        };
        if self.parent_id.as_deref() == Some(self.id.as_str()) {
            self.parent_id = None;
        }
        self.name =
            self.name
                .filter(|n| !n.is_empty())
                .map(|n| if lowercase { n.to_lowercase() } else { n });
        self.timestamp = self.timestamp.filter(|&t| t > 0);
        self.duration = self.duration.filter(|&d| d > 0);
        self.local_endpoint = self
            .local_endpoint
            .and_then(|e| clean_endpoint(e, lowercase));
        self.remote_endpoint = self
            .remote_endpoint
            .and_then(|e| clean_endpoint(e, lowercase));
        self.annotations.sort();
        self.annotations.dedup();
        self.debug = self.debug.filter(|&d| d);
        // `shared` is for the server side; Zipkin unsets it if set on a client.
        self.shared = self
            .shared
            .filter(|&s| s && self.kind != Some(Kind::Client));
        Ok(self)
    }

    pub fn local_service(&self) -> Option<&str> {
        self.local_endpoint.as_ref()?.service_name.as_deref()
    }

    pub fn remote_service(&self) -> Option<&str> {
        self.remote_endpoint.as_ref()?.service_name.as_deref()
    }

    pub fn is_shared(&self) -> bool {
        self.shared == Some(true)
    }
}

fn clean_endpoint(mut e: Endpoint, lowercase: bool) -> Option<Endpoint> {
    e.service_name =
        e.service_name
            .filter(|s| !s.is_empty())
            .map(|s| if lowercase { s.to_lowercase() } else { s });
    e.ipv4 = e.ipv4.filter(|s| !s.is_empty());
    e.ipv6 = e.ipv6.filter(|s| !s.is_empty());
    e.port = e.port.filter(|&p| p > 0);
    if e == Endpoint::default() {
        None
    } else {
        Some(e)
    }
}

// ------------------------------------------------------------------ lenient field parsers

struct U64Visitor;

impl<'de> Visitor<'de> for U64Visitor {
    type Value = Option<u64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a non-negative integer (microseconds)")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        // Zipkin clamps negative times to "absent".
        Ok(u64::try_from(v).ok())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok((v.is_finite() && v >= 0.0).then_some(v as u64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        v.trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| E::custom(format!("expected a number, found {v:?}")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(U64Visitor)
    }
}

fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_any(U64Visitor)
}

fn required_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(d.deserialize_any(U64Visitor)?.unwrap_or(0))
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A tag value: Zipkin requires strings, but exporters send numbers and booleans too.
struct TagValue(Option<String>);

impl<'de> Deserialize<'de> for TagValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TagValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string tag value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TagValue, E> {
                Ok(TagValue(Some(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<TagValue, E> {
                Ok(TagValue(Some(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<TagValue, E> {
                Ok(TagValue(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TagValue, E> {
                Ok(TagValue(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TagValue, E> {
                Ok(TagValue(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TagValue, E> {
                Ok(TagValue(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<TagValue, E> {
                Ok(TagValue(None))
            }
        }
        d.deserialize_any(V)
    }
}

fn lenient_tags<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    struct TagsVisitor;
    impl<'de> Visitor<'de> for TagsVisitor {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object of string tags")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, TagValue>()? {
                if let Some(v) = v.0 {
                    out.insert(k, v);
                }
            }
            Ok(out)
        }
    }
    d.deserialize_any(TagsVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Span {
        serde_json::from_str::<Span>(json)
            .expect("valid span json")
            .normalize(false)
            .expect("valid ids")
    }

    #[test]
    fn absent_fields_stay_absent() {
        let s = parse(r#"{"traceId":"a","id":"b"}"#);
        assert_eq!(
            serde_json::to_string(&s).expect("serialisable"),
            r#"{"traceId":"000000000000000a","id":"000000000000000b"}"#
        );
    }

    #[test]
    fn cleans_like_zipkin() {
        let s = parse(
            r#"{"traceId":"A","id":"b","parentId":"b","kind":"CLIENT","shared":true,
                "name":"","timestamp":0,"duration":-3,"debug":false,
                "localEndpoint":{"serviceName":"","port":0},
                "remoteEndpoint":{"serviceName":"Db","port":5432},
                "tags":{"n":1,"b":true,"nul":null,"s":"x"},"annotations":null}"#,
        );
        assert_eq!(s.trace_id, "000000000000000a");
        assert_eq!(s.parent_id, None);
        assert_eq!(s.shared, None);
        assert_eq!(s.name, None);
        assert_eq!(s.timestamp, None);
        assert_eq!(s.duration, None);
        assert_eq!(s.debug, None);
        assert_eq!(s.local_endpoint, None);
        assert_eq!(s.remote_service(), Some("Db"));
        assert_eq!(s.tags.get("n").map(String::as_str), Some("1"));
        assert_eq!(s.tags.get("b").map(String::as_str), Some("true"));
        assert!(!s.tags.contains_key("nul"));
    }

    #[test]
    fn lowercase_option_matches_zipkin() {
        let s: Span = serde_json::from_str(
            r#"{"traceId":"a","id":"b","name":"GET /Foo","localEndpoint":{"serviceName":"Web"}}"#,
        )
        .expect("valid");
        let s = s.normalize(true).expect("valid");
        assert_eq!(s.name.as_deref(), Some("get /foo"));
        assert_eq!(s.local_service(), Some("web"));
    }

    #[test]
    fn rejects_bad_ids() {
        let s: Span = serde_json::from_str(r#"{"traceId":"zz","id":"b"}"#).expect("json ok");
        assert!(s.normalize(false).is_err());
    }
}
