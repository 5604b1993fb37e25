//! Typed SIDs: one name per SID prefix of the description, the types of the model fields that hold SIDs, and the
//! SID type (and alternate key) of each resource's context accessor.
//!
//! Fields are lowered with `TypeRef::Sid(prefix)` when their `pattern` is the SID pattern of one prefix; this pass
//! names every prefix and replaces the prefix by the name. A prefix is named after, in order of preference:
//! 1. the resource whose records' `sid` has it (`IS` -> `ServiceSid`; of several resources, the shortest name,
//!    so `BS` is `BindingSid` rather than `UserBindingSid`);
//! 2. the fields `<name>_sid` that hold it (`AC` -> `AccountSid`; the most frequent name, then the first in
//!    alphabetical order);
//! 3. the model whose `sid` has it, or the field that holds it.
//!
//! Names are facts of the description's structure (resource paths, property names, patterns), never of its prose.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::ir::{Api, Location, Operation, Resource, Schema, SidType, Struct, TypeRef};
use crate::naming::pascal;

/// Names the SID prefixes, types the model fields and the context accessors; see the [module](self).
pub(super) fn type_sids(api: &mut Api) -> Result<(), Error> {
    let names = name_prefixes(api)?;
    let structs: BTreeMap<String, Struct> = api
        .schemas
        .values()
        .filter_map(|s| match s {
            Schema::Struct(s) => Some((s.name.clone(), s.clone())),
            _ => None,
        })
        .collect();
    for r in &mut api.resources {
        type_context(r, &api.operations, &structs, &names);
    }
    for schema in api.schemas.values_mut() {
        if let Schema::Struct(s) = schema {
            for f in &mut s.fields {
                rename(&mut f.ty, &names);
            }
        }
    }
    let mut types: Vec<SidType> = names.into_values().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    for pair in types.windows(2) {
        if pair[0].name == pair[1].name {
            return Err(Error::new(
                None,
                "",
                format!(
                    "the SID prefixes {} and {} would both be named `{}` (after {} and {})",
                    pair[0].prefix, pair[1].prefix, pair[0].name, pair[0].origin, pair[1].origin
                ),
            ));
        }
    }
    if let Some(clash) = types.iter().find(|t| api.schemas.contains_key(&t.name)) {
        return Err(Error::new(
            None,
            "",
            format!(
                "the typed SID `{}` (prefix {}, after {}) has the name of a model",
                clash.name, clash.prefix, clash.origin
            ),
        ));
    }
    api.sid_types = types;
    Ok(())
}

