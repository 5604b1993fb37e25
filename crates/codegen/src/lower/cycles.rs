//! Reference cycles between models: fields that hold a model containing itself are boxed.

use crate::ir::{Schema, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// Boxes every struct field and `oneOf` alternative that holds a model directly (not through `Vec` or a map) and
/// lies on a reference cycle (`node.child: node`), so every model has a finite size. Deterministic: edges are
/// visited in model and field order.
pub(super) fn box_recursive_fields(schemas: &mut BTreeMap<String, Schema>) {
    pub(super) fn direct(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Struct(n) | TypeRef::OneOf(n) => Some(n),
            _ => None,
        }
    }
    let edges: BTreeMap<String, Vec<String>> = schemas
        .iter()
        .map(|(name, s)| {
            let targets = match s {
                Schema::Struct(st) => st.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
                Schema::OneOf(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
                Schema::Enum(_) => Vec::new(),
            };
            (
                name.clone(),
                targets.into_iter().map(str::to_owned).collect(),
            )
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone())
                && let Some(next) = edges.get(&n)
            {
                stack.extend(next.iter().cloned());
            }
        }
        false
    };
    let mut on_cycle: BTreeSet<(String, String)> = BTreeSet::new();
    for (from, targets) in &edges {
        for to in targets {
            if reaches(to, from) {
                on_cycle.insert((from.clone(), to.clone()));
            }
        }
    }
    if on_cycle.is_empty() {
        return;
    }
    let boxed = |owner: &str, ty: &mut TypeRef| {
        if let Some(target) = direct(ty)
            && on_cycle.contains(&(owner.to_owned(), target.to_owned()))
        {
            *ty = TypeRef::Boxed(Box::new(ty.clone()));
        }
    };
    for (name, s) in schemas.iter_mut() {
        match s {
            Schema::Struct(st) => st.fields.iter_mut().for_each(|f| boxed(name, &mut f.ty)),
            Schema::OneOf(u) => u.variants.iter_mut().for_each(|v| boxed(name, &mut v.ty)),
            Schema::Enum(_) => {}
        }
    }
}
