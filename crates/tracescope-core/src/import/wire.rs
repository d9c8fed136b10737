//! Lenient deserializers shared by the format adapters: real reporters send durations as
//! floats, numbers as strings, and tag values that are not strings.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

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

/// A string-to-string map kept as a list in input order, with non-string scalar values
/// (numbers, booleans) turned into their JSON text rather than rejected.
#[derive(Debug, Default)]
pub struct TagList<'a>(pub Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de: 'a, 'a> Deserialize<'de> for TagList<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = TagList<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of string values")
            }
            fn visit_unit<E: de::Error>(self) -> Result<TagList<'a>, E> {
                Ok(TagList::default())
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<TagList<'a>, M::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(key) = map.next_key::<CowStr<'a>>()? {
                    let value: ScalarText<'a> = map.next_value()?;
                    out.push((key.0, value.0));
                }
                Ok(TagList(out))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
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
