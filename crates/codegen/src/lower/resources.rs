//! The resource tree: operations placed along the URL hierarchy, with the names of resources, their list and
//! context types and accessors.

use super::RawOperation;
use crate::error::Error;
use crate::ir::{Operation, Resource};
use crate::naming::{Scope, pascal, shouty, singular, snake};
use std::collections::BTreeMap;

pub(super) fn is_param(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

/// Path with parameter names erased: `/v2/Services/{ServiceSid}/Channels` -> `/v2/Services/{}/Channels`.
pub(super) fn normalize(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| if is_param(s) { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Default)]
pub(super) struct Node {
    collection_path: Option<String>,
    instance_path: Option<String>,
    list_ops: Vec<usize>,
    instance_ops: Vec<usize>,
    /// Last literal segment naming the collection (`Channels`).
    literal: String,
    /// Every literal segment after the parent's parameter (`Auth`, `Calls`, `CredentialListMappings`).
    literals: Vec<String>,
    parent: String,
    /// Leading version segment of the first operation placed at or under this node (`v2`).
    version: Option<String>,
}

/// Places operations in the URL hierarchy and names resources, lists, contexts and builders.
pub(super) fn build_resources(
    raw: Vec<RawOperation>,
    type_names: &mut Scope,
) -> Result<(Vec<Resource>, Vec<Operation>), Error> {
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let all_paths: Vec<String> = raw.iter().map(|r| r.tree_path.clone()).collect();
    for (i, r) in raw.iter().enumerate() {
        let segments: Vec<&str> = r.tree_path.split('/').collect();
        let instance = segments.last().is_some_and(|s| is_param(s));
        let coll_len = if instance {
            segments.len() - 1
        } else {
            segments.len()
        };
        ensure_node(&mut nodes, &segments[..coll_len]);
        let key = normalize(&segments[..coll_len]);
        // The version segment the tree leaves out, for the docs of nodes that have no path of their own.
        if let Some(version) = r.op.path.split('/').nth(1).filter(|s| is_version(s)) {
            let mut at = key.clone();
            while let Some(node) = nodes.get_mut(&at) {
                node.version.get_or_insert_with(|| version.to_owned());
                match node.parent.strip_suffix("/{}") {
                    Some(parent) if !parent.is_empty() => at = parent.to_owned(),
                    _ => break,
                }
            }
        }
        let node = nodes
            .get_mut(&key)
            .ok_or_else(|| Error::new(Some(&r.op.id), "", "internal: missing node"))?;
        if instance {
            node.instance_path.get_or_insert_with(|| r.op.path.clone());
            node.instance_ops.push(i);
        } else {
            node.collection_path
                .get_or_insert_with(|| r.op.path.clone());
            node.list_ops.push(i);
        }
    }
    // Name resources: from the operationIds' nouns, else from the URL segment; unique across the crate.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (key, node) in &nodes {
        let mut nouns: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in node.list_ops.iter().chain(&node.instance_ops) {
            if let Some(n) = &raw[i].noun {
                *nouns.entry(n.as_str()).or_default() += 1;
            }
        }
        let best = nouns
            .iter()
            .max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n)))
            .map(|(n, _)| pascal(n));
        let mut name = best.unwrap_or_else(|| pascal(&singular(&node.literal)));
        if (type_names.contains(&format!("{name}List"))
            || type_names.contains(&format!("{name}Context")))
            && let Some(parent) = names.get(&node.parent)
        {
            name = format!("{parent}{name}");
        }
        let mut candidate = name.clone();
        let mut n = 2;
        while type_names.contains(&format!("{candidate}List"))
            || type_names.contains(&format!("{candidate}Context"))
        {
            candidate = format!("{name}{n}");
            n += 1;
        }
        type_names.unique(format!("{candidate}List"));
        type_names.unique(format!("{candidate}Context"));
        names.insert(key.clone(), candidate);
    }
    // Builders, in resource order; operations renumbered in that order.
    let mut order: Vec<usize> = Vec::new();
    for node in nodes.values() {
        order.extend(node.list_ops.iter().chain(&node.instance_ops));
    }
    let mut new_index = vec![0; raw.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut ops: Vec<Option<Operation>> = raw.into_iter().map(|r| Some(r.op)).collect();
    let mut operations = Vec::new();
    let mut tables = Scope::new();
    for &old in &order {
        if let Some(mut op) = ops[old].take() {
            op.builder = type_names.unique(op.builder.clone());
            op.table = tables.unique(shouty(&op.builder));
            operations.push(op);
        }
    }
    pub(super) fn build(
        key: &str,
        nodes: &BTreeMap<String, Node>,
        names: &BTreeMap<String, String>,
        operations: &mut [Operation],
        new_index: &[usize],
        all_paths: &[String],
    ) -> Vec<Resource> {
        let mut out = Vec::new();
        let accessors = child_accessors(key, nodes);
        for (child_key, node) in nodes.iter().filter(|(_, n)| n.parent == key) {
            let name = names.get(child_key).cloned().unwrap_or_default();
            let list_operations: Vec<usize> = node.list_ops.iter().map(|&i| new_index[i]).collect();
            let instance_operations: Vec<usize> =
                node.instance_ops.iter().map(|&i| new_index[i]).collect();
            let children = build(
                &format!("{child_key}/{{}}"),
                nodes,
                names,
                operations,
                new_index,
                all_paths,
            );
            let coll_segments = child_key.split('/').count();
            let context_param =
                param_names(&format!("{child_key}/{{}}"), coll_segments + 1, all_paths).pop();
            // Verbs unique per list / context, after the child accessors.
            let mut list_scope = Scope::new();
            let mut ctx_scope = Scope::new();
            for c in &children {
                ctx_scope.unique(c.list_accessor.clone());
                ctx_scope.unique(c.context_accessor.clone());
            }
            for &i in &list_operations {
                operations[i].verb = list_scope.unique(operations[i].verb.clone());
            }
            for &i in &instance_operations {
                operations[i].verb = ctx_scope.unique(operations[i].verb.clone());
            }
            let (list_accessor, context_accessor) =
                accessors.get(child_key).cloned().unwrap_or_default();
            out.push(Resource {
                list_type: format!("{name}List"),
                context_type: format!("{name}Context"),
                name,
                list_accessor,
                context_accessor,
                collection_path: node.collection_path.clone().unwrap_or_else(|| {
                    match &node.version {
                        Some(version) => format!("/{version}{child_key}"),
                        None => child_key.to_owned(),
                    }
                }),
                instance_path: node.instance_path.clone(),
                context_param,
                context_sid: None,
                context_alternate: None,
                list_operations,
                instance_operations,
                children,
                model: None,
                links: Vec::new(),
            });
        }
        out
    }
    let resources = build("", &nodes, &names, &mut operations, &new_index, &all_paths);
    Ok((resources, operations))
}

