//! The canonical trace model. Every importer converts into it; nothing downstream
//! knows which format a trace came from.

use std::fmt;
use std::sync::Arc;

use crate::hash::FxHashMap;

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
    index: FxHashMap<Arc<str>, StrId>,
    /// The last string interned in each slot, by hash: a million spans intern the same few
    /// names again and again, and a slot answers with one comparison made in place, where
    /// the map probes and calls `memcmp`.
    recent: Box<[(u64, StrId)]>,
}

impl Default for Strings {
    fn default() -> Self {
        let empty: Arc<str> = Arc::from("");
        let mut index = FxHashMap::default();
        index.insert(empty.clone(), StrId::EMPTY);
        Strings {
            all: vec![empty],
            index,
            // Slots start out with the empty string, under its hash.
            recent: vec![(crate::hash::quick_text_hash(b""), StrId::EMPTY); 1 << Self::RECENT_BITS]
                .into_boxed_slice(),
        }
    }
}

impl Strings {
    const RECENT_BITS: u32 = 10;

    pub fn intern(&mut self, s: &str) -> StrId {
        let hash = crate::hash::quick_text_hash(s.as_bytes());
        // The top bits of a multiplicative hash are the well-mixed ones.
        let slot = (hash >> (64 - Self::RECENT_BITS)) as usize;
        let (seen, id) = self.recent[slot];
        if seen == hash && same_text(self.get(id).as_bytes(), s.as_bytes()) {
            return id;
        }
        let id = self.intern_in_map(s);
        self.recent[slot] = (hash, id);
        id
    }

    fn intern_in_map(&mut self, s: &str) -> StrId {
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

    /// The id of a string already interned, without adding it.
    pub fn find(&self, s: &str) -> Option<StrId> {
        self.index.get(s).copied()
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.len() <= 1
    }
}

/// `a == b`, compared in place eight bytes at a time: the strings compared while importing
/// are short, and a call to the C library's `memcmp` costs more than comparing them.
#[inline]
pub(crate) fn same_text(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let word = |c: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        u64::from_ne_bytes(w)
    };
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    for (p, q) in (&mut x).zip(&mut y) {
        if word(p) != word(q) {
            return false;
        }
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
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

    /// The id `s` names in a trace whose strings are `strings`, parsed like [`SpanId::parse`]
    /// (hex of any case, left-padded); `None` for a non-hex id the trace does not have.
    pub fn lookup(s: &str, strings: &Strings) -> Option<SpanId> {
        match parse_hex_u64(s) {
            Some(v) => Some(SpanId::Hex(v)),
            None => strings.find(s).map(SpanId::Other),
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
        if !s.is_empty() && s.len() <= 32 {
            let split = s.len().saturating_sub(16);
            let (hi, lo) = s.as_bytes().split_at(split);
            let high = if hi.is_empty() { Some(0) } else { hex_u64(hi) };
            if let (Some(high), Some(low)) = (high, hex_u64(lo)) {
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
    hex_u64(s.as_bytes())
}

/// The value of each byte as a hex digit (any case); 0xff for bytes that are not one.
const HEX_VALUE: [u8; 256] = {
    let mut t = [0xff; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// 1 to 16 hex digits of any case, in one pass without a branch per digit (ids are parsed
/// a million times a trace).
fn hex_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    let mut v = 0u64;
    let mut seen = 0u8;
    for &b in s {
        let d = HEX_VALUE[usize::from(b)];
        seen |= d;
        v = (v << 4) | u64::from(d & 0xf);
    }
    // Only a non-digit has a high bit.
    (seen & 0xf0 == 0).then_some(v)
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

/// Addresses are shared texts (`Arc<str>`): the spans of one host repeat them, and an import
/// stores each once (see [`Value::Str`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub service: StrId,
    pub ipv4: Option<Arc<str>>,
    pub ipv6: Option<Arc<str>>,
    pub port: Option<u16>,
}

/// A tag or attribute value, with the type the reporter gave it. Zipkin tags are always
/// [`Value::Str`]; Jaeger and OTLP values keep their types.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Shared rather than owned: a million spans repeat a few thousand distinct values
    /// (methods, status codes, pod names), and importers store a repeated value once instead
    /// of allocating it per span.
    Str(Arc<str>),
    Bool(bool),
    Int(i64),
    Double(f64),
    Bytes(Box<[u8]>),
    /// An array or key-value list (OTLP `arrayValue`/`kvlistValue`), as compact JSON text.
    Json(Box<str>),
}

impl Value {
    /// The text of a string value; `None` for other types (use `to_string()` for those).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as text (see the `Display` impl), borrowed when it is a string already.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Value::Str(s) => std::borrow::Cow::Borrowed(s),
            Value::Json(s) => std::borrow::Cow::Borrowed(s),
            other => std::borrow::Cow::Owned(other.to_string()),
        }
    }

    /// Whether the value reads as "true": `true`, or a string equal to "true" in any case.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Str(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        }
    }

    /// The type as a short name, for a details panel (`string`, `bool`, `int`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Double(_) => "double",
            Value::Bytes(_) => "bytes",
            Value::Json(_) => "json",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.into())
    }
}

