//! `cargo xtask codegen`: reads each product's description, calls `twilio_codegen::generate` with the product's
//! settings (see [`crate::products`]), writes files only when their bytes differ, or in check mode reports each
//! stale file.

use crate::products::Product;
use std::fs;
use std::path::{Path, PathBuf};
use twilio_codegen::{Settings, generate};

/// Write files, or only check them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write files whose bytes differ.
    Overwrite,
    /// Fail naming every stale file.
    Check,
}

/// The workspace root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Regenerates (or checks) the committed files of `products`; `spec` replaces the description of the one
/// product given.
pub fn run_codegen(
    mode: Mode,
    products: &[&Product],
    spec: Option<&Path>,
) -> Result<String, String> {
    if spec.is_some() && products.len() != 1 {
        return Err("--spec needs exactly one product (--product NAME)".to_owned());
    }
    let root = project_root();
    let mut summaries = Vec::new();
    let mut stale = Vec::new();
    for product in products {
        let (spec_path, display) = match spec {
            Some(p) => (p.to_path_buf(), p.display().to_string()),
            None => (root.join(product.spec), product.spec.to_owned()),
        };
        let text = fs::read_to_string(&spec_path).map_err(|e| {
            format!(
                "cannot read {}: {e} (the description of {} belongs in {}; pass --spec PATH to use another)",
                spec_path.display(),
                product.name,
                product.spec
            )
        })?;
        let generated =
            generate(&text, &product.settings(&display)).map_err(|e| format!("{display}: {e}"))?;
        let mut written = 0;
        for (rel, contents) in &generated.files {
            match ensure_file_contents(&root.join(rel), contents, mode)? {
                FileState::Fresh => {}
                FileState::Written => written += 1,
                FileState::Stale => stale.push(format!(
                    "{rel} is stale: run `cargo xtask codegen` and commit"
                )),
            }
        }
        summaries.push(format!(
            "{display}: {} structs, {} enums, {} operations; {} of {} files {}",
            generated.structs,
            generated.enums,
            generated.operations,
            written,
            generated.files.len(),
            if mode == Mode::Check {
                "checked"
            } else {
                "written"
            }
        ));
    }
    if !stale.is_empty() {
        return Err(stale.join("\n"));
    }
    Ok(summaries.join("\n"))
}

/// How a generated client depends on `twilio-rest-runtime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDep {
    /// By path (this checkout's `crates/runtime`): for local builds.
    Path(PathBuf),
    /// By version requirement from crates.io (`0.1`): for crates used outside this repository.
    Version(String),
}

impl RuntimeDep {
    /// The dependency entry (after `name = `) of the runtime (`runtime`) or of a crate beside it (`time`): by
    /// path, the sibling directory of the runtime's; by version, the same requirement (the crates are released
    /// together).
    fn entry(&self, dir: &str) -> String {
        match self {
            RuntimeDep::Path(runtime) => {
                let path = runtime
                    .parent()
                    .map_or_else(|| runtime.clone(), |crates| crates.join(dir));
                format!("{{ path = \"{}\" }}", path.display())
            }
            RuntimeDep::Version(version) => format!("\"{version}\""),
        }
    }
}

/// Generates `out/NAME-models` and `out/NAME` for any description, as crates that build on their own.
pub fn generate_standalone(
    spec: &Path,
    out: &Path,
    name: &str,
    runtime: &RuntimeDep,
) -> Result<String, String> {
    generate_crates(spec, out, name, Layout::Standalone, runtime).map(|g| g.summary)
}

/// How [`generate_crates`] lays out the crate pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Each crate is its own workspace (`[workspace]` in its manifest).
    Standalone,
    /// The crates are members of an enclosing workspace the caller writes.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "only the tests build a shared workspace")
    )]
    Member,
}

/// What [`generate_crates`] produced.
#[derive(Debug, Clone)]
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "the command line prints only the summary")
)]
pub struct CratePair {
    /// One line: description, structs, enums, operations, output directory.
    pub summary: String,
    /// Number of operations.
    pub operations: usize,
    /// Lines of the generated files (models and client).
    pub generated_lines: usize,
}

