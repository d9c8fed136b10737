//! `tracescope-testserver`: see `--help` and the crate README.

use std::io::Write;
use std::process::ExitCode;
use tracescope_testserver::{add_samples, app, load, now_us, AppState, Cli, ServerConfig};

fn main() -> ExitCode {
    let cfg = match ServerConfig::from_args(std::env::args().skip(1)) {
        Ok(Cli::Run(cfg)) => *cfg,
        Ok(Cli::Help) => {
            println!("{}", tracescope_testserver::config::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!(
                "tracescope-testserver: {e}\n\n{}",
                tracescope_testserver::config::USAGE
            );
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tracescope-testserver: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cfg)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tracescope-testserver: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cfg: ServerConfig) -> Result<(), String> {
    let state = AppState::new(cfg.clone());

    if !cfg.loads.is_empty() {
        let report = {
            let mut store = state.write();
            load::load_paths(&cfg.loads, cfg.lowercase_names, |spans| store.accept(spans))
        };
        for m in &report.messages {
            eprintln!("{m}");
        }
        eprintln!(
            "loaded {} spans from {} files ({} skipped)",
            report.spans, report.files_loaded, report.files_skipped
        );
        if cfg.shift_to_now {
            // Newest span of each trace ends one second before now, inside every lookback.
            state.write().shift_to_now(now_us(), 1_000_000);
        }
    }
    if cfg.samples > 0 {
        let n = add_samples(&state, cfg.samples, cfg.seed, now_us());
        eprintln!("generated {} sample traces ({n} spans)", cfg.samples);
    }

    // Encode big traces in the background so their first request is quick.
    let traces = state.read().all_traces();
    std::thread::spawn(move || tracescope_testserver::store::Store::warm(&traces, 10_000));

    let addr = format!("{}:{}", cfg.host, cfg.port);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read local address: {e}"))?;
    {
        // Exactly one line on stdout: tests parse the port from it.
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{local}").map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
    }
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed we simply never resolve this branch.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
