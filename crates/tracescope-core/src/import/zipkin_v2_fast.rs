//! A reader for the common shape of Zipkin v2 JSON that skips serde: a byte cursor that
//! knows the span's fields, borrows strings from the input and validates as strictly as
//! serde_json does. It is an accelerator, not a second parser to trust: at anything it does
//! not handle — any error, a number written as a string or a float, a repeated field, deep
//! nesting — it gives up, and the serde reader (`zipkin_v2::parse`) reads the input from the
//! start, with its exact error messages. Both end in `zipkin_v2::build_span`, so the spans
//! they make agree by construction; a test checks it on every fixture.

use std::borrow::Cow;

use super::wire::{CowStr, LenientI64, ZipkinEndpoint};
use super::zipkin_v2::{build_span, Fields, Scratch, WireAnnotation};
use super::{skip_bom_and_ws, Batch};

/// Gave up: the serde reader takes over.
struct GiveUp;

type R<T> = Result<T, GiveUp>;

/// How deep arrays of spans and unknown values may nest before giving up (serde_json's own
/// limit is 128).
const MAX_DEPTH: usize = 100;

/// The spans of `bytes`, or `None` when the input is not in the shape this reader handles.
pub(super) fn parse(bytes: &[u8]) -> Option<Batch> {
    // Validated once as a whole (much faster than string by string); strings are then
    // slices of it. Invalid UTF-8 anywhere, even in a field the serde reader would skip,
    // leaves the input to the serde reader.
    let body = std::str::from_utf8(skip_bom_and_ws(bytes)).ok()?;
    let mut c = Cursor {
        s: body,
        b: body.as_bytes(),
        i: 0,
    };
    let mut batch = Batch::default();
    let mut scratch = Scratch::default();
    let mut read = || -> R<()> {
        // One value, or several separated by whitespace (JSON Lines).
        loop {
            c.ws();
            if c.i >= c.b.len() {
                return Ok(());
            }
            c.container(&mut batch, &mut scratch, 0)?;
        }
    };
    read().ok().map(|()| batch)
}

struct Cursor<'de> {
    s: &'de str,
    /// `s` as bytes.
    b: &'de [u8],
    i: usize,
}

