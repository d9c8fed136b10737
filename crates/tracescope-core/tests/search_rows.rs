//! The result filter against a naive reading of its definition, on random answers and
//! filters: same rows, same order (stable: ties keep the answer's order), counts consistent.

use proptest::prelude::*;
use tracescope_core::engine::TraceInfo;
use tracescope_core::search::rows::{counts, ResultIndex, RowFilter, SortOrder};

const SERVICES: [&str; 5] = ["front", "Cart", "db", "pay", "ünï"];

fn row() -> impl Strategy<Value = TraceInfo> {
    (
        "[0-9a-f]{4}",
        0i64..50,
        0i64..1000,
        1usize..20,
        0usize..3,
        prop::collection::vec(0usize..SERVICES.len(), 0..4),
    )
        .prop_map(|(id, start, dur, spans, errors, svc)| {
            let mut services: Vec<(String, usize)> = Vec::new();
            for s in svc {
                if !services.iter().any(|(n, _)| n == SERVICES[s]) {
                    services.push((SERVICES[s].to_string(), 1));
                }
            }
            TraceInfo {
                trace_id: id,
                root_service: services.first().map(|s| s.0.clone()).unwrap_or_default(),
                root_name: format!("op{}", dur % 7),
                start_us: start,
                duration_us: dur,
                span_count: spans,
                error_count: errors,
                max_depth: 1,
                root_count: 1,
                services,
                warnings: Vec::new(),
                links: Vec::new(),
            }
        })
}

fn filter() -> impl Strategy<Value = (RowFilter, usize)> {
    (
        prop::sample::select(vec!["", "a", "op3", "CART", "ünï", "f op", "zz"]),
        prop::sample::select(vec!["", "front", "Cart", "nope"]),
        prop::option::of(0i64..600),
        prop::option::of(300i64..1000),
        any::<bool>(),
        prop::option::of((0i64..30, 20i64..50)),
        0usize..6,
    )
        .prop_map(
            |(text, service, min_us, max_us, errors_only, window, order)| {
                (
                    RowFilter {
                        text: text.into(),
                        service: service.into(),
                        min_us,
                        max_us,
                        errors_only,
                        window,
                    },
                    order,
                )
            },
        )
}

fn naive(rows: &[TraceInfo], f: &RowFilter, order: SortOrder) -> Vec<u32> {
    let mut out: Vec<u32> = (0..rows.len() as u32)
        .filter(|&i| {
            let r = &rows[i as usize];
            let hay: Vec<String> = [&r.trace_id, &r.root_service, &r.root_name]
                .into_iter()
                .cloned()
                .chain(r.services.iter().map(|s| s.0.clone()))
                .map(|s| s.to_lowercase())
                .collect();
            f.text
                .split_whitespace()
                .all(|w| hay.iter().any(|h| h.contains(&w.to_lowercase())))
                && (f.service.is_empty() || r.services.iter().any(|s| s.0 == f.service))
                && f.min_us.is_none_or(|m| r.duration_us >= m)
                && f.max_us.is_none_or(|m| r.duration_us <= m)
                && (!f.errors_only || r.error_count > 0)
                && f.window
                    .is_none_or(|(a, b)| r.start_us >= a && r.start_us <= b)
        })
        .collect();
    let key = |i: &u32| {
        let r = &rows[*i as usize];
        match order {
            SortOrder::Newest => -r.start_us,
            SortOrder::Oldest => r.start_us,
            SortOrder::Longest => -r.duration_us,
            SortOrder::Shortest => r.duration_us,
            SortOrder::MostSpans => -(r.span_count as i64),
            SortOrder::MostErrors => -(r.error_count as i64),
        }
    };
    out.sort_by_key(key);
    out
}

proptest! {
    #[test]
    fn select_is_the_definition(rows in prop::collection::vec(row(), 0..60), (f, o) in filter()) {
        let order = SortOrder::ALL[o];
        let ix = ResultIndex::new(&rows);
        let got = ix.select(&rows, &f, order);
        prop_assert_eq!(&got, &naive(&rows, &f, order));
        let c = counts(&rows, &got);
        prop_assert_eq!(c.shown, got.len());
        prop_assert_eq!(c.total, rows.len());
        prop_assert!(c.errors <= c.shown);
    }
}
