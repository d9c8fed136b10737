//! `tracescope-synth --spans N --seed S --shape realistic|chain|wide --out FILE`
//! Writes one synthetic trace as a Zipkin v2 JSON array (to stdout without `--out`), or with
//! `--traces N` a JSON array of N varied demo traces (an array of arrays, like `/api/v2/traces`).

use std::io::{BufWriter, Write};
use std::process::ExitCode;
use tracescope_synth::{generate_traces, GenConfig, Plan, Shape};

const USAGE: &str = "usage: tracescope-synth [--spans N] [--seed S] [--shape realistic|chain|wide]
                        [--max-depth D] [--fanout F] [--services K] [--skew-us US]
                        [--start-us US|now] [--errors RATE] [--shared RATIO] [--slow]
                        [--trace-id-64] [--traces N] [--out FILE]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("tracescope-synth: {msg}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
    let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
    v.parse().map_err(|_| format!("{flag}: cannot parse {v:?}"))
}

fn run() -> Result<(), String> {
    let mut cfg = GenConfig {
        spans_target: 100,
        ..GenConfig::default()
    };
    let mut out: Option<String> = None;
    let mut traces: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--spans" => cfg.spans_target = parse(&flag, args.next())?,
            "--seed" => cfg.seed = parse(&flag, args.next())?,
            "--shape" => cfg.shape = parse::<Shape>(&flag, args.next())?,
            "--max-depth" => cfg.max_depth = parse(&flag, args.next())?,
            "--fanout" => cfg.fanout = parse(&flag, args.next())?,
            "--services" => cfg.services = parse(&flag, args.next())?,
            "--skew-us" => cfg.skew_us = parse(&flag, args.next())?,
            "--errors" => cfg.error_rate = parse(&flag, args.next())?,
            "--shared" => cfg.shared_ratio = parse(&flag, args.next())?,
            "--slow" => cfg.slow = true,
            "--trace-id-64" => cfg.trace_id_128 = false,
            "--traces" => traces = Some(parse(&flag, args.next())?),
            "--start-us" => {
                let v = args.next().ok_or("--start-us needs a value")?;
                cfg.start_ts_us = if v == "now" {
                    now_us()
                } else {
                    v.parse()
                        .map_err(|_| format!("--start-us: cannot parse {v:?}"))?
                };
            }
            "--out" => out = Some(args.next().ok_or("--out needs a value")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if u32::try_from(cfg.spans_target).is_err() {
        return Err(format!("--spans must be below {}", u32::MAX));
    }
    let sink: Box<dyn Write> = match &out {
        Some(path) => {
            Box::new(std::fs::File::create(path).map_err(|e| format!("cannot create {path}: {e}"))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = BufWriter::with_capacity(1 << 20, sink);
    let result = match traces {
        Some(count) => serde_json::to_writer(
            &mut w,
            &generate_traces(cfg.seed, count, cfg.start_ts_us, 60_000_000),
        )
        .map_err(std::io::Error::from),
        None => Plan::new(&cfg).write_json(&mut w),
    };
    result
        .and_then(|()| w.write_all(b"\n"))
        .and_then(|()| w.flush())
        .map_err(|e| format!("write failed: {e}"))
}

fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
