//! The waterfall's input: a derived trace flattened into struct-of-arrays in display
//! order. It is all the drawing code needs, small enough to hand from a Web Worker to the
//! page as one byte buffer, and indexed by preorder position, not by span.

use crate::derive::Derived;
use crate::layout::color::service_color;
use crate::model::SpanIdx;

/// Bit flags per row.
pub mod flag {
    pub const ERROR: u8 = 1;
    pub const HAS_CHILDREN: u8 = 2;
    pub const SHARED: u8 = 4;
    /// Clock-skew correction moved this span.
    pub const SKEW_ADJUSTED: u8 = 8;
    /// The span is on the critical path.
    pub const CRITICAL: u8 = 16;
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WaterfallModel {
    /// Span index (into the derived trace) of each preorder position.
    pub span: Vec<u32>,
    /// Rows in the subtree at each position, itself included.
    pub subtree: Vec<u32>,
    pub depth: Vec<u32>,
    /// Start relative to the trace start, and duration, µs.
    pub start: Vec<i64>,
    pub duration: Vec<i64>,
    /// Duration not covered by children, µs.
    pub self_time: Vec<i64>,
    /// Critical-path segments: position, start and end relative to the trace start (µs),
    /// sorted by position.
    pub critical: Vec<(u32, i64, i64)>,
    /// Index into `labels` of the service and of the span name.
    pub service: Vec<u32>,
    pub name: Vec<u32>,
    pub flags: Vec<u8>,
    /// Service and span names, each once.
    pub labels: Vec<String>,
    /// Colour of each label when used as a service.
    pub label_color: Vec<u32>,
    pub trace_start_us: i64,
    pub trace_duration_us: i64,
}

impl WaterfallModel {
    pub fn from_derived(d: &Derived) -> WaterfallModel {
        let n = d.tree.preorder.len();
        let mut m = WaterfallModel {
            span: Vec::with_capacity(n),
            subtree: Vec::with_capacity(n),
            depth: Vec::with_capacity(n),
            start: Vec::with_capacity(n),
            duration: Vec::with_capacity(n),
            self_time: Vec::with_capacity(n),
            service: Vec::with_capacity(n),
            name: Vec::with_capacity(n),
            flags: Vec::with_capacity(n),
            trace_start_us: d.summary.start_us,
            trace_duration_us: d.summary.duration_us,
            ..WaterfallModel::default()
        };
        // Interned ids → compact label ids, so only strings the view uses travel.
        let mut label_of = vec![u32::MAX; d.trace.strings.len()];
        let mut label = |m: &mut WaterfallModel, id: crate::model::StrId| {
            let slot = &mut label_of[id.0 as usize];
            if *slot == u32::MAX {
                *slot = m.labels.len() as u32;
                let text = d.trace.str(id).to_string();
                m.label_color.push(service_color(&text));
                m.labels.push(text);
            }
            *slot
        };
        // Services of this trace get colours distinct from each other.
        let mut service_labels: Vec<u32> = d
            .trace
            .spans
            .iter()
            .map(|sp| label(&mut m, sp.service))
            .collect();
        service_labels.sort_unstable();
        service_labels.dedup();
        let names: Vec<&str> = service_labels
            .iter()
            .map(|&l| m.labels[l as usize].as_str())
            .collect();
        let colors = crate::layout::color::distinct_service_colors(&names);
        for (l, c) in service_labels.iter().zip(colors) {
            m.label_color[*l as usize] = c;
        }
        let self_times = d.self_times();
        let mut pos_of = vec![0u32; d.trace.spans.len()];
        for (pos, &SpanIdx(s)) in d.tree.preorder.iter().enumerate() {
            pos_of[s as usize] = pos as u32;
        }
        let mut on_path = vec![false; d.trace.spans.len()];
        for seg in d.critical_path() {
            on_path[seg.span.get()] = true;
            m.critical.push((
                pos_of[seg.span.get()],
                seg.start_us.saturating_sub(d.summary.start_us),
                seg.end_us.saturating_sub(d.summary.start_us),
            ));
        }
        m.critical.sort_unstable();
        for &SpanIdx(s) in &d.tree.preorder {
            let k = s as usize;
            let span = &d.trace.spans[k];
            m.span.push(s);
            m.subtree.push(d.tree.subtree_size[k]);
            m.depth.push(d.tree.depth[k]);
            m.start
                .push(d.tree.start[k].saturating_sub(d.summary.start_us));
            m.duration.push(d.tree.duration[k]);
            m.self_time.push(self_times[k]);
            let sv = label(&mut m, span.service);
            m.service.push(sv);
            let nm = label(&mut m, span.name);
            m.name.push(nm);
            let mut f = 0;
            if span.error {
                f |= flag::ERROR;
            }
            if d.tree.child_count(SpanIdx(s)) > 0 {
                f |= flag::HAS_CHILDREN;
            }
            if span.shared {
                f |= flag::SHARED;
            }
            if d.skew_delta(SpanIdx(s)) != 0 {
                f |= flag::SKEW_ADJUSTED;
            }
            if on_path[k] {
                f |= flag::CRITICAL;
            }
            m.flags.push(f);
        }
        m
    }