/// How a value is shown: strings as they are, bytes as base64, arrays and maps as JSON.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::Json(s) => f.write_str(s),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Double(d) => write!(f, "{d}"),
            Value::Bytes(b) => f.write_str(&crate::base64::encode(b)),
        }
    }
}

/// A key (interned) and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    pub key: StrId,
    pub value: Value,
}

impl Tag {
    pub fn new(key: StrId, value: impl Into<Value>) -> Tag {
        Tag {
            key,
            value: value.into(),
        }
    }
}

/// Something that happened at an instant in a span: a Zipkin annotation, a Jaeger log or an
/// OTLP event. `value` is the annotation text, the log's `event`/`message` field or the event
/// name; `attributes` are the log fields or event attributes (empty for Zipkin).
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    pub at: Micros,
    /// Shared, like [`Value::Str`]: annotation values repeat (`cs`, `sr`, `ws`, ...).
    pub value: Arc<str>,
    pub attributes: Box<[Tag]>,
}

impl Annotation {
    pub fn new(at: Micros, value: impl Into<Arc<str>>) -> Annotation {
        Annotation {
            at,
            value: value.into(),
            attributes: Box::default(),
        }
    }
}

/// What a [`Link`] means. Jaeger references are `ChildOf`/`FollowsFrom`; OTLP links are
/// `Link` unless their `opentracing.ref_type` attribute says otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LinkKind {
    ChildOf,
    FollowsFrom,
    #[default]
    Link,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::ChildOf => "CHILD_OF",
            LinkKind::FollowsFrom => "FOLLOWS_FROM",
            LinkKind::Link => "LINK",
        }
    }
}

/// A reference from a span to another span, possibly in another trace. The span's parent
/// (`Span::parent_id`) is also kept here when the format sent it as a reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub kind: LinkKind,
    pub attributes: Box<[Tag]>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum StatusCode {
    #[default]
    Unset,
    Ok,
    Error,
}

impl StatusCode {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "UNSET",
            StatusCode::Ok => "OK",
            StatusCode::Error => "ERROR",
        }
    }
}

/// The outcome a reporter gave: OTLP `status`, or the `otel.status_code` and
/// `otel.status_description` tags of other formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Status {
    pub code: StatusCode,
    /// Interned (messages repeat); `StrId::EMPTY` when absent.
    pub message: StrId,
}

/// Index into [`Trace::resources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceIdx(pub u32);

/// Index into [`Trace::scopes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScopeIdx(pub u32);

/// What produced spans: an OTLP resource or a Jaeger process. Stored once; spans refer to it
/// by [`ResourceIdx`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resource {
    /// `service.name` (OTLP) or `serviceName` (Jaeger); empty when absent.
    pub service: StrId,
    /// All resource attributes or process tags, `service.name` included.
    pub attributes: Box<[Tag]>,
}

/// The instrumentation scope (library) that made spans (OTLP `scope`, formerly
/// `instrumentationLibrary`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    pub name: StrId,
    pub version: StrId,
    pub attributes: Box<[Tag]>,
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
    /// OTLP nanoseconds are rounded down to whole microseconds.
    pub start: Option<Micros>,
    pub duration: Option<Micros>,
    pub local: Option<Endpoint>,
    /// The other side of an RPC or message (Zipkin `remoteEndpoint`, v1 `sa`/`ca`/`ma`, or
    /// the `peer.service` tag of Jaeger and OTLP spans).
    pub remote: Option<Endpoint>,
    /// Tags (Zipkin, Jaeger) or attributes (OTLP), in input order.
    pub tags: Vec<Tag>,
    /// Annotations, logs or events, in input order.
    pub annotations: Vec<Annotation>,
    /// References to other spans (Jaeger references, OTLP links), in input order.
    pub links: Box<[Link]>,
    pub status: Status,
    /// The OTLP resource or Jaeger process that reported the span.
    pub resource: Option<ResourceIdx>,
    /// The OTLP instrumentation scope.
    pub scope: Option<ScopeIdx>,
    /// W3C trace state (OTLP `traceState`), interned; empty when absent.
    pub trace_state: StrId,
    /// Trace flags as sent (OTLP `flags`, Jaeger `flags`); 0 when absent.
    pub flags: u32,
    /// Warnings the reporter or backend attached to the span (Jaeger `warnings`).
    pub warnings: Box<[Box<str>]>,
    pub shared: bool,
    pub debug: bool,
    /// Marked failed by the reporter (`error` tag, `otel.status_code=ERROR`, OTLP status
    /// ERROR, ...).
    pub error: bool,
}

