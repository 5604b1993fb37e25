//! Speed of the generator on `spec/chat-v2.json`: parse + lower, emit + render, and the whole
//! `twilio_codegen::generate` (what `cargo xtask codegen` runs, without file IO), median of N runs after warm-up.
//!
//! `codegen_bench [--quick] [--spec PATH]` prints JSON result lines (see [`bench::stats::report`]).

use bench::stats::{report, time_ns};
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use twilio_codegen::Settings;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("codegen_bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut samples = 21;
    let mut spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/chat-v2.json");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => samples = 7,
            "--spec" => spec = PathBuf::from(args.next().ok_or("--spec needs a path")?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let json = std::fs::read_to_string(&spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    // What `cargo xtask codegen` writes for Chat v2: models, client, IR snapshot, dispatch and route table.
    let settings = Settings {
        ir_path: Some("ir.txt".to_owned()),
        dispatch: Some(twilio_codegen::DispatchSettings {
            file: "dispatch.rs".to_owned(),
            args_path: "crate::args".to_owned(),
            call_path: "crate::format".to_owned(),
        }),
        local: Some(twilio_codegen::LocalSettings {
            file: "local.rs".to_owned(),
            table_path: "crate::table".to_owned(),
        }),
        ..Settings::new("spec/chat-v2.json", "models", "client")
    };
    let generated = twilio_codegen::generate(&json, &settings)
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    let api = twilio_codegen::lower(&json).map_err(|e| format!("{}: {e}", spec.display()))?;

    let total_ns = time_ns(2, samples, 1, || {
        twilio_codegen::generate(black_box(&json), &settings)
    });
    let lower_ns = time_ns(2, samples, 1, || twilio_codegen::lower(black_box(&json)));
    let emit_ns = time_ns(2, samples, 1, || {
        twilio_codegen::generate_from_ir(black_box(&api), &settings)
    });
    report("codegen.generate", total_ns / 1e6, "ms");
    report("codegen.parse_lower", lower_ns / 1e6, "ms");
    report("codegen.emit_render", emit_ns / 1e6, "ms");
    report("codegen.spec_bytes", json.len() as f64, "bytes");
    report("codegen.operations", generated.operations as f64, "count");
    report(
        "codegen.output_lines",
        generated
            .files
            .values()
            .map(|f| f.lines().count())
            .sum::<usize>() as f64,
        "lines",
    );
    report(
        "codegen.output_bytes",
        generated.files.values().map(String::len).sum::<usize>() as f64,
        "bytes",
    );
    Ok(())
}
