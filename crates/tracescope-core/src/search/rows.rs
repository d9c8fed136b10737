//! The result list without the network: filtering (text, service, duration range, errors
//! only, a start-time window brushed on the scatter plot) and six sort orders over the
//! `TraceInfo` rows of a search answer. [`ResultIndex`] is built once per answer (lower-cased
//! text, service ids) so that a keystroke costs one pass over flat data: well under a
//! millisecond per thousand rows.

use crate::engine::TraceInfo;

/// How the list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    #[default]
    Newest,
    Oldest,
    Longest,
    Shortest,
    MostSpans,
    MostErrors,
}

impl SortOrder {
    pub const ALL: [SortOrder; 6] = [
        SortOrder::Newest,
        SortOrder::Oldest,
        SortOrder::Longest,
        SortOrder::Shortest,
        SortOrder::MostSpans,
        SortOrder::MostErrors,
    ];

    /// The name used in the URL and the sort select.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Newest => "newest",
            SortOrder::Oldest => "oldest",
            SortOrder::Longest => "longest",
            SortOrder::Shortest => "shortest",
            SortOrder::MostSpans => "spans",
            SortOrder::MostErrors => "errors",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortOrder::Newest => "Newest first",
            SortOrder::Oldest => "Oldest first",
            SortOrder::Longest => "Longest first",
            SortOrder::Shortest => "Shortest first",
            SortOrder::MostSpans => "Most spans",
            SortOrder::MostErrors => "Most errors",
        }
    }

    pub fn parse(s: &str) -> Option<SortOrder> {
        SortOrder::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// The in-browser filter. Empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// Words that must all occur (case-insensitively) in the trace id, root service, root
    /// span name or a service name.
    pub text: String,
    /// Only traces this service takes part in.
    pub service: String,
    pub min_us: Option<i64>,
    pub max_us: Option<i64>,
    pub errors_only: bool,
    /// Start time window `[from, to]` in µs since the epoch (brushed on the scatter plot).
    pub window: Option<(i64, i64)>,
}

impl RowFilter {
    pub fn is_empty(&self) -> bool {
        *self == RowFilter::default()
    }

    /// The same filter without the time window (what the scatter plot shows: brushing
    /// dims the points outside the window rather than removing them).
    pub fn without_window(&self) -> RowFilter {
        RowFilter {
            window: None,
            ..self.clone()
        }
    }
}

/// What the filter bar reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub shown: usize,
    pub total: usize,
    /// Shown traces with at least one error.
    pub errors: usize,
}

/// Per-answer lookup data for filtering.
#[derive(Clone, Debug, Default)]
pub struct ResultIndex {
    /// Lower-cased searchable text of each row.
    text: Vec<String>,
    /// Service names of all rows, sorted.
    services: Vec<String>,
    /// Row r's services are `row_services[starts[r]..starts[r + 1]]` (ids into `services`).
    row_services: Vec<u32>,
    starts: Vec<u32>,
    /// Every row in each of the six orders (by `SortOrder::ALL` position), sorted once per
    /// answer: a keystroke then filters in order, with no sort.
    orders: Vec<Vec<u32>>,
}

impl ResultIndex {
    pub fn new(rows: &[TraceInfo]) -> ResultIndex {
        let mut services: Vec<String> = rows
            .iter()
            .flat_map(|r| r.services.iter().map(|(s, _)| s.clone()))
            .collect();
        services.sort();
        services.dedup();
        let mut text = Vec::with_capacity(rows.len());
        let mut row_services = Vec::new();
        let mut starts = Vec::with_capacity(rows.len() + 1);
        for r in rows {
            starts.push(row_services.len() as u32);
            let mut t = String::with_capacity(64);
            for part in [&r.trace_id, &r.root_service, &r.root_name] {
                t.push_str(&part.to_lowercase());
                t.push('\n');
            }
            for (s, _) in &r.services {
                t.push_str(&s.to_lowercase());
                t.push('\n');
                if let Ok(i) = services.binary_search(s) {
                    row_services.push(i as u32);
                }
            }
            text.push(t);
        }
        starts.push(row_services.len() as u32);
        let orders = SortOrder::ALL
            .iter()
            .map(|o| {
                let mut idx: Vec<u32> = (0..rows.len() as u32).collect();
                sort(rows, &mut idx, *o);
                idx
            })
            .collect();
        ResultIndex {
            text,
            services,
            row_services,
            starts,
            orders,
        }
    }

