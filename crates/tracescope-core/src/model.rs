//! The canonical trace model. Every importer converts into it; nothing downstream
//! knows which format a trace came from.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// A time or duration in microseconds (Zipkin's unit; epoch-based for timestamps).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Micros(pub i64);

/// Index of a span in [`Trace::spans`]. u32 keeps per-span arrays small at a million spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpanIdx(pub u32);

impl SpanIdx {
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// An interned string; `StrId(0)` is always the empty string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StrId(pub u32);

impl StrId {
    pub const EMPTY: StrId = StrId(0);
}

/// Strings repeated across spans (service and span names, tag keys) stored once.
#[derive(Debug, Clone)]
pub struct Strings {
    all: Vec<Arc<str>>,
    index: HashMap<Arc<str>, StrId>,
}

impl Default for Strings {
    fn default() -> Self {
        let empty: Arc<str> = Arc::from("");
        Strings {
            all: vec![empty.clone()],
            index: HashMap::from([(empty, StrId::EMPTY)]),
        }
    }
}

impl Strings {
    pub fn intern(&mut self, s: &str) -> StrId {
        if let Some(&id) = self.index.get(s) {
            return id;
        }
        let id = StrId(u32::try_from(self.all.len()).unwrap_or(u32::MAX));
        let arc: Arc<str> = Arc::from(s);
        self.all.push(arc.clone());
        self.index.insert(arc, id);
        id
    }

    pub fn get(&self, id: StrId) -> &str {
        self.all.get(id.0 as usize).map_or("", |s| s)
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.len() <= 1
    }
}

/// A span id. Hex ids (the norm) are kept as numbers; non-hex ids, which real test data
/// has (`"span-A"`), are kept as interned strings rather than rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpanId {
    Hex(u64),
    Other(StrId),
}

impl SpanId {
    /// Parses an id as sent on the wire: hex of any case, left-padded when short.
    pub fn parse(s: &str, strings: &mut Strings) -> SpanId {
        match parse_hex_u64(s) {
            Some(v) => SpanId::Hex(v),
            None => SpanId::Other(strings.intern(s)),
        }
    }

    pub fn display<'a>(&self, strings: &'a Strings) -> IdDisplay<'a> {
        match *self {
            SpanId::Hex(v) => IdDisplay::Hex64(v),
            SpanId::Other(s) => IdDisplay::Str(strings.get(s)),
        }
    }
}

/// A trace id: 64- or 128-bit hex, or a non-hex string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TraceId {
    Hex { high: u64, low: u64, wide: bool },
    Other(StrId),
}

impl TraceId {
    pub fn parse(s: &str, strings: &mut Strings) -> TraceId {
        if !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            let split = s.len().saturating_sub(16);
            let (hi, lo) = s.split_at(split);
            let low = parse_hex_u64(lo);
            let high = if hi.is_empty() {
                Some(0)
            } else {
                parse_hex_u64(hi)
            };
            if let (Some(high), Some(low)) = (high, low) {
                return TraceId::Hex {
                    high,
                    low,
                    wide: s.len() > 16,
                };
            }
        }
        TraceId::Other(strings.intern(s))
    }

    /// Zipkin treats a 64-bit id and a 128-bit id with the same low half as one trace
    /// when they are mixed in a trace; the low half is what links them.
    pub fn low(&self) -> Option<u64> {
        match *self {
            TraceId::Hex { low, .. } => Some(low),
            TraceId::Other(_) => None,
        }
    }

    pub fn display<'a>(&self, strings: &'a Strings) -> IdDisplay<'a> {
        match *self {
            TraceId::Hex {
                high,
                low,
                wide: true,
            } => IdDisplay::Hex128(high, low),
            TraceId::Hex { low, .. } => IdDisplay::Hex64(low),
            TraceId::Other(s) => IdDisplay::Str(strings.get(s)),
        }
    }
}

/// Formats ids the way Zipkin does: lower-case hex, 16 or 32 digits.
pub enum IdDisplay<'a> {
    Hex64(u64),
    Hex128(u64, u64),
    Str(&'a str),
}

impl fmt::Display for IdDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdDisplay::Hex64(v) => write!(f, "{v:016x}"),
            IdDisplay::Hex128(h, l) => write!(f, "{h:016x}{l:016x}"),
            IdDisplay::Str(s) => f.write_str(s),
        }
    }
}

fn parse_hex_u64(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kind {
    #[default]
    Unspecified,
    Client,
    Server,
    Producer,
    Consumer,
    Internal,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Unspecified => "",
            Kind::Client => "CLIENT",
            Kind::Server => "SERVER",
            Kind::Producer => "PRODUCER",
            Kind::Consumer => "CONSUMER",
            Kind::Internal => "INTERNAL",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Endpoint {
    pub service: StrId,
    pub ipv4: Option<Box<str>>,
    pub ipv6: Option<Box<str>>,
    pub port: Option<u16>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    pub at: Micros,
    pub value: Box<str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    pub key: StrId,
    pub value: Box<str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub trace_id: TraceId,
    pub id: SpanId,
    pub parent_id: Option<SpanId>,
    pub name: StrId,
    /// Local service name; `StrId::EMPTY` when the reporter gave none.
    pub service: StrId,
    pub kind: Kind,
    /// Start, epoch µs. `None` when the input had none and it could not be derived.
    pub start: Option<Micros>,
    pub duration: Option<Micros>,
    pub local: Option<Endpoint>,
    pub remote: Option<Endpoint>,
    pub tags: Vec<Tag>,
    pub annotations: Vec<Annotation>,
    pub shared: bool,
    pub debug: bool,
    /// Marked failed by the reporter (`error` tag, `otel.status_code=ERROR`, ...).
    pub error: bool,
}

impl Span {
    pub fn remote_service(&self) -> StrId {
        self.remote.as_ref().map_or(StrId::EMPTY, |e| e.service)
    }

    pub fn end(&self) -> Option<Micros> {
        Some(Micros(
            self.start?
                .0
                .saturating_add(self.duration.unwrap_or_default().0),
        ))
    }
}

/// One trace: its spans in input order (after merging duplicates) and the strings they use.
#[derive(Clone, Debug)]
pub struct Trace {
    pub id: TraceId,
    pub spans: Vec<Span>,
    pub strings: Arc<Strings>,
}

impl Trace {
    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id)
    }

    pub fn span(&self, idx: SpanIdx) -> &Span {
        &self.spans[idx.get()]
    }

    pub fn id_string(&self) -> String {
        self.id.display(&self.strings).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_are_left_padded() {
        let mut s = Strings::default();
        let id = SpanId::parse("2", &mut s);
        assert_eq!(id.display(&s).to_string(), "0000000000000002");
        let t = TraceId::parse("463ac35c9f6413ad48485a3953bb6124", &mut s);
        assert_eq!(
            t.display(&s).to_string(),
            "463ac35c9f6413ad48485a3953bb6124"
        );
        assert_eq!(t.low(), Some(0x48485a3953bb6124));
        let upper = SpanId::parse("ABCDEF", &mut s);
        assert_eq!(upper, SpanId::Hex(0xabcdef));
    }

    #[test]
    fn non_hex_ids_are_kept() {
        let mut s = Strings::default();
        let id = SpanId::parse("span-A", &mut s);
        assert_eq!(id.display(&s).to_string(), "span-A");
        let long = TraceId::parse("0123456789abcdef0123456789abcdef0", &mut s);
        assert!(matches!(long, TraceId::Other(_)));
    }
}
