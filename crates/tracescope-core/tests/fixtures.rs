//! Every Zipkin v2 fixture imports, derives and lays out without losing a span.
//! Fixtures are read in place from `../shared/fixtures` (override: TRACESCOPE_FIXTURES).

use std::path::PathBuf;

use tracescope_core::derive::{derive, DeriveOptions};
use tracescope_core::import::{import, Format, ImportError};
use tracescope_core::layout::model::WaterfallModel;
use tracescope_core::layout::waterfall::{scene, visible_rows, Viewport};

fn fixtures() -> PathBuf {
    let dir = std::env::var_os("TRACESCOPE_FIXTURES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        PathBuf::from,
    );
    assert!(
        dir.join("zipkin-v2").is_dir(),
        "trace fixtures not found at {} (set TRACESCOPE_FIXTURES)",
        dir.display()
    );
    dir
}

fn files(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures().join(sub))
        .expect("fixture folder is readable")
        .map(|e| e.expect("dir entry").path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_zipkin_v2_fixture_is_read_whole() {
    let paths = files("zipkin-v2");
    assert!(paths.len() >= 13, "expected the 13 Zipkin v2 fixtures");
    for path in paths {
        let bytes = std::fs::read(&path).expect("readable");
        let imported = import(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(imported.format, Format::ZipkinV2, "{}", path.display());
        for trace in imported.traces {
            let d = derive(trace, DeriveOptions::default());
            // Nothing lost: every cleaned span is in the tree exactly once.
            assert_eq!(d.tree.preorder.len(), d.trace.spans.len());
            let mut seen = vec![false; d.trace.spans.len()];
            for s in &d.tree.preorder {
                assert!(!seen[s.get()], "span twice in {}", path.display());
                seen[s.get()] = true;
            }
            let m = WaterfallModel::from_derived(&d);
            assert_eq!(m.len(), d.trace.spans.len());
            let rows = visible_rows(&m, &[]);
            let vp = Viewport::fit(&m, 1200.0, 800.0);
            let s = scene(&m, &rows, &[], &vp);
            assert!(!s.is_empty());
        }
    }
}

#[test]
fn known_fixture_counts() {
    let count = |name: &str| {
        let bytes = std::fs::read(fixtures().join("zipkin-v2").join(name)).expect("readable");
        let imported = import(&bytes).expect("valid");
        let d = derive(
            imported.traces.into_iter().next().expect("one trace"),
            DeriveOptions::default(),
        );
        (
            d.summary.span_count,
            d.summary.max_depth,
            d.summary.services.len(),
        )
    };
    assert_eq!(count("zipkin__simple-db-p6.json").0, 5);
    assert_eq!(count("zipkin__span-chinese-unicode.json").0, 1);
    // Nine copies of one client span are one span.
    assert_eq!(count("otel-collector__zipkin-v2-duplicate-spans.json").0, 1);
    assert_eq!(count("zipkin__yelp.json").0, 16);
}

#[test]
fn other_formats_are_named_not_misread() {
    for (sub, format) in [
        ("jaeger", Format::Jaeger),
        ("otlp", Format::Otlp),
        ("zipkin-v1", Format::ZipkinV1),
    ] {
        for path in files(sub) {
            let bytes = std::fs::read(&path).expect("readable");
            match import(&bytes) {
                Err(ImportError::Unsupported { format: f }) => {
                    assert_eq!(f, format, "{}", path.display())
                }
                other => panic!(
                    "{}: expected Unsupported({format:?}), got {:?}",
                    path.display(),
                    other.map(|i| i.format)
                ),
            }
        }
    }
}