/// List and context accessor names of the children of `parent`, unique among themselves (and, at the top, beside
/// the client's own methods). Each is named after the literal segments after the parent's parameter, without a
/// leading version segment: `/v2/Services` -> `services`, `.../Domains/{DomainSid}/Auth/Calls/CredentialListMappings`
/// -> `auth_calls_credential_list_mappings`, `/2010-04-01/IncomingPhoneNumbers/Local` ->
/// `incoming_phone_numbers_local`; names still equal after that get numbered suffixes.
pub(super) fn child_accessors(
    parent: &str,
    nodes: &BTreeMap<String, Node>,
) -> BTreeMap<String, (String, String)> {
    let reserved: &[&str] = if parent.is_empty() {
        &["new", "from_env", "builder", "runtime", "clone", "from"]
    } else {
        &["clone"]
    };
    let mut scope = Scope::with_reserved(reserved);
    let mut out = BTreeMap::new();
    for (key, node) in nodes.iter().filter(|(_, n)| n.parent == parent) {
        let mut literals: Vec<&str> = node.literals.iter().map(String::as_str).collect();
        if parent.is_empty() && literals.len() > 1 && is_version(literals[0]) {
            literals.remove(0);
        }
        let Some((last, prefix)) = literals.split_last() else {
            out.insert(
                key.clone(),
                (
                    scope.unique(snake(&node.literal)),
                    scope.unique(format!("{}_instance", snake(&node.literal))),
                ),
            );
            continue;
        };
        let joined = |last: &str| {
            let mut parts: Vec<&str> = prefix.to_vec();
            parts.push(last);
            parts.join("_")
        };
        let list = scope.unique(snake(&joined(last)));
        let mut context = snake(&joined(&singular(last)));
        if context == list || scope.contains(&context) {
            context = format!("{context}_instance");
        }
        let context = scope.unique(context);
        out.insert(key.clone(), (list, context));
    }
    out
}

/// A version segment: `v2`, `V1`, `2010-04-01`.
pub(super) fn is_version(segment: &str) -> bool {
    let digits = segment.strip_prefix(['v', 'V']).unwrap_or(segment);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
}

/// Creates the node for a collection (and its ancestors).
pub(super) fn ensure_node(nodes: &mut BTreeMap<String, Node>, collection: &[&str]) {
    let key = normalize(collection);
    if nodes.contains_key(&key) {
        return;
    }
    let last_param = collection.iter().rposition(|s| is_param(s));
    let (parent, literal_start) = match last_param {
        Some(p) => (normalize(&collection[..=p]), p + 1),
        None => (String::new(), 0),
    };
    let literal = collection[literal_start..]
        .iter()
        .rev()
        .find(|s| !s.is_empty())
        .copied()
        .unwrap_or("Root");
    let literals = collection[literal_start..]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| (*s).to_owned())
        .collect();
    nodes.insert(
        key,
        Node {
            literal: literal.to_owned(),
            literals,
            parent: parent.clone(),
            ..Node::default()
        },
    );
    if let Some(p) = last_param {
        ensure_node(nodes, &collection[..p]);
    }
}

/// Snake-case names of the first `len` segments' parameters, taken from the first path with that shape.
pub(super) fn param_names(
    normalized_prefix: &str,
    len: usize,
    all_paths: &[String],
) -> Vec<String> {
    let mut candidates: Vec<&String> = all_paths.iter().collect();
    candidates.sort();
    let found = candidates
        .iter()
        .map(|p| p.split('/').collect::<Vec<_>>())
        .filter(|segs| segs.len() >= len && normalize(&segs[..len]) == normalized_prefix)
        .min_by_key(|segs| segs.len());
    let mut scope = Scope::with_reserved(&["client"]);
    match found {
        Some(segs) => segs[..len]
            .iter()
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|n| scope.unique(snake(n)))
            .collect(),
        None => Vec::new(),
    }
}