impl Span {
    /// A span with only its ids set; adapters fill in the rest.
    pub fn new(trace_id: TraceId, id: SpanId) -> Span {
        Span {
            trace_id,
            id,
            parent_id: None,
            name: StrId::EMPTY,
            service: StrId::EMPTY,
            kind: Kind::Unspecified,
            start: None,
            duration: None,
            local: None,
            remote: None,
            tags: Vec::new(),
            annotations: Vec::new(),
            links: Box::default(),
            status: Status::default(),
            resource: None,
            scope: None,
            trace_state: StrId::EMPTY,
            flags: 0,
            warnings: Box::default(),
            shared: false,
            debug: false,
            error: false,
        }
    }

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

    /// The first tag with this key.
    pub fn tag(&self, key: StrId) -> Option<&Value> {
        self.tags.iter().find(|t| t.key == key).map(|t| &t.value)
    }
}

/// One trace: its spans in input order (after merging duplicates) and the tables they refer
/// to. The tables are shared by every trace of one import.
#[derive(Clone, Debug)]
pub struct Trace {
    pub id: TraceId,
    pub spans: Vec<Span>,
    pub strings: Arc<Strings>,
    pub resources: Arc<[Resource]>,
    pub scopes: Arc<[Scope]>,
    /// Warnings the backend attached to the whole trace (Jaeger `warnings`).
    pub warnings: Vec<Box<str>>,
}

impl Trace {
    /// A trace with no resources, scopes or warnings (for tests and generators).
    pub fn new(id: TraceId, spans: Vec<Span>, strings: Arc<Strings>) -> Trace {
        Trace {
            id,
            spans,
            strings,
            resources: Arc::from([]),
            scopes: Arc::from([]),
            warnings: Vec::new(),
        }
    }

    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id)
    }

    pub fn span(&self, idx: SpanIdx) -> &Span {
        &self.spans[idx.get()]
    }

    pub fn id_string(&self) -> String {
        self.id.display(&self.strings).to_string()
    }

    /// The resource (OTLP) or process (Jaeger) of a span.
    pub fn resource_of(&self, span: &Span) -> Option<&Resource> {
        self.resources.get(span.resource?.0 as usize)
    }

    /// The instrumentation scope of a span.
    pub fn scope_of(&self, span: &Span) -> Option<&Scope> {
        self.scopes.get(span.scope?.0 as usize)
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
    fn hex_digits_are_exactly_0_9_a_f_in_any_case() {
        for b in 0..=255u8 {
            let expected = char::from(b).to_digit(16).map(u64::from);
            assert_eq!(hex_u64(&[b]), expected, "byte {b:#x}");
            assert_eq!(hex_u64(&[b'1', b]), expected.map(|d| 16 + d), "byte {b:#x}");
        }
        assert_eq!(hex_u64(b"ffffffffffffffff"), Some(u64::MAX));
        assert_eq!(hex_u64(b"0123456789abcDEF"), Some(0x0123_4567_89ab_cdef));
        assert_eq!(hex_u64(b""), None);
        assert_eq!(hex_u64(b"00000000000000000"), None);
    }

    #[test]
    fn same_text_is_equality() {
        let texts = [
            "",
            "a",
            "ab",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "abcdefghj",
            "bbcdefghi",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same_text(a.as_bytes(), b.as_bytes()), a == b, "{a:?} {b:?}");
            }
        }
        let mut s = Strings::default();
        let (x, y) = (s.intern("service"), s.intern("other"));
        assert_ne!(x, y);
        assert_eq!((s.intern("service"), s.intern("")), (x, StrId::EMPTY));
        assert_eq!(s.get(x), "service");
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
