//! Webhook events, from our extension `x-twilio-webhooks` at the top of a description: the parameters every
//! request carries, one payload per resource (each parameter with how it is read and the record field it carries),
//! and every event with its payload, the fields a pre-event reply may change and the operations after which a
//! post-event fires. Every reference is checked: payload names, models' enums, record fields and operationIds.
//! `spec/README.md` documents the format.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase as _;
use serde_json::{Map, Value};

use super::Component;
use crate::error::{Error, ptr};
use crate::ir::{
    Api, Event, EventKind, EventParam, Group, Location, Payload, ReplyField, Resource, Schema,
    Webhooks,
};
use crate::naming::{Scope, snake};

/// Where the extension lives.
const ROOT: &str = "/x-twilio-webhooks";

/// Lowers the extension, when the description has it; `components` maps component schema names to their kind.
pub(super) fn lower_webhooks(
    extension: Option<&Value>,
    components: &BTreeMap<String, Component>,
    api: &Api,
) -> Result<Option<Webhooks>, Error> {
    let Some(value) = extension else {
        return Ok(None);
    };
    let root = object(value, ROOT)?;
    let name = string(root, ROOT, "name")?;
    let ctx = Context { components, api };
    let common = ctx.params(root, ROOT, "common", None)?;
    let mut payloads = Vec::new();
    let payloads_pointer = ptr(ROOT, "payloads");
    for (key, payload) in object(member(root, ROOT, "payloads")?, &payloads_pointer)? {
        let pointer = ptr(&payloads_pointer, key);
        let payload = object(payload, &pointer)?;
        let resource = optional_string(payload, &pointer, "resource")?;
        let model = match &resource {
            Some(r) => Some(ctx.model_of(r, &ptr(&pointer, "resource"))?),
            None => None,
        };
        payloads.push(Payload {
            key: key.clone(),
            type_name: format!("{}Event", key.to_upper_camel_case()),
            resource,
            doc: optional_string(payload, &pointer, "description")?,
            params: ctx.params(payload, &pointer, "params", model)?,
        });
    }
    check_groups(&payloads)?;
    let mut events = Vec::new();
    let mut changeable: Vec<ReplyField> = Vec::new();
    let mut variants = Scope::new();
    let events_pointer = ptr(ROOT, "events");
    for (i, event) in array(member(root, ROOT, "events")?, &events_pointer)?
        .iter()
        .enumerate()
    {
        let pointer = format!("{events_pointer}/{i}");
        let event = object(event, &pointer)?;
        let api_name = string(event, &pointer, "type")?;
        let payload_key = string(event, &pointer, "payload")?;
        let payload = payloads
            .iter()
            .position(|p| p.key == payload_key)
            .ok_or_else(|| {
                Error::new(
                    None,
                    ptr(&pointer, "payload"),
                    format!("no payload `{payload_key}` in {ROOT}/payloads"),
                )
            })?;
        let mut before = Vec::new();
        let pre = match event.get("pre") {
            None => None,
            Some(pre) => {
                let pre_pointer = ptr(&pointer, "pre");
                if let Some(ops) = object(pre, &pre_pointer)?.get("before") {
                    before = operations(api, ops, &ptr(&pre_pointer, "before"))?;
                }
                let changes_pointer = ptr(&pre_pointer, "changes");
                let mut indexes = Vec::new();
                for (j, key) in array(
                    member(object(pre, &pre_pointer)?, &pre_pointer, "changes")?,
                    &changes_pointer,
                )?
                .iter()
                .enumerate()
                {
                    let key = key.as_str().filter(|k| !k.is_empty()).ok_or_else(|| {
                        Error::new(
                            None,
                            format!("{changes_pointer}/{j}"),
                            "expected a field name",
                        )
                    })?;
                    let index = match changeable.iter().position(|f| f.api_name == key) {
                        Some(index) => index,
                        None => {
                            changeable.push(ReplyField {
                                name: key.to_upper_camel_case(),
                                api_name: key.to_owned(),
                            });
                            changeable.len() - 1
                        }
                    };
                    indexes.push(index);
                }
                Some(indexes)
            }
        };
        let after = match event.get("after") {
            Some(ops) => operations(api, ops, &ptr(&pointer, "after"))?,
            None => Vec::new(),
        };
        let when = optional_string(event, &pointer, "when")?;
        if let Some(wire) = &when {
            for id in before.iter().chain(&after) {
                let takes = api.operations.iter().any(|op| {
                    op.id == *id
                        && op
                            .params
                            .iter()
                            .any(|p| p.location == Location::Form && p.api_name == *wire)
                });
                if !takes {
                    return Err(Error::new(
                        Some(id),
                        ptr(&pointer, "when"),
                        format!(
                            "{api_name} fires when {wire} is sent, but {id} has no form parameter {wire}"
                        ),
                    ));
                }
            }
        }
        let bare = api_name.strip_prefix("on").unwrap_or(&api_name);
        events.push(Event {
            variant: variants.unique(bare.to_upper_camel_case()),
            api_name,
            payload,
            doc: optional_string(event, &pointer, "description")?,
            pre,
            before,
            after,
            when,
        });
    }
    Ok(Some(Webhooks {
        name: name.to_upper_camel_case(),
        doc: optional_string(root, ROOT, "description")?,
        common,
        payloads,
        events,
        changeable,
    }))
}