/// Generates `out/NAME-models` and `out/NAME` for any description.
pub fn generate_crates(
    spec: &Path,
    out: &Path,
    name: &str,
    layout: Layout,
    runtime: &RuntimeDep,
) -> Result<CratePair, String> {
    let text =
        fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let models = format!("{name}-models");
    let display = spec.file_name().map_or_else(
        || spec.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let settings = Settings::new(&display, &models, name);
    let generated = generate(&text, &settings).map_err(|e| format!("{}: {e}", spec.display()))?;
    let models_ident = models.replace('-', "_");
    let workspace = match layout {
        Layout::Standalone => "\n[workspace]\n",
        Layout::Member => "",
    };
    let generated_lines = generated.files.values().map(|f| f.lines().count()).sum();
    let mut files = generated.files.clone();
    files.insert(
        format!("{models}/Cargo.toml"),
        models_manifest(&models, runtime, workspace),
    );
    files.insert(
        format!("{models}/src/lib.rs"),
        models_lib(&display, generated.structs + generated.enums > 0),
    );
    files.insert(
        format!("{name}/Cargo.toml"),
        client_manifest(name, &models, runtime, workspace),
    );
    files.insert(
        format!("{name}/src/lib.rs"),
        client_lib(&display, &models_ident),
    );
    for (rel, contents) in &files {
        ensure_file_contents(&out.join(rel), contents, Mode::Overwrite)?;
    }
    Ok(CratePair {
        summary: format!(
            "{}: {} structs, {} enums, {} operations generated into {}",
            spec.display(),
            generated.structs,
            generated.enums,
            generated.operations,
            out.display()
        ),
        operations: generated.operations,
        generated_lines,
    })
}

/// What [`ensure_file_contents`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Already up to date.
    Fresh,
    /// Rewritten (overwrite mode).
    Written,
    /// Differs (check mode).
    Stale,
}

/// Writes `contents` to `path` only when the bytes differ; in check mode reports instead of writing.
pub fn ensure_file_contents(path: &Path, contents: &str, mode: Mode) -> Result<FileState, String> {
    if fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(FileState::Fresh);
    }
    if mode == Mode::Check {
        return Ok(FileState::Stale);
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(FileState::Written)
}

fn models_manifest(models: &str, runtime: &RuntimeDep, workspace: &str) -> String {
    let (time, core) = (runtime.entry("time"), runtime.entry("core"));
    format!(
        r#"[package]
name = "{models}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
serde = "1"
serde_json = "1"
twilio-rest-time = {time}
twilio-rest-core = {core}
{workspace}"#
    )
}

fn client_manifest(name: &str, models: &str, runtime: &RuntimeDep, workspace: &str) -> String {
    let (time, runtime) = (runtime.entry("time"), runtime.entry("runtime"));
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
{models} = {{ path = "../{models}" }}
twilio-rest-runtime = {runtime}
twilio-rest-time = {time}
serde = "1"
serde_json = "1"
{workspace}"#
    )
}

/// The models crate's `lib.rs`; a description without schemas has no models to re-export (an empty glob import
/// would be an unused import).
fn models_lib(display: &str, has_models: bool) -> String {
    let reexport = if has_models {
        "pub use generated::*;\n"
    } else {
        ""
    };
    format!(
        "//! Models generated from `{display}` by `cargo xtask codegen --spec`.\n\n#![deny(missing_docs)]\n\n#[rustfmt::skip]\nmod generated;\n{reexport}"
    )
}

fn client_lib(display: &str, models_ident: &str) -> String {
    format!(
        "//! Async client generated from `{display}` by `cargo xtask codegen --spec`.\n\n#![deny(missing_docs)]\n\n#[rustfmt::skip]\nmod generated;\npub use generated::*;\n\npub use {models_ident} as models;\npub use twilio_rest_runtime::{{self as runtime, Credentials, Error, ErrorKind, ItemStream, Page, RequestOptions, RetryPolicy}};\n"
    )
}