    /// Rows (preorder positions) in the model.
    pub fn len(&self) -> usize {
        self.span.len()
    }

    pub fn is_empty(&self) -> bool {
        self.span.is_empty()
    }

    pub fn label(&self, id: u32) -> &str {
        self.labels.get(id as usize).map_or("", String::as_str)
    }

    pub fn end(&self, pos: usize) -> i64 {
        self.start[pos].saturating_add(self.duration[pos])
    }

    /// Encodes the model as one little-endian byte buffer (for transfer between threads).
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.len();
        let mut out = Vec::with_capacity(
            n * 49
                + self.critical.len() * 20
                + self.labels.iter().map(|l| l.len() + 8).sum::<usize>()
                + 64,
        );
        put_u64(&mut out, MAGIC);
        put_u64(&mut out, n as u64);
        put_u64(&mut out, self.labels.len() as u64);
        put_u64(&mut out, self.trace_start_us as u64);
        put_u64(&mut out, self.trace_duration_us as u64);
        put_u64(&mut out, self.critical.len() as u64);
        for col in [
            &self.span,
            &self.subtree,
            &self.depth,
            &self.service,
            &self.name,
        ] {
            col.iter()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        }
        for col in [&self.start, &self.duration, &self.self_time] {
            col.iter()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        }
        out.extend_from_slice(&self.flags);
        for &(pos, a, b) in &self.critical {
            out.extend_from_slice(&pos.to_le_bytes());
            out.extend_from_slice(&a.to_le_bytes());
            out.extend_from_slice(&b.to_le_bytes());
        }
        for (l, c) in self.labels.iter().zip(&self.label_color) {
            out.extend_from_slice(&c.to_le_bytes());
            out.extend_from_slice(&(l.len() as u32).to_le_bytes());
            out.extend_from_slice(l.as_bytes());
        }
        out
    }

    /// Decodes [`WaterfallModel::to_bytes`]; `None` on any inconsistency.
    pub fn from_bytes(bytes: &[u8]) -> Option<WaterfallModel> {
        let mut d = Decoder::new(bytes)?;
        while !d.step()? {}
        d.finish()
    }
}

/// [`WaterfallModel::from_bytes`] one column at a time: [`Decoder::step`] decodes the next
/// column, so a caller can spread a million-row model over several short tasks.
pub struct Decoder<'a> {
    r: Reader<'a>,
    m: WaterfallModel,
    n: usize,
    labels: usize,
    critical: usize,
    /// Columns decoded so far.
    done: usize,
}