/// The operationIds listed at `pointer`, each checked to be an operation of the description.
fn operations(api: &Api, ops: &Value, pointer: &str) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for (j, id) in array(ops, pointer)?.iter().enumerate() {
        let id = id
            .as_str()
            .filter(|id| api.operations.iter().any(|op| op.id == *id))
            .ok_or_else(|| {
                Error::new(
                    None,
                    format!("{pointer}/{j}"),
                    format!("{id} is not an operationId of the description"),
                )
            })?;
        out.push(id.to_owned());
    }
    Ok(out)
}

struct Context<'a> {
    components: &'a BTreeMap<String, Component>,
    api: &'a Api,
}

impl Context<'_> {
    /// The parameters listed under `key` of `parent`; `model` is the struct whose fields they may carry.
    fn params(
        &self,
        parent: &Map<String, Value>,
        pointer: &str,
        key: &str,
        model: Option<&crate::ir::Struct>,
    ) -> Result<Vec<EventParam>, Error> {
        let list_pointer = ptr(pointer, key);
        let mut names = Scope::with_reserved(&["event_type"]);
        let mut out = Vec::new();
        for (i, param) in array(member(parent, pointer, key)?, &list_pointer)?
            .iter()
            .enumerate()
        {
            let pointer = format!("{list_pointer}/{i}");
            let param = object(param, &pointer)?;
            let doc = optional_string(param, &pointer, "description")?;
            if let Some(group) = optional_string(param, &pointer, "group")? {
                let rust =
                    optional_string(param, &pointer, "rust")?.unwrap_or_else(|| snake(&group));
                let params = self.params(param, &pointer, "params", model)?;
                out.push(EventParam {
                    name: names.unique(rust),
                    api_name: group.clone(),
                    kind: EventKind::Group(Group {
                        type_name: group.to_upper_camel_case(),
                        doc: doc.clone(),
                        params,
                    }),
                    field: None,
                    doc,
                });
                continue;
            }
            let api_name = string(param, &pointer, "name")?;
            let kind_pointer = ptr(&pointer, "kind");
            let kind = match string(param, &pointer, "kind")?.as_str() {
                "string" => EventKind::Text,
                "integer" => match optional_string(param, &pointer, "format")?.as_deref() {
                    Some("int32") => EventKind::Int32,
                    None | Some("int64") => EventKind::Integer,
                    Some(other) => {
                        return Err(Error::new(
                            None,
                            ptr(&pointer, "format"),
                            format!("unsupported integer format `{other}`"),
                        ));
                    }
                },
                "date-time" => EventKind::DateTime,
                "attributes" => EventKind::Attributes,
                "enum" => EventKind::Enum(self.enum_type(param, &pointer)?),
                other => {
                    return Err(Error::new(
                        None,
                        kind_pointer,
                        format!(
                            "unknown kind `{other}` (string, integer, date-time, attributes, enum)"
                        ),
                    ));
                }
            };
            let field = optional_string(param, &pointer, "field")?;
            if let Some(field) = &field {
                let first = field.split('.').next().unwrap_or_default();
                if model.is_some_and(|m| m.field(first).is_none()) {
                    return Err(Error::new(
                        None,
                        ptr(&pointer, "field"),
                        format!(
                            "`{first}` is not a field of {}",
                            model.map_or("", |m| m.name.as_str())
                        ),
                    ));
                }
            }
            let rust =
                optional_string(param, &pointer, "rust")?.unwrap_or_else(|| snake(&api_name));
            out.push(EventParam {
                name: names.unique(rust),
                api_name,
                kind,
                field,
                doc,
            });
        }
        Ok(out)
    }

    /// The models enum a `schema` member names (`#/components/schemas/X`).
    fn enum_type(&self, param: &Map<String, Value>, pointer: &str) -> Result<String, Error> {
        let reference = string(param, pointer, "schema")?;
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_default();
        match self.components.get(name) {
            Some(Component::Enum(rust))
                if matches!(self.api.schemas.get(rust), Some(Schema::Enum(_))) =>
            {
                Ok(rust.clone())
            }
            _ => Err(Error::new(
                None,
                ptr(pointer, "schema"),
                format!("{reference} is not a string enum of the description"),
            )),
        }
    }

    /// The model of the records of the resource named `name`.
    fn model_of(&self, name: &str, pointer: &str) -> Result<&crate::ir::Struct, Error> {
        fn find<'r>(resources: &'r [Resource], name: &str) -> Option<&'r Resource> {
            resources.iter().find_map(|r| {
                (r.name == name)
                    .then_some(r)
                    .or_else(|| find(&r.children, name))
            })
        }
        let model = find(&self.api.resources, name).and_then(|r| r.model.as_deref());
        match model.and_then(|m| self.api.schemas.get(m)) {
            Some(Schema::Struct(s)) => Ok(s),
            _ => Err(Error::new(
                None,
                pointer,
                format!("no resource `{name}` with a model of its records"),
            )),
        }
    }
}