impl<'de> Cursor<'de> {
    #[inline]
    fn ws(&mut self) {
        while let Some(&b) = self.b.get(self.i) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.i += 1;
        }
    }

    #[inline]
    fn peek(&self) -> R<u8> {
        self.b.get(self.i).copied().ok_or(GiveUp)
    }

    #[inline]
    fn eat(&mut self, byte: u8) -> R<()> {
        if self.peek()? == byte {
            self.i += 1;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// A span object, or an array (of arrays) of them.
    fn container(&mut self, batch: &mut Batch, scratch: &mut Scratch<'de>, depth: usize) -> R<()> {
        match self.peek()? {
            b'{' => {
                let fields = self.span(scratch)?;
                let span = build_span(fields, scratch, &mut batch.strings);
                if batch.spans.len() == batch.spans.capacity() {
                    self.reserve_for_the_rest(&mut batch.spans);
                }
                batch.spans.push(span);
                Ok(())
            }
            b'[' if depth < MAX_DEPTH => self.array(|c| c.container(batch, scratch, depth + 1)),
            _ => Err(GiveUp),
        }
    }

    /// Makes room for the spans still to come, estimated from the bytes per span so far
    /// (spans of one file are much alike), plus a little. Doubling would leave up to half
    /// the vector unused at the peak of an import; a span is some 300 bytes.
    fn reserve_for_the_rest<T>(&self, spans: &mut Vec<T>) {
        let (done, read) = (spans.len(), self.i.max(1));
        let rest = self.b.len().saturating_sub(read);
        let estimate = (rest as u128 * done as u128 / read as u128) as usize;
        spans.reserve_exact((estimate + estimate / 32).max(done / 8).max(64));
    }

    /// Calls `field` for each key of an object (the cursor on its `{`), with the cursor on
    /// the value; `field` must consume the value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, Cow<'de, str>) -> R<()>) -> R<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            field(self, key)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(GiveUp),
            }
        }
    }

    /// Calls `item` for each element of an array (the cursor on its `[`), with the cursor
    /// on the element; `item` must consume it.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> R<()>) -> R<()> {
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            item(self)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(GiveUp),
            }
        }
    }

    fn span(&mut self, scratch: &mut Scratch<'de>) -> R<Fields<'de>> {
        let mut trace_id = None;
        let mut id = None;
        let mut parent_id = None;
        let mut name = None;
        let mut kind = None;
        let mut timestamp = None;
        let mut duration = None;
        let mut local = None;
        let mut remote = None;
        let mut annotations = false;
        let mut tags = false;
        let mut debug = None;
        let mut shared = None;
        scratch.tags.clear();
        scratch.annotations.clear();
        self.object(|c, key| match &*key {
            "traceId" => set(&mut trace_id, c.string()?),
            "id" => set(&mut id, c.string()?),
            "parentId" => set(&mut parent_id, c.opt(|c| c.string())?),
            "name" => set(&mut name, c.opt(|c| c.string())?),
            "kind" => set(&mut kind, c.opt(|c| c.string())?),
            "timestamp" => set(&mut timestamp, c.opt(|c| c.integer())?),
            "duration" => set(&mut duration, c.opt(|c| c.integer())?),
            "localEndpoint" => set(&mut local, c.opt(|c| c.endpoint())?),
            "remoteEndpoint" => set(&mut remote, c.opt(|c| c.endpoint())?),
            "debug" => set(&mut debug, c.opt(|c| c.boolean())?),
            "shared" => set(&mut shared, c.opt(|c| c.boolean())?),
            "annotations" => {
                if std::mem::replace(&mut annotations, true) {
                    return Err(GiveUp);
                }
                if !c.null()? {
                    c.annotations(&mut scratch.annotations)?;
                }
                Ok(())
            }
            "tags" => {
                if std::mem::replace(&mut tags, true) {
                    return Err(GiveUp);
                }
                if !c.null()? {
                    c.tags(&mut scratch.tags)?;
                }
                Ok(())
            }
            _ => c.skip(0),
        })?;
        Ok(Fields {
            trace_id: trace_id.ok_or(GiveUp)?,
            id: id.ok_or(GiveUp)?,
            parent_id: parent_id.flatten(),
            name: name.flatten(),
            kind: kind.flatten(),
            timestamp: timestamp.flatten(),
            duration: duration.flatten(),
            local: local.flatten(),
            remote: remote.flatten(),
            debug: debug.flatten().unwrap_or(false),
            shared: shared.flatten().unwrap_or(false),
        })
    }

    fn endpoint(&mut self) -> R<ZipkinEndpoint<'de>> {
        let mut service_name = None;
        let mut ipv4 = None;
        let mut ipv6 = None;
        let mut port = None;
        self.object(|c, key| match &*key {
            "serviceName" => set(&mut service_name, c.opt(|c| c.string())?),
            "ipv4" => set(&mut ipv4, c.opt(|c| c.string())?),
            "ipv6" => set(&mut ipv6, c.opt(|c| c.string())?),
            "port" => set(&mut port, c.opt(|c| c.integer())?),
            _ => c.skip(0),
        })?;
        Ok(ZipkinEndpoint {
            service_name: service_name.flatten().map(CowStr),
            ipv4: ipv4.flatten().map(CowStr),
            ipv6: ipv6.flatten().map(CowStr),
            port: port.flatten().map(LenientI64),
        })
    }

    fn annotations(&mut self, out: &mut Vec<WireAnnotation<'de>>) -> R<()> {
        self.array(|c| {
            let mut timestamp = None;
            let mut value = None;
            c.object(|c, key| match &*key {
                "timestamp" => set(&mut timestamp, c.integer()?),
                "value" => set(&mut value, c.string()?),
                _ => c.skip(0),
            })?;
            out.push(WireAnnotation {
                timestamp: LenientI64(timestamp.ok_or(GiveUp)?),
                value: CowStr(value.ok_or(GiveUp)?),
            });
            Ok(())
        })
    }

    /// Tag values: strings as they are, `true`/`false` and integers as their text, `null` as
    /// empty (what the serde reader makes of them); anything else gives up.
    fn tags(&mut self, out: &mut Vec<(Cow<'de, str>, Cow<'de, str>)>) -> R<()> {
        self.object(|c, key| {
            let value = match c.peek()? {
                b'"' => c.string()?,
                b't' => {
                    c.literal(b"true")?;
                    Cow::Borrowed("true")
                }
                b'f' => {
                    c.literal(b"false")?;
                    Cow::Borrowed("false")
                }
                b'n' => {
                    c.literal(b"null")?;
                    Cow::Borrowed("")
                }
                _ => {
                    let start = c.i;
                    c.integer()?;
                    // Digits as written: a validated integer prints as itself (`-0` is
                    // refused by `integer`).
                    Cow::Borrowed(std::str::from_utf8(&c.b[start..c.i]).map_err(|_| GiveUp)?)
                }
            };
            out.push((key, value));
            Ok(())
        })
    }

    /// `null` (consumed, true) or something else (left, false).
    fn null(&mut self) -> R<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    #[inline(always)]
    fn opt<T>(&mut self, read: impl FnOnce(&mut Self) -> R<T>) -> R<Option<T>> {
        if self.null()? {
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }

    fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            // `nullx` is not `null`.
            match self.b.get(self.i) {
                Some(b) if b.is_ascii_alphanumeric() => Err(GiveUp),
                _ => Ok(()),
            }
        } else {
            Err(GiveUp)
        }
    }

    fn boolean(&mut self) -> R<bool> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => Err(GiveUp),
        }
    }

    /// A JSON integer that fits an i64, written plainly: no fraction, exponent, leading zero
    /// or `-0` (those go to the serde reader, which rounds and converts).
    fn integer(&mut self) -> R<i64> {
        let negative = self.peek()? == b'-';
        if negative {
            self.i += 1;
        }
        let start = self.i;
        let mut v: i64 = 0;
        while let Some(&b) = self.b.get(self.i) {
            if !b.is_ascii_digit() {
                break;
            }
            v = v.checked_mul(10).ok_or(GiveUp)?;
            v = v.checked_add(i64::from(b - b'0')).ok_or(GiveUp)?;
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0 || (digits > 1 && self.b[start] == b'0') || (negative && v == 0) {
            return Err(GiveUp);
        }
        if matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E')) {
            return Err(GiveUp);
        }
        Ok(if negative { -v } else { v })
    }

    /// A string, borrowed from the input unless it has escapes. Control characters and
    /// invalid UTF-8 give up, as do lone surrogates in `\u` escapes.
    ///
    /// Inlined (most strings are short and plain, and a call costs as much as reading them);
    /// text with escapes is built out of line.
    #[inline(always)]
    fn string(&mut self) -> R<Cow<'de, str>> {
        self.eat(b'"')?;
        let start = self.i;
        let end = plain_run_end(self.b, start);
        if self.b.get(end) == Some(&b'"') {
            let s = self.text(start, end)?;
            self.i = end + 1;
            return Ok(Cow::Borrowed(s));
        }
        self.i = end;
        self.string_with_escapes(start)
    }

    /// The rest of a string from its first byte that is not plain text (at the cursor).
    #[inline(never)]
    fn string_with_escapes(&mut self, start: usize) -> R<Cow<'de, str>> {
        let b = self.b;
        if b.get(self.i) != Some(&b'\\') {
            // The end of the input, or a control character.
            return Err(GiveUp);
        }
        let mut out = self.text(start, self.i)?.to_owned();
        let mut run = self.i;
        loop {
            match b.get(self.i) {
                None => return Err(GiveUp),
                Some(b'"') => {
                    out.push_str(self.text(run, self.i)?);
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    out.push_str(self.text(run, self.i)?);
                    let e = *b.get(self.i + 1).ok_or(GiveUp)?;
                    self.i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&unit) {
                                // A high surrogate must be followed by `\u` and a low one.
                                if b.get(self.i) != Some(&b'\\') || b.get(self.i + 1) != Some(&b'u')
                                {
                                    return Err(GiveUp);
                                }
                                self.i += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(GiveUp);
                                }
                                0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                unit
                            };
                            out.push(char::from_u32(c).ok_or(GiveUp)?);
                        }
                        _ => return Err(GiveUp),
                    }
                    run = self.i;
                }
                Some(&c) if c < 0x20 => return Err(GiveUp),
                Some(_) => self.i += 1,
            }
        }
    }

    /// The input between two byte offsets next to ASCII bytes (quotes, backslashes), which
    /// are always character boundaries.
    #[inline(always)]
    fn text(&self, from: usize, to: usize) -> R<&'de str> {
        self.s.get(from..to).ok_or(GiveUp)
    }

    fn hex4(&mut self) -> R<u32> {
        let digits = self.b.get(self.i..self.i + 4).ok_or(GiveUp)?;
        let mut v = 0u32;
        for &d in digits {
            v = (v << 4) | char::from(d).to_digit(16).ok_or(GiveUp)?;
        }
        self.i += 4;
        Ok(v)
    }

    /// Skips any JSON value, validating it.
    fn skip(&mut self, depth: usize) -> R<()> {
        if depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'{' => self.object(|c, _| c.skip(depth + 1)),
            b'[' => self.array(|c| c.skip(depth + 1)),
            // Numbers other than plain integers are rare in unknown fields: give up.
            _ => self.integer().map(drop),
        }
    }
}

