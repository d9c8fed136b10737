//! JSON reading shared by every adapter: a document (or JSON Lines of documents) is read in
//! one pass, each top-level object — or each object inside (nested) top-level arrays — is
//! handed to the adapter as soon as it is parsed, and every error is located by JSON path,
//! byte offset and line/column.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::position::Position;
use super::{skip_bom_and_ws, Format, ImportError};

/// Reads `bytes` as one JSON value, or as several whitespace-separated values (JSON Lines),
/// and calls `each` for every object found at the top level or inside top-level arrays
/// (arrays may nest: Zipkin's `/api/v2/traces` is an array of arrays of spans).
pub(super) fn for_each_object<'de, T, F>(
    bytes: &'de [u8],
    format: Format,
    each: F,
) -> Result<(), ImportError>
where
    T: Deserialize<'de>,
    F: FnMut(T),
{
    for_each_object_with(
        bytes,
        format,
        Typed {
            each,
            item: PhantomData,
        },
    )
}

/// Receives the top-level objects of a document, still unparsed: an adapter that converts
/// while it reads (so that big arrays inside an object are never held) implements this.
pub(super) trait ObjectSink<'de> {
    fn object<A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error>;

    /// Forgets what was read: the input is read again, to locate an error (see
    /// [`for_each_object_with`]). A sink whose errors depend on what it has read must reset.
    fn restart(&mut self) {}
}

/// Parses each object into `T`, then hands it to the closure.
struct Typed<T, F> {
    each: F,
    item: PhantomData<fn() -> T>,
}

impl<'de, T: Deserialize<'de>, F: FnMut(T)> ObjectSink<'de> for Typed<T, F> {
    fn object<A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error> {
        let value = T::deserialize(MapAccessDeserializer::new(map))?;
        (self.each)(value);
        Ok(())
    }
}

/// Like [`for_each_object`], with a sink that reads each object itself.
///
/// The input is read once without tracking the JSON path (which costs a tenth of the
/// import); only when that fails is it read again, from the start and with the path
/// tracked, to say where the error is. Parsing is deterministic, so the second reading
/// fails at the same place.
pub(super) fn for_each_object_with<'de, S: ObjectSink<'de>>(
    bytes: &'de [u8],
    format: Format,
    mut sink: S,
) -> Result<(), ImportError> {
    match read_items(bytes, format, &mut sink, false) {
        Ok(()) => Ok(()),
        Err(untracked) => {
            sink.restart();
            match read_items(bytes, format, &mut sink, true) {
                Err(located) => Err(located),
                // Not expected; the error without its path is still an answer.
                Ok(()) => Err(untracked),
            }
        }
    }
}

fn read_items<'de, S: ObjectSink<'de>>(
    bytes: &'de [u8],
    format: Format,
    sink: &mut S,
    track: bool,
) -> Result<(), ImportError> {
    let body = skip_bom_and_ws(bytes);
    let lead = bytes.len() - body.len();
    let mut pos = 0usize;
    let mut item = 1usize;
    while pos < body.len() {
        let slice = &body[pos..];
        let name_item = |mut err: LocatedError| {
            // The first value needs no name: a file of one value is the common case.
            if item > 1 {
                err.path = if err.path == "$" {
                    format!("line-item {item}")
                } else {
                    format!("line-item {item}.{}", err.path)
                };
            }
            err.into_import_error(format, bytes, lead + pos)
        };
        match parse_seed(slice, Each(&mut *sink), track) {
            Ok(None) => break,
            Ok(Some(next)) => {
                pos += next;
                item += 1;
            }
            Err(e) => return Err(name_item(e)),
        }
    }
    Ok(())
}