/// A group read by several payloads is one type: a second group of the same name must have the same parameters.
fn check_groups(payloads: &[Payload]) -> Result<(), Error> {
    let mut seen: BTreeMap<&str, &Group> = BTreeMap::new();
    for payload in payloads {
        for param in &payload.params {
            if let EventKind::Group(group) = &param.kind {
                match seen.get(group.type_name.as_str()) {
                    Some(first) if undocumented(&first.params) != undocumented(&group.params) => {
                        return Err(Error::new(
                            None,
                            ptr(&ptr(ROOT, "payloads"), &payload.key),
                            format!(
                                "group `{}` is declared again with other parameters (a group name is one type)",
                                param.api_name
                            ),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(&group.type_name, group);
                    }
                }
            }
        }
    }
    Ok(())
}

/// `params` without their descriptions: what makes two groups the same type (descriptions only document it).
fn undocumented(params: &[EventParam]) -> Vec<EventParam> {
    params
        .iter()
        .map(|p| EventParam {
            doc: None,
            kind: match &p.kind {
                EventKind::Group(g) => EventKind::Group(Group {
                    doc: None,
                    params: undocumented(&g.params),
                    ..g.clone()
                }),
                other => other.clone(),
            },
            ..p.clone()
        })
        .collect()
}

fn member<'a>(
    parent: &'a Map<String, Value>,
    pointer: &str,
    key: &str,
) -> Result<&'a Value, Error> {
    parent
        .get(key)
        .ok_or_else(|| Error::new(None, ptr(pointer, key), "missing"))
}

fn object<'a>(value: &'a Value, pointer: &str) -> Result<&'a Map<String, Value>, Error> {
    value
        .as_object()
        .ok_or_else(|| Error::new(None, pointer, "expected an object"))
}

fn array<'a>(value: &'a Value, pointer: &str) -> Result<&'a Vec<Value>, Error> {
    value
        .as_array()
        .ok_or_else(|| Error::new(None, pointer, "expected an array"))
}

fn string(parent: &Map<String, Value>, pointer: &str, key: &str) -> Result<String, Error> {
    optional_string(parent, pointer, key)?
        .ok_or_else(|| Error::new(None, ptr(pointer, key), "missing"))
}

fn optional_string(
    parent: &Map<String, Value>,
    pointer: &str,
    key: &str,
) -> Result<Option<String>, Error> {
    match parent.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(Error::new(
            None,
            ptr(pointer, key),
            "expected a non-empty string",
        )),
    }
}