/// The offset of the first quote, backslash or control character (the bytes that end a
/// plain run of string text) at or after `i`, or the length of `b`. Bytes of multi-byte
/// characters never end a run: the input is valid UTF-8 already. Strings are short (keys,
/// names, tag values), so this finds the end in one or two steps of sixteen bytes, with the
/// exact position from the mask rather than a byte loop.
#[inline(always)]
fn plain_run_end(b: &[u8], mut i: usize) -> usize {
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[at..at + 8]);
        special_mask(u64::from_le_bytes(w))
    };
    while i + 16 <= b.len() {
        let m = word(i);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        let m = word(i + 8);
        if m != 0 {
            return i + 8 + (m.trailing_zeros() / 8) as usize;
        }
        i += 16;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

/// The high bit of each byte of `w` that is a quote, a backslash or a control character is
/// set in the result. Exact for the lowest such byte (borrows may mark bytes above it, which
/// `trailing_zeros` never looks at); zero when there is none.
#[inline]
fn special_mask(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = has_zero(w ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(w ^ (ONES * u64::from(b'\\')));
    // Bytes below 0x20: subtracting 0x20 borrows into the high bit, for bytes < 0x80.
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    quote | backslash | control
}

/// Sets a field once; a repeated field gives up (the serde reader reports it).
fn set<T>(slot: &mut Option<T>, value: T) -> R<()> {
    if slot.is_some() {
        return Err(GiveUp);
    }
    *slot = Some(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::parse;
    use crate::import::zipkin_v2::parse_with_serde;
    use crate::import::Batch;
    use crate::model::StrId;

    /// Whenever the fast reader answers, the serde reader gives the very same batch.
    fn agrees(input: &[u8]) -> bool {
        let Some(fast) = parse(input) else {
            return false;
        };
        let slow: Batch = match parse_with_serde(input) {
            Ok(b) => b,
            Err(e) => panic!(
                "fast reader accepted what serde rejects ({e}): {}",
                String::from_utf8_lossy(&input[..input.len().min(300)])
            ),
        };
        assert_eq!(fast.spans, slow.spans, "{}", String::from_utf8_lossy(input));
        assert_eq!(fast.strings.len(), slow.strings.len());
        for i in 0..fast.strings.len() {
            let id = StrId(i as u32);
            assert_eq!(fast.strings.get(id), slow.strings.get(id));
        }
        true
    }

    #[test]
    fn agrees_with_serde_on_edge_cases() {
        let accepted = [
            r#"[{"traceId":"a","id":"1"}]"#,
            r#" [ { "traceId" : "A" , "id" : "1" , "parentId" : null , "name" : null } ] "#,
            r#"[[{"traceId":"a","id":"1"}],[],[[{"traceId":"b","id":"2"}]]]"#,
            "{\"traceId\":\"a\",\"id\":\"1\"}\n{\"traceId\":\"a\",\"id\":\"2\"}{\"traceId\":\"a\",\"id\":\"3\"}\n",
            r#"[{"traceId":"a","id":"1","name":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n\t","tags":{"k\"ey":"v\u0000","n":-12,"z":0,"b":false,"t":true,"nil":null}}]"#,
            r#"[{"traceId":"a","id":"1","kind":"server","timestamp":-5,"duration":0,"debug":true,"shared":false,
               "localEndpoint":{"serviceName":"Svc","ipv4":"","port":70000,"x":[1,{"y":null}]},"remoteEndpoint":null,
               "annotations":[{"timestamp":3,"value":"cs","endpoint":{"serviceName":"x"}}],"unknown":{"a":["b",true,null,7]}}]"#,
            r#"[{"traceId":"a","id":"1","annotations":null,"tags":null,"localEndpoint":{"serviceName":"ÄÖ"}}]"#,
            "\u{feff}[]",
        ];
        for input in accepted {
            assert!(agrees(input.as_bytes()), "fast reader gave up on {input}");
        }
        // Left to the serde reader: errors, and what it converts or rounds.
        let refused = [
            r#"[{"traceId":"a","id":"1","timestamp":1.5}]"#,
            r#"[{"traceId":"a","id":"1","duration":"25"}]"#,
            r#"[{"traceId":"a","id":"1","timestamp":-0}]"#,
            r#"[{"traceId":"a","id":"1","timestamp":01}]"#,
            r#"[{"traceId":"a","id":"1","timestamp":99999999999999999999}]"#,
            r#"[{"traceId":"a","id":"1","id":"2"}]"#,
            r#"[{"id":"1"}]"#,
            r#"[{"traceId":"a","id":"1",}]"#,
            r#"[{"traceId":"a","id":"1"},]"#,
            r#"[{"traceId":"a","id":"1","tags":{"x":1.5}}]"#,
            r#"[{"traceId":"a","id":"1","tags":{"x":{}}}]"#,
            r#"[{"traceId":"a","id":"1","name":"\ud800"}]"#,
            "[{\"traceId\":\"a\",\"id\":\"1\",\"name\":\"tab\there\"}]",
            r#"[{"traceId":"a","id":"1","debug":nul}]"#,
            r#"[{"traceId":"a","id":"1"}] x"#,
            r#"[1]"#,
            r#"[{"traceId":"a","id":"1""#,
        ];
        for input in refused {
            assert!(
                parse(input.as_bytes()).is_none(),
                "fast reader took {input}"
            );
        }
        let bad_utf8 = b"[{\"traceId\":\"a\",\"id\":\"\xff\"}]";
        assert!(parse(bad_utf8).is_none());
    }

    #[test]
    fn plain_runs_end_at_the_first_special_byte() {
        let naive = |b: &[u8], i: usize| {
            (i..b.len())
                .find(|&k| matches!(b[k], b'"' | b'\\' | 0..=0x1f))
                .unwrap_or(b.len())
        };
        // Every special byte at every offset of a run, after plain ASCII and bytes >= 0x80
        // (which must not end a run, nor make a neighbour look special).
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for len in 0..40 {
                for filler in [
                    b'a', 0x80, 0xff, 0x20, 0x7f, 0x21, 0x23, 0x5b, 0x5d, 0xa2, 0xdc,
                ] {
                    let mut b = vec![filler; len];
                    b.push(special);
                    b.extend_from_slice(b"xyz\"\\");
                    for start in 0..=len {
                        assert_eq!(super::plain_run_end(&b, start), naive(&b, start));
                    }
                }
            }
        }
        assert_eq!(super::plain_run_end(&[b'a'; 33], 0), 33);
    }

    #[test]
    fn agrees_with_serde_on_every_fixture_and_a_synthetic_trace() {
        let dir = std::env::var_os("TRACESCOPE_FIXTURES").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
            PathBuf::from,
        );
        let mut stack = vec![dir];
        let mut zipkin_v2_read = 0;
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    let read = agrees(&bytes);
                    if read && path.to_string_lossy().contains("zipkin-v2") {
                        zipkin_v2_read += 1;
                    }
                }
            }
        }
        assert!(
            zipkin_v2_read >= 5,
            "the fast reader read {zipkin_v2_read} fixtures"
        );
        let cfg = tracescope_synth::GenConfig {
            seed: 7,
            spans_target: 3000,
            ..tracescope_synth::GenConfig::default()
        };
        let mut synthetic = Vec::new();
        tracescope_synth::Plan::new(&cfg)
            .write_json(&mut synthetic)
            .expect("writes to a Vec");
        assert!(agrees(&synthetic), "the fast reader reads synthetic traces");
    }
}
