//! `tracescope bench-deps`: the dependency graph view on synthetic service graphs
//! (`synthetic_links`), natively, as a markdown table: building the graph from links, the
//! layered layout (the whole scene: filter, sizes, layout), and the core's share of a frame
//! at fit-to-screen (painting into a painter that draws nothing); then the dependency links
//! of one synthetic trace (Zipkin's linker, which the engine runs on every trace it loads for
//! the trace view's services tab) at 10k, 100k and 1M spans (`--trace-sizes`). `--emit SxE`
//! prints the links of one size instead, as a `/dependencies` answer.

use std::time::Instant;

use tracescope_core::derive::dependencies::dependency_links;
use tracescope_core::derive::dependency_graph::{synthetic_links, DependencyGraph};
use tracescope_core::derive::{derive, DeriveOptions};
use tracescope_core::draw_graph::{paint_dependency_graph, GraphMarks, GraphPainter, GraphText};
use tracescope_core::import::import;
use tracescope_core::layout::color::Theme;
use tracescope_core::layout::dependency::{
    dependency_scene, Camera, DependencyRequest, ErrorRates,
};

use tracescope_bench::median;

use crate::{write_stdout, Failure};

const DEFAULT_SIZES: &[(usize, usize)] = &[(100, 500), (300, 1500), (1000, 5000), (2000, 10000)];

/// Counts path operations, so the work cannot be optimised away.
#[derive(Default)]
struct Count(u64);

impl GraphPainter for Count {
    fn clear(&mut self, _: f32, _: f32, _: u32) {}
    fn begin_path(&mut self) {}
    fn move_to(&mut self, _: [f32; 2]) {
        self.0 += 1;
    }
    fn line_to(&mut self, _: [f32; 2]) {
        self.0 += 1;
    }
    fn curve_to(&mut self, _: [f32; 2], _: [f32; 2], _: [f32; 2]) {
        self.0 += 1;
    }
    fn round_rect(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32) {
        self.0 += 1;
    }
    fn stroke(&mut self, _: u32, _: f32, _: f32) {}
    fn fill(&mut self, _: u32, _: f32) {}
    fn text(&mut self, _: f32, _: f32, _: &str, _: GraphText) {
        self.0 += 1;
    }
}

fn parse_sizes(v: &str) -> Result<Vec<(usize, usize)>, String> {
    v.split(',')
        .map(|s| {
            let (a, b) = s
                .split_once('x')
                .ok_or_else(|| format!("--sizes: {s:?} is not SERVICESxEDGES"))?;
            let n = |t: &str| {
                t.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 1)
                    .ok_or_else(|| format!("--sizes: not a count: {t:?}"))
            };
            Ok((n(a)?, n(b)?))
        })
        .collect()
}

pub fn run(args: &[String]) -> Result<(), Failure> {
    let mut sizes = DEFAULT_SIZES.to_vec();
    let mut trace_sizes = tracescope_bench::DEFAULT_SIZES.to_vec();
    let mut runs = 5usize;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| Failure::Usage(format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--sizes" => sizes = parse_sizes(value()?).map_err(Failure::Usage)?,
            "--trace-sizes" => {
                trace_sizes = tracescope_bench::parse_sizes(value()?).map_err(Failure::Usage)?;
            }
            // The benchmark's input as a `/dependencies` answer, for the browser benchmark.
            "--emit" => {
                let size = parse_sizes(value()?).map_err(Failure::Usage)?;
                let (services, edges) = size[0];
                let links = synthetic_links(services, edges, 1);
                let json = serde_json::to_vec(&links).map_err(|e| Failure::Input(e.to_string()))?;
                return write_stdout(&json);
            }
            "--runs" => {
                let v = value()?;
                runs = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| Failure::Usage(format!("--runs: not a count: {v:?}")))?;
            }
            other => return Err(Failure::Usage(format!("unknown option {other:?}"))),
        }
    }
    let mut out = format!(
        "### dependency graph, native ({}, {runs} run{} per size, median)\n\n\
         | services × links | shown nodes / edges | layers | dummies | reversed | crossings | graph ms | layout ms | frame (core) ms |\n\
         |---|---|---|---|---|---|---|---|---|\n",
        if cfg!(debug_assertions) {
            "debug build: numbers are not meaningful"
        } else {
            "optimised build"
        },
        if runs == 1 { "" } else { "s" },
    );
    for (services, edges) in sizes {
        let links = synthetic_links(services, edges, 1);
        let (mut graph_ms, mut layout_ms, mut frame_ms) = (Vec::new(), Vec::new(), Vec::new());
        let mut last = None;
        let mut ops = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let g = DependencyGraph::from_links(&links);
            graph_ms.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            let scene = dependency_scene(&g, &DependencyRequest::default());
            layout_ms.push(t.elapsed().as_secs_f64() * 1e3);
            let cam = Camera::fit(&scene, 1600.0, 900.0);
            let t = Instant::now();
            let mut p = Count::default();
            paint_dependency_graph(
                &mut p,
                &g,
                &scene,
                &cam,
                1600.0,
                900.0,
                &Theme::LIGHT,
                ErrorRates::default(),
                GraphMarks::default(),
            );
            frame_ms.push(t.elapsed().as_secs_f64() * 1e3);
            ops += p.0;
            last = Some(scene);
        }
        let Some(s) = last else { continue };
        let l = &s.layout;
        out.push_str(&format!(
            "| {services} × {} | {} / {} | {} | {} | {} | {} | {:.1} | {:.1} | {:.2} |\n",
            links.len(),
            s.node_count(),
            s.edge_count(),
            l.layer_count,
            l.dummy_count,
            l.reversed.iter().filter(|r| **r).count(),
            l.crossings,
            median(graph_ms),
            median(layout_ms),
            median(frame_ms),
        ));
        eprintln!("[bench-deps] {services}x{edges} done ({ops} path ops)");
    }
    out.push_str(&format!(
        "\n### dependency links of one trace, native ({runs} run{} per size, median)\n\n\
         | spans | services | links | links ms |\n|---:|---:|---:|---:|\n",
        if runs == 1 { "" } else { "s" },
    ));
    for spans in trace_sizes {
        let bytes = tracescope_bench::input(spans);
        let trace = import(&bytes)
            .map_err(|e| Failure::Input(format!("synthetic input: {e}")))?
            .traces
            .into_iter()
            .next()
            .ok_or_else(|| Failure::Input("synthetic input gave no trace".into()))?;
        drop(bytes);
        let d = derive(trace, DeriveOptions::default());
        let mut ms = Vec::new();
        let mut links = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            links = dependency_links([&d]);
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let services: std::collections::HashSet<&str> = links
            .iter()
            .flat_map(|l| [l.parent.as_str(), l.child.as_str()])
            .collect();
        out.push_str(&format!(
            "| {spans} | {} | {} | {:.1} |\n",
            services.len(),
            links.len(),
            median(ms)
        ));
        eprintln!("[bench-deps] links of a {spans}-span trace done");
    }
    write_stdout(out.as_bytes())
}
