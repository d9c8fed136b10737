//! The `tracescope` binary as a user runs it: exit status, stdout, one-line errors, and
//! never a panic, whatever the input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

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

fn tracescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tracescope"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit status 1, nothing on stdout, exactly one line on stderr, no panic.
fn assert_fails_with_one_line(o: &Output) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert!(o.stdout.is_empty(), "stdout: {}", stdout(o));
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("tracescope: "), "{err}");
    err
}

/// A scratch file with these bytes, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(bytes: &[u8]) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "tracescope-cli-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, bytes).expect("temp file");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn zipkin(name: &str) -> String {
    fixtures()
        .join("zipkin-v2")
        .join(name)
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

#[test]
fn inspect_prints_a_summary_per_trace() {
    let o = tracescope(&["inspect", &zipkin("zipkin__yelp.json")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
    assert_eq!(v["format"], "zipkin-v2");
    let t = &v["traces"][0];
    assert_eq!(t["trace_id"], "a03ee8fff1dcd9b9");
    // Facts from the fixture README: 16 spans, 6 services.
    assert_eq!(t["span_count"], 16);
    assert_eq!(t["service_count"], 6);
    assert_eq!(t["root_count"], 1);
    for key in ["max_depth", "duration_us", "error_count"] {
        assert!(t[key].is_u64(), "{key}: {t}");
    }
    assert!(t["warnings"].is_array());
}

#[test]
fn inspect_counts_warnings_by_kind() {
    let input = TempFile::new(
        br#"[{"traceId":"a","id":"1","timestamp":1,"duration":9},
             {"traceId":"a","id":"2","parentId":"7","timestamp":2,"duration":1},
             {"traceId":"a","id":"3","parentId":"8","timestamp":2,"duration":1},
             {"traceId":"a","id":"1","timestamp":1,"duration":9}]"#,
    );
    let o = tracescope(&["inspect", input.path()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let warnings = &v["traces"][0]["warnings"];
    let count = |kind: &str| {
        warnings
            .as_array()
            .expect("array")
            .iter()
            .find(|w| w["kind"] == kind)
            .map(|w| w["count"].clone())
    };
    assert_eq!(count("missing_parent"), Some(2.into()), "{warnings}");
    assert_eq!(count("duplicate_merged"), Some(1.into()), "{warnings}");
    // Orphans hang under the one real root (Zipkin's rule), so there is one root.
    assert_eq!(count("multiple_roots"), None, "{warnings}");
    assert_eq!(v["traces"][0]["root_count"], 1);
    assert_eq!(v["traces"][0]["span_count"], 3);
}

#[test]
fn inspect_reads_standard_input() {
    let bytes = std::fs::read(zipkin("zipkin__ascend.json")).expect("fixture");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tracescope"))
        .args(["inspect", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&bytes).expect("write stdin");
    }
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["traces"][0]["span_count"], 8);
}

#[test]
fn malformed_input_names_format_path_offset_line_and_column() {
    let input = TempFile::new(
        b"[{\"traceId\":\"1\",\"id\":\"1\"},\n {\"traceId\":\"1\",\"id\":\"2\",\"duration\":\"soon\"}]",
    );
    let err = assert_fails_with_one_line(&tracescope(&["inspect", input.path()]));
    for part in [
        input.path(),
        "Zipkin v2 JSON",
        "[1].duration",
        "line 2",
        "column",
        "byte offset",
    ] {
        assert!(err.contains(part), "{part:?} missing from {err}");
    }
}

#[test]
fn unreadable_and_odd_inputs_fail_cleanly() {
    let missing = std::env::temp_dir().join("tracescope-cli-test-does-not-exist.json");
    let err =
        assert_fails_with_one_line(&tracescope(&["inspect", missing.to_str().expect("path")]));
    assert!(err.contains("cannot read"), "{err}");

    let dir = std::env::temp_dir();
    assert_fails_with_one_line(&tracescope(&["inspect", dir.to_str().expect("path")]));

    let empty = TempFile::new(b"");
    let err = assert_fails_with_one_line(&tracescope(&["inspect", empty.path()]));
    assert!(err.contains("empty"), "{err}");

    // Not JSON, not UTF-8, control characters: still one line.
    let binary = TempFile::new(b"\x00\xff\xfe\n\r\nPK\x03\x04garbage\n");
    assert_fails_with_one_line(&tracescope(&["inspect", binary.path()]));

    let truncated = TempFile::new(br#"[{"traceId":"1","id":"1","name":"a"#);
    let err =
        assert_fails_with_one_line(&tracescope(&["convert", truncated.path(), "--to", "otlp"]));
    assert!(err.contains("byte offset"), "{err}");

    // Valid JSON that is not a trace (a dependency-links file).
    let deps = fixtures().join("dependencies/kronicle__zipkin-api-dependencies.json");
    let err = assert_fails_with_one_line(&tracescope(&["inspect", deps.to_str().expect("path")]));
    assert!(err.contains("traceId"), "{err}");
}

#[test]
fn every_fixture_either_inspects_or_fails_in_one_line() {
    let root = fixtures();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut seen = 0;
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).expect("dir") {
            let path = entry.expect("entry").path();
            let o = tracescope(&["inspect", path.to_str().expect("path")]);
            if o.status.success() {
                let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
                assert!(v["traces"].as_array().is_some_and(|t| !t.is_empty()));
            } else {
                assert_fails_with_one_line(&o);
            }
            seen += 1;
        }
    }
    assert!(seen >= 40, "{seen} fixtures");
}

#[test]
fn convert_to_otlp_writes_a_file() {
    let out = TempFile::new(b"");
    let o = tracescope(&[
        "convert",
        &zipkin("zipkin__messaging-kafka.json"),
        "--to",
        "otlp",
        "-o",
        out.path(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let v: Value = serde_json::from_slice(&std::fs::read(Path::new(out.path())).expect("output"))
        .expect("JSON");
    let spans: usize = v["resourceSpans"]
        .as_array()
        .expect("resourceSpans")
        .iter()
        .map(|rs| rs["scopeSpans"][0]["spans"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(spans, 28);
}

#[test]
fn convert_to_zipkin_v2_reads_back_the_same() {
    let original = zipkin("zipkin__smartthings-oauth-authorization.json");
    let o = tracescope(&["convert", &original, "--to", "zipkin-v2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let converted = TempFile::new(&o.stdout);
    let a = tracescope(&["inspect", &original]);
    let b = tracescope(&["inspect", converted.path()]);
    assert!(b.status.success(), "{}", stderr(&b));
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["inspect"],
        &["inspect", "a", "b"],
        &["inspect", "--bogus"],
        &["convert", "x.json"],
        &["convert", "x.json", "--to", "jaeger"],
        &["convert", "x.json", "--to"],
        &["bench", "--sizes", "many"],
        &["bench", "--runs", "0"],
    ] {
        let o = tracescope(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("usage:"), "{args:?}");
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
    }
    let o = tracescope(&["--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("tracescope convert"));
}

#[test]
fn bench_prints_a_table() {
    let o = tracescope(&["bench", "--sizes", "300,1k", "--runs", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("| spans | input MB | import ms | clean+tree ms |"),
        "{out}"
    );
    assert!(
        out.contains("| 300 |") && out.contains("| 1,000 |"),
        "{out}"
    );
    assert!(out.contains("×"), "peak / input column: {out}");
}
