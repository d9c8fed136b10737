//! Which rows the waterfall shows: collapsing, "only matches (with ancestors)", and
//! focusing a subtree. All by model position, all linear in the rows considered.

use super::model::{flag, WaterfallModel};

/// What decides the row list; compare two requests to know whether to recompute.
#[derive(Clone, Copy, Debug, Default)]
pub struct RowsRequest<'a> {
    /// Collapsed rows, by position.
    pub collapsed: &'a [bool],
    /// When set, only the positions marked [`marks::SHOWN`] are shown (see [`filter_marks`]).
    pub only: Option<&'a [u8]>,
    /// When set, only the subtree rooted at this position.
    pub focus: Option<u32>,
}

/// Rows in display order, as model positions.
pub fn rows(m: &WaterfallModel, req: RowsRequest<'_>) -> Vec<u32> {
    let (from, to) = match req.focus {
        Some(f) if (f as usize) < m.len() => {
            let f = f as usize;
            (f, f + m.subtree[f].max(1) as usize)
        }
        _ => (0, m.len()),
    };
    let mut out = Vec::with_capacity(to - from);
    let mut pos = from;
    while pos < to {
        let skip_subtree = m.subtree[pos].max(1) as usize;
        if let Some(only) = req.only {
            if only.get(pos).copied().unwrap_or(0) & marks::SHOWN == 0 {
                pos += skip_subtree;
                continue;
            }
        }
        out.push(pos as u32);
        pos += if req.collapsed.get(pos).copied().unwrap_or(false) {
            skip_subtree
        } else {
            1
        };
    }
    out
}

/// Flags by position from flags by span index.
pub fn by_position(m: &WaterfallModel, by_span: &[bool]) -> Vec<bool> {
    m.span
        .iter()
        .map(|&s| by_span.get(s as usize).copied().unwrap_or(false))
        .collect()
}

/// Filter results by model position, one byte each, as the engine sends them to the page,
/// which uses them as they are (rows, dimming, next/previous match): no pass over every
/// position on the page's main thread.
pub mod marks {
    /// The position matches the filter.
    pub const MATCH: u8 = 1;
    /// The position matches or is an ancestor of a match: shown in "only matches" mode.
    pub const SHOWN: u8 = 2;
}

/// Marks by position (see [`marks`]) from whether each position matches, and each
/// position's depth in the preorder (`depth(pos)`); with the number of matches.
pub fn filter_marks(
    matches: impl ExactSizeIterator<Item = bool>,
    depth: impl Fn(usize) -> usize,
) -> (Vec<u8>, usize) {
    let mut out = vec![0u8; matches.len()];
    let mut count = 0;
    // Open ancestors of the current position, by depth.
    let mut path: Vec<usize> = Vec::new();
    for (pos, hit) in matches.enumerate() {
        path.truncate(depth(pos).min(path.len()));
        if hit {
            count += 1;
            out[pos] |= marks::MATCH | marks::SHOWN;
            for &a in path.iter().rev() {
                if out[a] & marks::SHOWN != 0 {
                    break;
                }
                out[a] |= marks::SHOWN;
            }
        }
        path.push(pos);
    }
    (out, count)
}

pub fn collapse_all(m: &WaterfallModel) -> Vec<bool> {
    m.flags
        .iter()
        .map(|f| f & flag::HAS_CHILDREN != 0)
        .collect()
}

/// Shows `levels` levels: rows at depth `levels - 1` and deeper are collapsed.
pub fn collapse_to_depth(m: &WaterfallModel, levels: u32) -> Vec<bool> {
    (0..m.len())
        .map(|p| m.flags[p] & flag::HAS_CHILDREN != 0 && m.depth[p] + 1 >= levels.max(1))
        .collect()
}

