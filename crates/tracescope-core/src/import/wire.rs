//! Lenient deserializers shared by the format adapters: real reporters send durations as
//! floats, numbers as strings, and tag values that are not strings.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::TextCache;
use crate::model::{Endpoint, StrId, Strings, Value};

/// An integer that may arrive as an integer, a float (rounded) or a numeric string.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LenientI64(pub i64);

impl<'de> Deserialize<'de> for LenientI64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LenientI64;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer number of microseconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientI64, E> {
                Ok(LenientI64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientI64, E> {
                i64::try_from(v)
                    .map(LenientI64)
                    .map_err(|_| E::custom(format!("{v} is out of range")))
            }
            #[allow(clippy::cast_possible_truncation)]
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientI64, E> {
                if v.is_finite() && v.abs() < 9.2e18 {
                    Ok(LenientI64(v.round() as i64))
                } else {
                    Err(E::custom(format!("{v} is out of range")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientI64, E> {
                let t = v.trim();
                if let Ok(i) = t.parse::<i64>() {
                    return Ok(LenientI64(i));
                }
                match t.parse::<f64>() {
                    Ok(f) => self.visit_f64(f),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A borrowed-when-possible string.
pub struct CowStr<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = CowStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<CowStr<'a>, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CowStr<'a>, E> {
                Ok(CowStr(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// Any JSON scalar as text: strings as they are, numbers and booleans as written.
pub struct ScalarText<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for ScalarText<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = ScalarText<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<ScalarText<'a>, E> {
                Ok(ScalarText(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ScalarText<'a>, E> {
                Ok(ScalarText(Cow::Owned(v.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ScalarText<'a>, E> {
                Ok(ScalarText(Cow::Borrowed(if v { "true" } else { "false" })))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ScalarText<'a>, E> {
                Ok(ScalarText(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ScalarText<'a>, E> {
                Ok(ScalarText(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ScalarText<'a>, E> {
                Ok(ScalarText(Cow::Owned(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<ScalarText<'a>, E> {
                Ok(ScalarText(Cow::Borrowed("")))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Nanoseconds since the epoch (OTLP `*UnixNano`): a decimal string or a JSON integer, read as
/// an integer so that values beyond 2^53 keep every digit. Numbers written with a fraction or
/// an exponent are accepted too (their precision was lost by the writer already).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nanos(pub u64);

impl<'de> Deserialize<'de> for Nanos {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Nanos;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative integer number of nanoseconds (a string or a number)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Nanos, E> {
                Ok(Nanos(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Nanos, E> {
                u64::try_from(v)
                    .map(Nanos)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Nanos, E> {
                if v.is_finite() && (0.0..1.8e19).contains(&v) {
                    Ok(Nanos(v as u64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Nanos, E> {
                let t = v.trim();
                if t.is_empty() {
                    return Ok(Nanos(0));
                }
                if let Ok(n) = t.parse::<u64>() {
                    return Ok(Nanos(n));
                }
                match t.parse::<f64>() {
                    Ok(f) if f.is_finite() => self.visit_f64(f),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Nanos, E> {
                Ok(Nanos(0))
            }
        }
        d.deserialize_any(V)
    }
}

/// An enum sent either as its number or as its name (OTLP `kind`, `status.code`).
pub enum NumberOrName<'a> {
    Number(i64),
    Name(Cow<'a, str>),
}

impl<'de: 'a, 'a> Deserialize<'de> for NumberOrName<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = NumberOrName<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an enum number or name")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(NumberOrName::Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(NumberOrName::Number(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(NumberOrName::Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(NumberOrName::Name(Cow::Owned(v.to_owned())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(NumberOrName::Number(0))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl NumberOrName<'_> {
    /// The number, or the number of the name in `names` (matched ignoring case).
    pub fn resolve(&self, names: &[&str]) -> Option<i64> {
        match self {
            NumberOrName::Number(n) => Some(*n),
            NumberOrName::Name(s) => {
                let s = s.trim();
                if let Ok(n) = s.parse::<i64>() {
                    return Some(n);
                }
                names
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(s))
                    .and_then(|p| i64::try_from(p).ok())
            }
        }
    }
}

/// Any JSON value, keeping scalars as they are and anything else as compact JSON text.
#[derive(Debug)]
pub enum Raw<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Json(String),
}

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Raw<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw<'a>, E> {
                Ok(Raw::Null)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw<'a>, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw<'a>, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw<'a>, E> {
                Ok(i64::try_from(v).map_or(Raw::UInt(v), Raw::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw<'a>, E> {
                Ok(Raw::Float(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Raw<'a>, E> {
                Ok(Raw::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw<'a>, E> {
                Ok(Raw::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Raw<'a>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Raw::Json(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Raw<'a>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Raw::Json(v.to_string()))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl Raw<'_> {
    /// The value as text, the way JSON writes it (strings unquoted, null empty).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Raw::Null => Cow::Borrowed(""),
            Raw::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Raw::Int(i) => Cow::Owned(i.to_string()),
            Raw::UInt(u) => Cow::Owned(u.to_string()),
            Raw::Float(f) => Cow::Owned(f.to_string()),
            Raw::Str(s) => Cow::Borrowed(s),
            Raw::Json(s) => Cow::Borrowed(s),
        }
    }

    /// The value with the type it has in JSON.
    pub fn into_value(self) -> Value {
        match self {
            Raw::Null => Value::Str("".into()),
            Raw::Bool(b) => Value::Bool(b),
            Raw::Int(i) => Value::Int(i),
            Raw::UInt(u) => Value::Str(u.to_string().into()),
            Raw::Float(f) => Value::Double(f),
            Raw::Str(s) => Value::Str(s.into()),
            Raw::Json(s) => Value::Json(s.into()),
        }
    }
}

/// A Zipkin endpoint (v1 annotation endpoints and v2 local/remote endpoints).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZipkinEndpoint<'a> {
    #[serde(borrow, default)]
    pub service_name: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    pub ipv4: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    pub ipv6: Option<CowStr<'a>>,
    #[serde(default)]
    pub port: Option<LenientI64>,
}

impl ZipkinEndpoint<'_> {
    pub fn convert(self, strings: &mut Strings, texts: &mut TextCache) -> Endpoint {
        Endpoint {
            // Zipkin lower-cases service names.
            service: self.service_name.map_or(StrId::EMPTY, |s| {
                // Most names are lower-case already: no copy for those.
                if s.0.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
                    strings.intern(&s.0)
                } else {
                    strings.intern(&s.0.to_lowercase())
                }
            }),
            ipv4: self
                .ipv4
                .filter(|s| !s.0.is_empty())
                .map(|s| texts.share(&s.0)),
            ipv6: self
                .ipv6
                .filter(|s| !s.0.is_empty())
                .map(|s| texts.share(&s.0)),
            port: self
                .port
                .and_then(|p| u16::try_from(p.0).ok())
                .filter(|p| *p != 0),
        }
    }
}

/// A JSON object kept as a list of (key, value) in input order.
pub struct Entries<'a, T>(pub Vec<(Cow<'a, str>, T)>);

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for Entries<'a, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a, T>(std::marker::PhantomData<(&'a (), T)>);
        impl<'de: 'a, 'a, T: Deserialize<'de>> Visitor<'de> for V<'a, T> {
            type Value = Entries<'a, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Entries(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<CowStr<'a>>()? {
                    out.push((key.0, map.next_value()?));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}
