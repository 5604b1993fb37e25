//! The runtime's modules form a DAG: no module reaches, through `crate::` paths in code (doc links aside), a
//! module that reaches it back. A concept two modules need belongs to one of them and is passed to the other.
//! Modules are named by their path (`http::client`); a folder's root file (`http.rs`) is a module of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`, with its module path relative to `src` (`http/client.rs` is `http::client`).
fn modules(src: &Path, dir: &Path, out: &mut Vec<(String, std::path::PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            modules(src, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("::");
            if name != "lib" {
                out.push((name, path));
            }
        }
    }
}

/// Module path -> modules it names in `crate::a::b` paths outside comments (the longest module path named).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    modules(&src, &src, &mut files);
    let names: BTreeSet<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let mut graph = BTreeMap::new();
    for (name, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let mut uses = BTreeSet::new();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for (i, _) in code.match_indices("crate::") {
                let rest = &code[i + "crate::".len()..];
                let named: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == ':')
                    .collect();
                // The longest prefix of `a::b::c` that is a module.
                let segments: Vec<&str> = named.split("::").filter(|s| !s.is_empty()).collect();
                let target = (1..=segments.len())
                    .rev()
                    .map(|n| segments[..n].join("::"))
                    .find(|candidate| names.contains(candidate));
                if let Some(target) = target
                    && target != *name
                    // A folder's root declares and re-exports its children; that is not a use.
                    && !target.starts_with(&format!("{name}::"))
                {
                    uses.insert(target);
                }
            }
        }
        graph.insert(name.clone(), uses);
    }
    graph
}

#[test]
fn modules_form_a_dag() {
    let graph = graph();
    for module in [
        "http::client",
        "http::builder",
        "paging::page",
        "paging::follow",
    ] {
        assert!(
            graph.contains_key(module),
            "no module {module}: {:?}",
            graph.keys()
        );
    }
    // Depth-first search for a cycle, reporting its path.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Result<(), String> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            return Err(format!("{} -> {node}", stack[at..].join(" -> ")));
        }
        if done.contains(node) {
            return Ok(());
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, stack, done)?;
        }
        stack.pop();
        done.insert(node.to_owned());
        Ok(())
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Err(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!("module cycle: {cycle}");
        }
    }
    // What is built without the `client` feature (webhooks and percent-encoding) reaches nothing that needs it.
    let without_client = |m: &str| m == "encode" || m == "webhook" || m.starts_with("webhook::");
    for (module, uses) in &graph {
        if without_client(module) {
            assert!(
                uses.iter().all(|u| without_client(u)),
                "{module} uses {uses:?}"
            );
        }
    }
    // Pages are parsed without knowing the client; the client is given nothing back from paging.
    assert!(
        !graph["paging::page"].contains("http::client"),
        "{:?}",
        graph["paging::page"]
    );
    assert!(
        !graph["http::client"]
            .iter()
            .any(|m| m.starts_with("paging")),
        "{:?}",
        graph["http::client"]
    );
    assert!(
        !graph["http::client"].contains("http::builder"),
        "{:?}",
        graph["http::client"]
    );
}