    /// Every service of the answer, sorted (the service filter's choices).
    pub fn services(&self) -> &[String] {
        &self.services
    }

    fn row_has_service(&self, row: usize, service: u32) -> bool {
        let (a, b) = (self.starts[row] as usize, self.starts[row + 1] as usize);
        self.row_services[a..b].contains(&service)
    }

    /// Indices of the rows that pass `filter`, in `order`. `rows` must be the slice the
    /// index was built from.
    pub fn select(&self, rows: &[TraceInfo], filter: &RowFilter, order: SortOrder) -> Vec<u32> {
        let words: Vec<String> = filter
            .text
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        // An unknown service matches nothing (not everything).
        let service = if filter.service.is_empty() {
            None
        } else {
            Some(
                self.services
                    .binary_search(&filter.service)
                    .map_or(u32::MAX, |i| i as u32),
            )
        };
        let order_pos = SortOrder::ALL.iter().position(|o| *o == order).unwrap_or(0);
        let mut out: Vec<u32> = Vec::with_capacity(rows.len());
        for &ri in &self.orders[order_pos] {
            let i = ri as usize;
            let r = &rows[i];
            if filter.errors_only && r.error_count == 0 {
                continue;
            }
            if filter.min_us.is_some_and(|m| r.duration_us < m)
                || filter.max_us.is_some_and(|m| r.duration_us > m)
            {
                continue;
            }
            if let Some((from, to)) = filter.window {
                if r.start_us < from || r.start_us > to {
                    continue;
                }
            }
            if let Some(s) = service {
                if !self.row_has_service(i, s) {
                    continue;
                }
            }
            if !words.iter().all(|w| self.text[i].contains(w.as_str())) {
                continue;
            }
            out.push(ri);
        }
        out
    }
}

/// Sorts row indices; ties keep the answer's order (the sort is stable).
pub fn sort(rows: &[TraceInfo], idx: &mut [u32], order: SortOrder) {
    let r = |i: &u32| &rows[*i as usize];
    match order {
        SortOrder::Newest => idx.sort_by_key(|i| std::cmp::Reverse(r(i).start_us)),
        SortOrder::Oldest => idx.sort_by_key(|i| r(i).start_us),
        SortOrder::Longest => idx.sort_by_key(|i| std::cmp::Reverse(r(i).duration_us)),
        SortOrder::Shortest => idx.sort_by_key(|i| r(i).duration_us),
        SortOrder::MostSpans => idx.sort_by_key(|i| std::cmp::Reverse(r(i).span_count)),
        SortOrder::MostErrors => idx.sort_by_key(|i| std::cmp::Reverse(r(i).error_count)),
    }
}