/// Collapses every subtree whose root is shorter than `micros`.
pub fn collapse_shorter_than(m: &WaterfallModel, micros: i64) -> Vec<bool> {
    (0..m.len())
        .map(|p| m.flags[p] & flag::HAS_CHILDREN != 0 && m.duration[p] < micros)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::derive;
    use crate::import::import;

    /// 0 root ─┬ 1 a ── 2 a1
    ///         └ 3 b ─┬ 4 b1
    ///                └ 5 b2
    fn model() -> WaterfallModel {
        let input = br#"[
          {"traceId":"t","id":"1","name":"root","timestamp":10,"duration":100},
          {"traceId":"t","id":"2","parentId":"1","name":"a","timestamp":11,"duration":5},
          {"traceId":"t","id":"3","parentId":"2","name":"a1","timestamp":12,"duration":1},
          {"traceId":"t","id":"4","parentId":"1","name":"b","timestamp":20,"duration":50},
          {"traceId":"t","id":"5","parentId":"4","name":"b1","timestamp":21,"duration":1},
          {"traceId":"t","id":"6","parentId":"4","name":"b2","timestamp":22,"duration":1}
        ]"#;
        WaterfallModel::from_derived(&derive(
            import(input).expect("valid").traces.remove(0),
            Default::default(),
        ))
    }

    #[test]
    fn collapse_focus_and_only() {
        let m = model();
        assert_eq!(rows(&m, RowsRequest::default()), vec![0, 1, 2, 3, 4, 5]);
        let all = collapse_all(&m);
        assert_eq!(
            rows(
                &m,
                RowsRequest {
                    collapsed: &all,
                    ..Default::default()
                }
            ),
            vec![0]
        );
        let d2 = collapse_to_depth(&m, 2);
        assert_eq!(
            rows(
                &m,
                RowsRequest {
                    collapsed: &d2,
                    ..Default::default()
                }
            ),
            vec![0, 1, 3]
        );
        let short = collapse_shorter_than(&m, 10);
        assert_eq!(
            rows(
                &m,
                RowsRequest {
                    collapsed: &short,
                    ..Default::default()
                }
            ),
            vec![0, 1, 3, 4, 5]
        );
        assert_eq!(
            rows(
                &m,
                RowsRequest {
                    focus: Some(3),
                    ..Default::default()
                }
            ),
            vec![3, 4, 5]
        );
        let mut hit = [false; 6];
        hit[5] = true;
        let (keep, _) = filter_marks(hit.iter().copied(), |p| m.depth[p] as usize);
        assert_eq!(
            rows(
                &m,
                RowsRequest {
                    only: Some(&keep),
                    ..Default::default()
                }
            ),
            vec![0, 3, 5]
        );
        hit[2] = true;
        let (keep, count) = filter_marks(hit.iter().copied(), |p| m.depth[p] as usize);
        assert_eq!(count, 2);
        assert_eq!(
            keep,
            [2, 2, 3, 2, 0, 3],
            "MATCH on matches, SHOWN on them and their ancestors"
        );
        assert_eq!(
            rows(
                &m,
                RowsRequest {
                    only: Some(&keep),
                    ..Default::default()
                }
            ),
            vec![0, 1, 2, 3, 5]
        );
    }

    #[test]
    fn ancestors_of_a_deep_chain_are_linear() {
        // A match at the bottom of a long chain marks the whole chain once.
        let n = 200_000u32;
        let m = WaterfallModel {
            span: (0..n).collect(),
            subtree: (0..n).map(|i| n - i).collect(),
            depth: (0..n).collect(),
            start: vec![0; n as usize],
            duration: vec![1; n as usize],
            service: vec![0; n as usize],
            name: vec![0; n as usize],
            flags: vec![flag::HAS_CHILDREN; n as usize],
            ..WaterfallModel::default()
        };
        let mut hit = vec![false; n as usize];
        hit[n as usize - 1] = true;
        hit[n as usize - 2] = true;
        let (keep, count) = filter_marks(hit.iter().copied(), |p| m.depth[p] as usize);
        assert_eq!(count, 2);
        assert!(keep.iter().all(|&k| k & marks::SHOWN != 0));
    }
}
