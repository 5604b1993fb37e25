//! Project automation. `cargo xtask codegen [--check] [--product NAME [--spec PATH]]` regenerates the committed
//! generated files of every product (`products.rs`) from its description under `spec/`; `cargo xtask codegen --spec PATH --out DIR --name NAME` generates a standalone crate
//! pair for any Twilio description. Arguments are parsed by hand; the generator itself lives in `twilio-codegen`.

mod bench;
mod codegen;
mod products;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--product NAME [--spec PATH]]
      regenerate every product's generated files from its description under spec/ (one product with
      --product; its description read from PATH with --spec); --check fails if a committed file is stale
      instead of writing it
  cargo xtask codegen --spec PATH --out DIR --name NAME [--runtime-version VERSION]
      generate a standalone crate pair DIR/NAME-models and DIR/NAME from any description; the client depends
      on twilio-rest-runtime by path (this checkout), or from crates.io at VERSION with --runtime-version
  cargo xtask bench [--quick] [--skip-baselines] [--skip-builds] [--runs N] [--only GROUP]
      measure codegen, builds and the client against baselines; print the table and write BENCHMARKS.md;
      --runs N samples of each build (default 5, 1 with --quick); --only cold-build|app-build|local-memory|
      local-load measures that group of rows alone and prints it without writing BENCHMARKS.md; the local-load
      rows compare with Prism, found as $PRISM, `prism` on PATH or under /tmp/twilio-chat-bench/prism
      (npm install -g @stoplight/prism-cli)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(format!("missing command\n{USAGE}"));
    };
    match command.as_str() {
        "codegen" => {
            let opts = parse_codegen(rest)?;
            if opts.runtime_version.is_some() && opts.out.is_none() {
                return Err(format!("--runtime-version needs --out\n{USAGE}"));
            }
            match (&opts.out, &opts.name) {
                (Some(out), Some(name)) => {
                    let spec = opts
                        .spec
                        .ok_or_else(|| format!("--out needs --spec\n{USAGE}"))?;
                    if opts.check {
                        return Err(format!("--check cannot be combined with --out\n{USAGE}"));
                    }
                    let runtime = match opts.runtime_version {
                        Some(version) => codegen::RuntimeDep::Version(version),
                        None => codegen::RuntimeDep::Path(
                            codegen::project_root().join("crates/runtime"),
                        ),
                    };
                    let summary = codegen::generate_standalone(&spec, out, name, &runtime)?;
                    println!("{summary}");
                    Ok(())
                }
                (None, None) => {
                    let mode = if opts.check {
                        codegen::Mode::Check
                    } else {
                        codegen::Mode::Overwrite
                    };
                    let products: Vec<&products::Product> = match &opts.product {
                        Some(name) => vec![products::Product::named(name)?],
                        None => products::PRODUCTS.iter().collect(),
                    };
                    let summary = codegen::run_codegen(mode, &products, opts.spec.as_deref())?;
                    println!("{summary}");
                    Ok(())
                }
                _ => Err(format!("--out and --name go together\n{USAGE}")),
            }
        }
        "bench" => {
            let summary = bench::run(&bench::parse(rest)?)?;
            println!("{summary}");
            Ok(())
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

#[derive(Debug, Default)]
struct CodegenOpts {
    check: bool,
    spec: Option<PathBuf>,
    product: Option<String>,
    out: Option<PathBuf>,
    name: Option<String>,
    runtime_version: Option<String>,
}

fn parse_codegen(args: &[String]) -> Result<CodegenOpts, String> {
    let mut opts = CodegenOpts::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--check" => opts.check = true,
            "--spec" => opts.spec = Some(PathBuf::from(value("--spec")?)),
            "--product" => opts.product = Some(value("--product")?),
            "--out" => opts.out = Some(PathBuf::from(value("--out")?)),
            "--runtime-version" => {
                let version = value("--runtime-version")?;
                if version.is_empty() || version.contains(['"', '\\', '\n']) {
                    return Err(format!(
                        "--runtime-version `{version}` is not a version requirement"
                    ));
                }
                opts.runtime_version = Some(version);
            }
            "--name" => {
                let name = value("--name")?;
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    return Err(format!("--name `{name}` is not a valid package name"));
                }
                opts.name = Some(name);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(opts)
}

#[cfg(test)]
mod tests;
