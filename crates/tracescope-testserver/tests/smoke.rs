//! The real binary on a real socket: start-up line, a few requests, clean exit on SIGTERM.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server if the test fails half-way (only this child, by its own handle).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn http_get(port: u16, path: &str, extra: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n"
    )
    .expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

#[test]
fn binary_serves_on_a_free_port_and_stops_on_sigterm() {
    let fixtures = common::fixtures().join("zipkin-v2");
    let child = Command::new(env!("CARGO_BIN_EXE_tracescope-testserver"))
        .args([
            "--port",
            "0",
            "--samples",
            "3",
            "--seed",
            "4",
            "--shift-to-now",
        ])
        .arg("--load")
        .arg(&fixtures)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read first line");
    let port: u16 = line
        .trim()
        .strip_prefix("listening on http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));

    let services = http_get(port, "/api/v2/services", "");
    assert!(services.starts_with("HTTP/1.1 200"), "{services}");
    assert!(services.contains("api-gateway") && services.contains("bootifulmeters"));

    // Loaded fixtures were shifted into the default lookback: 3 samples + 11 fixture traces.
    let traces = http_get(port, "/api/v2/traces?limit=100", "");
    let body = traces.split("\r\n\r\n").nth(1).unwrap_or_default();
    let parsed: serde_json::Value = serde_json::from_str(body).expect("traces JSON");
    assert_eq!(parsed.as_array().map(Vec::len), Some(14));

    let faulted = http_get(
        port,
        "/_fault/truncate=5/api/v2/services",
        "Origin: http://localhost:1234\r\n",
    );
    assert!(faulted.contains("content-length: 5"), "{faulted}");
    assert!(
        faulted.contains("access-control-allow-origin: *"),
        "{faulted}"
    );
    assert!(
        faulted.ends_with("\r\n\r\n[\"acc") || faulted.ends_with("\r\n\r\n[\"api"),
        "{faulted}"
    );

    let pid = server.0.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = server.0.try_wait().expect("wait") {
            assert!(exit.success(), "exit status {exit:?}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn bad_arguments_exit_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_tracescope-testserver"))
        .args(["--port", "notaport"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port"));
    assert!(out.stdout.is_empty());
}
