//! `tracescope`: the core crate on the command line.
//!
//! ```text
//! tracescope inspect FILE                          JSON summary of each trace
//! tracescope convert FILE --to zipkin-v2|otlp [-o OUT]
//! tracescope bench [--sizes 10000,100000,1000000] [--runs N]
//! tracescope bench-deps [--sizes 1000x5000,…] [--runs N]   the dependency graph view
//! ```
//! FILE may be `-` for standard input. Exit status: 0 on success, 1 when the input cannot
//! be read or is not a trace (one line on stderr saying what and where), 2 on a usage error.

mod bench;
mod bench_deps;
mod inspect;

use std::io::{self, Read, Write};
use std::process::ExitCode;

use tracescope_bench::CountingAlloc;
use tracescope_core::export::{self, Target};
use tracescope_core::import::{import, Imported};

/// Counts heap use for `tracescope bench` (peak heap per input size).
#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const USAGE: &str = "usage: tracescope inspect FILE
       tracescope convert FILE --to zipkin-v2|otlp [-o OUT]
       tracescope bench [--sizes 10000,100000,1000000] [--runs N]
       tracescope bench-deps [--sizes 100x500,1000x5000] [--runs N] | --emit 1000x5000
FILE may be - for standard input.";

/// Why a command failed: the user's invocation, or the input / output.
enum Failure {
    Usage(String),
    Input(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("tracescope: {msg}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Input(msg)) => {
            // One line, whatever the message holds.
            eprintln!("tracescope: {}", msg.replace(['\n', '\r'], " "));
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("no command given".into()));
    };
    match command.as_str() {
        "inspect" => {
            let file = one_file(rest)?;
            let imported = read_and_import(file)?;
            write_stdout(&inspect::report_json(imported))
        }
        "convert" => convert(rest),
        "bench" => bench::run(rest),
        "bench-deps" => bench_deps::run(rest),
        "-h" | "--help" | "help" => write_stdout(format!("{USAGE}\n").as_bytes()),
        "-V" | "--version" => {
            write_stdout(format!("tracescope {}\n", env!("CARGO_PKG_VERSION")).as_bytes())
        }
        other => Err(Failure::Usage(format!("unknown command {other:?}"))),
    }
}

fn one_file(rest: &[String]) -> Result<&str, Failure> {
    match rest {
        [file] if file == "-" || !file.starts_with('-') => Ok(file),
        [] => Err(Failure::Usage("missing FILE".into())),
        [flag, ..] if flag.starts_with('-') && flag != "-" => {
            Err(Failure::Usage(format!("unknown option {flag:?}")))
        }
        _ => Err(Failure::Usage("expected exactly one FILE".into())),
    }
}

fn convert(rest: &[String]) -> Result<(), Failure> {
    let mut file: Option<&str> = None;
    let mut target: Option<Target> = None;
    let mut out: Option<&str> = None;
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--to" => {
                let v = it
                    .next()
                    .ok_or_else(|| Failure::Usage("--to needs a format".into()))?;
                target = Some(Target::from_key(v).ok_or_else(|| {
                    Failure::Usage(format!("--to: unknown format {v:?} (zipkin-v2 or otlp)"))
                })?);
            }
            "-o" | "--output" => {
                out = Some(
                    it.next()
                        .ok_or_else(|| Failure::Usage(format!("{arg} needs a file")))?,
                );
            }
            flag if flag.starts_with('-') && flag != "-" => {
                return Err(Failure::Usage(format!("unknown option {flag:?}")));
            }
            path if file.is_none() => file = Some(path),
            extra => return Err(Failure::Usage(format!("unexpected argument {extra:?}"))),
        }
    }
    let file = file.ok_or_else(|| Failure::Usage("missing FILE".into()))?;
    let target = target.ok_or_else(|| Failure::Usage("missing --to zipkin-v2|otlp".into()))?;
    let imported = read_and_import(file)?;
    let mut bytes = export::to_vec(&imported.traces, target);
    bytes.push(b'\n');
    match out {
        None | Some("-") => write_stdout(&bytes),
        Some(path) => std::fs::write(path, &bytes)
            .map_err(|e| Failure::Input(format!("cannot write {path}: {e}"))),
    }
}

fn read_and_import(file: &str) -> Result<Imported, Failure> {
    let bytes = if file == "-" {
        let mut buf = Vec::new();
        io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Failure::Input(format!("cannot read standard input: {e}")))?;
        buf
    } else {
        std::fs::read(file).map_err(|e| Failure::Input(format!("cannot read {file}: {e}")))?
    };
    import(&bytes).map_err(|e| Failure::Input(format!("{file}: {e}")))
}

/// Writes to standard output; a reader that went away (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Input(format!("cannot write output: {e}"))),
    }
}