/// Every prefix that some field holds, with its name.
fn name_prefixes(api: &Api) -> Result<BTreeMap<String, SidType>, Error> {
    let mut names: BTreeMap<String, SidType> = BTreeMap::new();
    // 1. Resources, by the prefix of their records' `sid`.
    for r in api.resources_flat() {
        let Some(prefix) = r
            .model
            .as_ref()
            .and_then(|m| match api.schemas.get(m) {
                Some(Schema::Struct(s)) => s.field("sid"),
                _ => None,
            })
            .and_then(|f| sid_prefix_of(&f.ty))
        else {
            continue;
        };
        let candidate = SidType {
            name: format!("{}Sid", r.name),
            prefix: prefix.to_owned(),
            origin: format!("the resource `{}`", r.name),
        };
        match names.get(prefix) {
            Some(named) if named.name.len() <= candidate.name.len() => {}
            _ => {
                names.insert(prefix.to_owned(), candidate);
            }
        }
    }
    // 2. Fields `<name>_sid`, by frequency.
    let mut counts: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for s in structs(api) {
        for f in &s.fields {
            let (Some(prefix), Some(stem)) =
                (sid_prefix_of(&f.ty), f.api_name.strip_suffix("_sid"))
            else {
                continue;
            };
            if !stem.is_empty() && !names.contains_key(prefix) {
                *counts
                    .entry(prefix)
                    .or_default()
                    .entry(pascal(stem))
                    .or_default() += 1;
            }
        }
    }
    for (prefix, stems) in counts {
        // Most frequent; of equals, the first in alphabetical order (max_by keeps the last maximum).
        let best = stems
            .iter()
            .rev()
            .max_by_key(|(_, n)| **n)
            .map(|(stem, _)| stem.clone())
            .unwrap_or_default();
        names.insert(
            prefix.to_owned(),
            SidType {
                name: format!("{best}Sid"),
                prefix: prefix.to_owned(),
                origin: format!("the fields `{}_sid`", crate::naming::snake(&best)),
            },
        );
    }
    // 3. Whatever else holds a prefix: the model of a `sid`, or the field.
    for s in structs(api) {
        for f in &s.fields {
            let Some(prefix) = sid_prefix_of(&f.ty) else {
                continue;
            };
            if names.contains_key(prefix) {
                continue;
            }
            let (name, origin) = if f.api_name == "sid" {
                (format!("{}Sid", s.name), format!("the model `{}`", s.name))
            } else {
                let stem = pascal(&f.api_name);
                let name = if stem.ends_with("Sid") {
                    stem
                } else {
                    format!("{stem}Sid")
                };
                (name, format!("the field `{}` of `{}`", f.api_name, s.name))
            };
            names.insert(
                prefix.to_owned(),
                SidType {
                    name,
                    prefix: prefix.to_owned(),
                    origin,
                },
            );
        }
    }
    for t in names.values() {
        if t.prefix.len() != 2 || !t.prefix.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::new(
                None,
                "",
                format!("`{}` is not a two-letter SID prefix", t.prefix),
            ));
        }
    }
    Ok(names)
}

fn structs(api: &Api) -> impl Iterator<Item = &Struct> {
    api.schemas.values().filter_map(|s| match s {
        Schema::Struct(s) => Some(s),
        _ => None,
    })
}

/// The prefix of a SID type not yet renamed, or of an array of them.
fn sid_prefix_of(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Sid(prefix) => Some(prefix),
        TypeRef::Array(inner) => sid_prefix_of(inner),
        _ => None,
    }
}

fn rename(ty: &mut TypeRef, names: &BTreeMap<String, SidType>) {
    match ty {
        TypeRef::Sid(prefix) => {
            if let Some(t) = names.get(prefix.as_str()) {
                *prefix = t.name.clone();
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => rename(inner, names),
        _ => {}
    }
}

/// The SID type and alternate key of `r`'s context accessor (and of its children's), read from the path
/// parameter it fills: its own `pattern`, or when it also takes an alternate key (and so has no pattern), the
/// prefix of the record field it names (`sid` of the resource's model, or the field of the same name).
fn type_context(
    r: &mut Resource,
    operations: &[Operation],
    structs: &BTreeMap<String, Struct>,
    names: &BTreeMap<String, SidType>,
) {
    if let Some(param) = &r.context_param {
        // A segment with no operation of its own (`/v3/Services/{ServiceSid}` above Chat v3's channels) is typed
        // by the operations below it.
        let below = match &r.instance_path {
            Some(instance) => format!("{instance}/"),
            None => format!("{}/{{", r.collection_path),
        };
        let found = operations
            .iter()
            .filter(|op| Some(&op.path) == r.instance_path.as_ref() || op.path.starts_with(&below))
            .flat_map(|op| &op.params)
            .find(|p| p.location == Location::Path && p.name == *param);
        if let Some(p) = found {
            let model = r.model.as_ref().and_then(|m| structs.get(m));
            let from_model = || {
                let field = model?
                    .field("sid")
                    .filter(|_| p.api_name == "Sid")
                    .or_else(|| model?.field(param))?;
                sid_prefix_of(&field.ty).map(str::to_owned)
            };
            let prefix = p.sid_prefix.clone().or_else(from_model);
            r.context_sid = prefix
                .and_then(|prefix| names.get(&prefix))
                .map(|t| t.name.clone());
            r.context_alternate = p.alternate_key.clone();
        }
    }
    for child in &mut r.children {
        type_context(child, operations, structs, names);
    }
}