impl<'a> Decoder<'a> {
    /// Reads the header; `None` if it is not a model's.
    pub fn new(bytes: &'a [u8]) -> Option<Decoder<'a>> {
        let mut r = Reader { bytes, at: 0 };
        if r.u64()? != MAGIC {
            return None;
        }
        let n = usize::try_from(r.u64()?).ok()?;
        let labels = usize::try_from(r.u64()?).ok()?;
        // Guard allocation sizes against a corrupt header.
        if n > bytes.len() || labels > bytes.len() {
            return None;
        }
        let trace_start_us = r.u64()? as i64;
        let trace_duration_us = r.u64()? as i64;
        let critical = usize::try_from(r.u64()?).ok()?;
        if critical > bytes.len() {
            return None;
        }
        Some(Decoder {
            r,
            m: WaterfallModel {
                trace_start_us,
                trace_duration_us,
                ..WaterfallModel::default()
            },
            n,
            labels,
            critical,
            done: 0,
        })
    }

    /// Decodes the next column; `Some(true)` once every column is in, `None` on any
    /// inconsistency.
    pub fn step(&mut self) -> Option<bool> {
        let (r, m, n) = (&mut self.r, &mut self.m, self.n);
        match self.done {
            0 => m.span = r.u32s(n)?,
            1 => m.subtree = r.u32s(n)?,
            2 => m.depth = r.u32s(n)?,
            3 => m.service = r.u32s(n)?,
            4 => m.name = r.u32s(n)?,
            5 => m.start = r.i64s(n)?,
            6 => m.duration = r.i64s(n)?,
            7 => m.self_time = r.i64s(n)?,
            8 => m.flags = r.take(n)?.to_vec(),
            9 => {
                m.critical = Vec::with_capacity(self.critical);
                for _ in 0..self.critical {
                    let pos = r.u32()?;
                    let a = r.i64s(2)?;
                    m.critical.push((pos, a[0], a[1]));
                }
            }
            10 => {
                m.labels = Vec::with_capacity(self.labels);
                m.label_color = Vec::with_capacity(self.labels);
                for _ in 0..self.labels {
                    m.label_color.push(r.u32()?);
                    let len = r.u32()? as usize;
                    m.labels
                        .push(String::from_utf8(r.take(len)?.to_vec()).ok()?);
                }
            }
            _ => return Some(true),
        }
        self.done += 1;
        Some(self.done > 10)
    }

    /// The model, once [`Decoder::step`] said it is complete and every byte was used.
    pub fn finish(self) -> Option<WaterfallModel> {
        (self.done > 10 && self.r.at == self.r.bytes.len()).then_some(self.m)
    }
}

const MAGIC: u64 = 0x5453_574d_0000_0001; // "TSWM" v1

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u32s(&mut self, n: usize) -> Option<Vec<u32>> {
        let raw = self.take(n.checked_mul(4)?)?;
        Some(
            raw.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }
    fn i64s(&mut self, n: usize) -> Option<Vec<i64>> {
        let raw = self.take(n.checked_mul(8)?)?;
        Some(
            raw.chunks_exact(8)
                .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::derive;
    use crate::import::import;

    #[test]
    fn round_trips_through_bytes() {
        let input = br#"[
          {"traceId":"a","id":"1","name":"get /","timestamp":1000,"duration":1000,"localEndpoint":{"serviceName":"gateway"}},
          {"traceId":"a","id":"2","parentId":"1","name":"query","timestamp":1200,"duration":300,"tags":{"error":"boom"},"localEndpoint":{"serviceName":"db"}}
        ]"#;
        let mut imported = import(input).expect("valid");
        let d = derive(imported.traces.remove(0), Default::default());
        let m = WaterfallModel::from_derived(&d);
        assert_eq!(m.len(), 2);
        assert_eq!(m.label(m.service[1]), "db");
        assert_eq!(m.start[1], 200);
        assert_eq!(m.flags[0] & flag::HAS_CHILDREN, flag::HAS_CHILDREN);
        assert_eq!(m.flags[1] & flag::ERROR, flag::ERROR);
        assert_eq!(m.self_time, vec![700, 300]);
        assert!(!m.critical.is_empty() && m.flags[0] & flag::CRITICAL != 0);
        let bytes = m.to_bytes();
        assert_eq!(WaterfallModel::from_bytes(&bytes), Some(m));
        // Any truncation is rejected, never a panic.
        for cut in [0, 7, 8, 40, bytes.len() - 1] {
            assert_eq!(WaterfallModel::from_bytes(&bytes[..cut]), None);
        }
    }
}
