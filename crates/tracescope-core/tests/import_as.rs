//! `import_as` skips detection: it reads the bytes as the format it is told (the fuzz
//! targets use it to reach one importer at a time).

use tracescope_core::import::{import, import_as, Format, ImportError};

#[test]
fn import_as_reads_the_named_format_only() {
    let zipkin = br#"[{"traceId":"a","id":"1","timestamp":1,"duration":2}]"#;
    let imported = import_as(zipkin, Format::ZipkinV2).expect("valid Zipkin v2");
    assert_eq!(imported.traces[0].spans.len(), 1);
    assert_eq!(
        import(zipkin).expect("valid").traces[0].spans,
        imported.traces[0].spans
    );

    // OTLP bytes read as Zipkin v2 fail in the Zipkin v2 reader, saying where.
    let otlp = br#"{"resourceSpans":[]}"#;
    assert!(matches!(
        import_as(otlp, Format::ZipkinV2),
        Err(ImportError::Invalid {
            format: Format::ZipkinV2,
            ..
        })
    ));
    assert!(matches!(
        import_as(b" \n", Format::Jaeger),
        Err(ImportError::Empty)
    ));
}
