//! The runtime's modules form a DAG: no module reaches, through `crate::` paths in code (doc links aside), a
//! module that reaches it back. A concept two modules need belongs to one of them and is passed to the other.

use std::collections::{BTreeMap, BTreeSet};

/// Module name -> modules it names in `crate::<module>` paths outside comments.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<_> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let names: BTreeSet<String> = files
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| n != "lib")
        .collect();
    let mut graph = BTreeMap::new();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let mut uses = BTreeSet::new();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for (i, _) in code.match_indices("crate::") {
                let rest = &code[i + "crate::".len()..];
                let target: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if names.contains(&target) && target != name {
                    uses.insert(target);
                }
            }
        }
        graph.insert(name, uses);
    }
    graph
}

#[test]
fn modules_form_a_dag() {
    let graph = graph();
    assert!(graph.contains_key("client") && graph.contains_key("page"));
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
    // Pages are parsed without knowing the client; the client is given nothing back from paging.
    assert!(!graph["page"].contains("client"), "{:?}", graph["page"]);
    assert!(!graph["client"].contains("paging"), "{:?}", graph["client"]);
    assert!(
        !graph["client"].contains("builder"),
        "{:?}",
        graph["client"]
    );
}