/// Parses one value at the start of `slice`, with path tracking if `track`. Returns `None`
/// when the slice held only that value, or `Some(offset)` of the next value when more follow.
fn parse_seed<'de, S>(slice: &'de [u8], seed: S, track: bool) -> Result<Option<usize>, LocatedError>
where
    S: DeserializeSeed<'de, Value = ()>,
{
    let mut de = serde_json::Deserializer::from_slice(slice);
    if track {
        let mut track = serde_path_to_error::Track::new();
        let result = seed.deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
        if let Err(e) = result {
            let path = track.path().to_string();
            return Err(located(
                slice,
                if path.is_empty() || path == "." {
                    "$".into()
                } else {
                    path
                },
                &e,
            ));
        }
    } else if let Err(e) = seed.deserialize(&mut de) {
        return Err(located(slice, "$".into(), &e));
    }
    match de.end() {
        Ok(()) => Ok(None),
        Err(e) if e.to_string().starts_with("trailing characters") => {
            // Another value follows (JSON Lines): serde_json points at its first byte.
            let next = Position::from_line_column(slice, e.line(), e.column()).offset;
            if next == 0 || next >= slice.len() {
                // Never loop without progress.
                return Err(located(slice, "$".into(), &e));
            }
            Ok(Some(next))
        }
        Err(e) => Err(located(slice, "$".into(), &e)),
    }
}

/// A parse error located relative to the slice that was parsed.
pub(super) struct LocatedError {
    pub path: String,
    pub offset: usize,
    pub message: String,
}

impl LocatedError {
    /// Converts into an [`ImportError`] positioned in the whole input; `base` is where the
    /// parsed slice starts in `whole`.
    pub fn into_import_error(self, format: Format, whole: &[u8], base: usize) -> ImportError {
        ImportError::Invalid {
            format,
            path: self.path,
            position: Position::from_offset(whole, base + self.offset),
            message: self.message,
        }
    }
}

fn located(slice: &[u8], path: String, e: &serde_json::Error) -> LocatedError {
    let at = Position::from_line_column(slice, e.line(), e.column());
    // serde_json appends " at line L column C"; we say where ourselves.
    let text = e.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m)
        .to_string();
    LocatedError {
        path,
        offset: at.offset,
        message,
    }
}

/// Hands an object to the sink, or walks an array (of arrays) of them.
struct Each<'s, S>(&'s mut S);

impl<'de, S: ObjectSink<'de>> DeserializeSeed<'de> for Each<'_, S> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: ObjectSink<'de>> Visitor<'de> for Each<'_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or an array of objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.object(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let sink = self.0;
        while seq.next_element_seed(Each(&mut *sink))?.is_some() {}
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Item {
        n: i64,
    }

    fn read(input: &str) -> Result<Vec<i64>, ImportError> {
        let mut out = Vec::new();
        for_each_object::<Item, _>(input.as_bytes(), Format::ZipkinV2, |i| out.push(i.n))?;
        Ok(out)
    }

    #[test]
    fn objects_arrays_nested_arrays_and_lines() {
        assert_eq!(read(r#"{"n":1}"#).ok(), Some(vec![1]));
        assert_eq!(read(r#"[{"n":1},{"n":2}]"#).ok(), Some(vec![1, 2]));
        assert_eq!(
            read(r#"[[{"n":1}],[{"n":2},{"n":3}]]"#).ok(),
            Some(vec![1, 2, 3])
        );
        assert_eq!(
            read("{\"n\":1}\n{\"n\":2}\r\n\n  {\"n\":3}\n").ok(),
            Some(vec![1, 2, 3])
        );
        assert_eq!(read("{\"n\":1}{\"n\":2}").ok(), Some(vec![1, 2]));
        assert_eq!(read("[]").ok(), Some(vec![]));
        assert_eq!(read("\u{feff}  [{\"n\":1}]").ok(), Some(vec![1]));
    }

    #[test]
    fn errors_name_path_and_line_item() {
        let Err(ImportError::Invalid { path, position, .. }) =
            read("{\"n\":1}\n{\"n\":2}\n{\"n\":\"x\"}\n")
        else {
            panic!("expected an error")
        };
        assert_eq!(path, "line-item 3.n");
        assert_eq!(position.line, 3);

        let Err(ImportError::Invalid { path, .. }) = read(r#"[[{"n":1}],[{"n":2},{"m":3}]]"#)
        else {
            panic!("expected an error")
        };
        assert_eq!(path, "[1][1]");

        let Err(ImportError::Invalid { message, .. }) = read("{\"n\":1} garbage") else {
            panic!("expected an error")
        };
        assert!(message.contains("expected value"), "{message}");
        assert!(read("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[").is_err());
        assert!(read("[1]").is_err());
        assert!(read("null").is_err());
    }
}