/// Counts for the filter bar.
pub fn counts(rows: &[TraceInfo], shown: &[u32]) -> Counts {
    Counts {
        shown: shown.len(),
        total: rows.len(),
        errors: shown
            .iter()
            .filter(|i| rows[**i as usize].error_count > 0)
            .count(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn row(
        id: &str,
        start: i64,
        dur: i64,
        spans: usize,
        errors: usize,
        services: &[&str],
    ) -> TraceInfo {
        TraceInfo {
            trace_id: id.into(),
            root_service: services.first().copied().unwrap_or("").into(),
            root_name: format!("GET /{id}"),
            start_us: start,
            duration_us: dur,
            span_count: spans,
            error_count: errors,
            max_depth: 1,
            root_count: 1,
            services: services.iter().map(|s| ((*s).to_string(), 1)).collect(),
            warnings: Vec::new(),
            links: Vec::new(),
        }
    }

    fn sample() -> Vec<TraceInfo> {
        vec![
            row("a1", 100, 5_000, 3, 0, &["frontend", "cart"]),
            row("b2", 300, 90_000, 12, 2, &["Frontend", "payment"]),
            row("c3", 200, 1_000, 1, 0, &["batch"]),
            row("d4", 400, 90_000, 7, 1, &["frontend", "cart", "db"]),
        ]
    }

    fn ids(rows: &[TraceInfo], idx: &[u32]) -> Vec<String> {
        idx.iter()
            .map(|i| rows[*i as usize].trace_id.clone())
            .collect()
    }

    #[test]
    fn sorts_six_ways_stably() {
        let rows = sample();
        let ix = ResultIndex::new(&rows);
        let f = RowFilter::default();
        let got = |o| ids(&rows, &ix.select(&rows, &f, o));
        assert_eq!(got(SortOrder::Newest), ["d4", "b2", "c3", "a1"]);
        assert_eq!(got(SortOrder::Oldest), ["a1", "c3", "b2", "d4"]);
        // b2 and d4 tie: answer order.
        assert_eq!(got(SortOrder::Longest), ["b2", "d4", "a1", "c3"]);
        assert_eq!(got(SortOrder::Shortest), ["c3", "a1", "b2", "d4"]);
        assert_eq!(got(SortOrder::MostSpans), ["b2", "d4", "a1", "c3"]);
        assert_eq!(got(SortOrder::MostErrors), ["b2", "d4", "a1", "c3"]);
        for o in SortOrder::ALL {
            assert_eq!(SortOrder::parse(o.as_str()), Some(o));
        }
        assert_eq!(SortOrder::parse("nope"), None);
    }

    #[test]
    fn filters_combine() {
        let rows = sample();
        let ix = ResultIndex::new(&rows);
        assert_eq!(
            ix.services(),
            ["Frontend", "batch", "cart", "db", "frontend", "payment"]
        );
        let sel = |f: RowFilter| ids(&rows, &ix.select(&rows, &f, SortOrder::Oldest));
        // Text: every word, case-insensitive, in id, root, name or services.
        assert_eq!(
            sel(RowFilter {
                text: "FRONT cart".into(),
                ..Default::default()
            }),
            ["a1", "d4"]
        );
        assert_eq!(
            sel(RowFilter {
                text: "get /c3".into(),
                ..Default::default()
            }),
            ["c3"]
        );
        assert_eq!(
            sel(RowFilter {
                text: "b2".into(),
                ..Default::default()
            }),
            ["b2"]
        );
        // Service: exact name.
        assert_eq!(
            sel(RowFilter {
                service: "cart".into(),
                ..Default::default()
            }),
            ["a1", "d4"]
        );
        assert!(sel(RowFilter {
            service: "nope".into(),
            ..Default::default()
        })
        .is_empty());
        // Duration range, inclusive.
        assert_eq!(
            sel(RowFilter {
                min_us: Some(5_000),
                max_us: Some(89_999),
                ..Default::default()
            }),
            ["a1"]
        );
        assert_eq!(
            sel(RowFilter {
                min_us: Some(90_000),
                ..Default::default()
            }),
            ["b2", "d4"]
        );
        // Errors only, and a brushed window.
        assert_eq!(
            sel(RowFilter {
                errors_only: true,
                ..Default::default()
            }),
            ["b2", "d4"]
        );
        let windowed = RowFilter {
            window: Some((150, 300)),
            errors_only: true,
            ..Default::default()
        };
        assert_eq!(sel(windowed.clone()), ["b2"]);
        assert_eq!(windowed.without_window().window, None);
        let shown = ix.select(&rows, &RowFilter::default(), SortOrder::Newest);
        assert_eq!(
            counts(&rows, &shown),
            Counts {
                shown: 4,
                total: 4,
                errors: 2
            }
        );
        assert!(RowFilter::default().is_empty());
    }
}
