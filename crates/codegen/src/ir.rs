//! The named intermediate representation between the OpenAPI description and the emitted tokens.
//!
//! Every name keeps both the Rust name (`name`) and the wire name (`api_name`); emission derives serde attributes
//! and request keys from that pair. All collections are ordered (`Vec`, `BTreeMap`), so emission is deterministic.

use std::collections::BTreeMap;

/// A whole API: its models, its resource tree and its operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.title` of the description.
    pub title: String,
    /// `info.version` of the description.
    pub version: String,
    /// The first server URL (`https://chat.twilio.com`), if any.
    pub base_url: Option<String>,
    /// The other servers operations name, each with the name of its constant (`MCS_BASE_URL`), in order of first
    /// use.
    pub servers: Vec<(String, String)>,
    /// Models keyed by Rust type name.
    pub schemas: BTreeMap<String, Schema>,
    /// Top-level resources (children of the client), ordered by collection path.
    pub resources: Vec<Resource>,
    /// Every operation, in resource-tree order.
    pub operations: Vec<Operation>,
    /// The webhook requests the API sends, when the description declares them (`x-twilio-webhooks`).
    pub webhooks: Option<Webhooks>,
    /// The typed SIDs of the models crate, one per SID prefix, ordered by name.
    pub sid_types: Vec<SidType>,
}

/// A typed SID of the models crate: a name for the SIDs with one prefix (`ServiceSid` for `IS`), emitted as an
/// alias of the runtime's SID type of that prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidType {
    /// Rust name (`ServiceSid`).
    pub name: String,
    /// The two-letter prefix (`IS`).
    pub prefix: String,
    /// Where the name comes from: the resource whose records have the prefix (`Service`), else the fields that
    /// hold it (`account_sid`).
    pub origin: String,
}

impl Api {
    /// Every resource of the tree, parents before children.
    pub fn resources_flat(&self) -> impl Iterator<Item = &Resource> {
        let mut stack: Vec<&Resource> = self.resources.iter().rev().collect();
        std::iter::from_fn(move || {
            let next = stack.pop()?;
            stack.extend(next.children.iter().rev());
            Some(next)
        })
    }
}

impl TypeRef {
    /// Whether the type is or contains a type of the models crate.
    pub fn names_model(&self) -> bool {
        match self {
            TypeRef::Struct(_) | TypeRef::Enum(_) | TypeRef::OneOf(_) => true,
            TypeRef::Map(inner) | TypeRef::Array(inner) | TypeRef::Boxed(inner) => {
                inner.names_model()
            }
            _ => false,
        }
    }
}

/// A model: a struct (object schema) or an enum (string schema with `enum`).
#[derive(Debug, Clone, PartialEq)]
pub enum Schema {
    /// An object with named properties.
    Struct(Struct),
    /// A closed set of strings, plus a catch-all for values added later.
    Enum(Enum),
    /// A `oneOf`: an untagged enum of the variants, plus a catch-all holding any other JSON.
    OneOf(OneOf),
}

/// A `oneOf`/`anyOf` schema, emitted as an enum serialized untagged; decoding picks the first alternative that
/// fits (a struct alternative fits an object with all its required keys), else the last variant keeps the JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOf {
    /// Rust type name (`ContentTypes`).
    pub name: String,
    /// Component name or synthesized origin.
    pub api_name: String,
    /// Description of the schema.
    pub doc: Option<String>,
    /// The alternatives, in description order (serde tries them in this order).
    pub variants: Vec<OneOfVariant>,
    /// Name of the catch-all variant holding any other JSON (`Other`, unless a variant already uses it).
    pub other: String,
}

/// One alternative of a [`OneOf`].
#[derive(Debug, Clone, PartialEq)]
pub struct OneOfVariant {
    /// Rust variant name (`TwilioText`, `String`, `Variant3`).
    pub name: String,
    /// Type of the alternative.
    pub ty: TypeRef,
    /// For a struct alternative, the JSON keys it requires: an object matches it only when it has them all.
    pub required_keys: Vec<String>,
}

/// An object schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Rust type name (`Message`).
    pub name: String,
    /// Component name or synthesized origin (`chat.v2.service.channel.message`).
    pub api_name: String,
    /// Description of the schema.
    pub doc: Option<String>,
    /// Properties in description order.
    pub fields: Vec<Field>,
}

impl Struct {
    /// The named (not flattened) property whose JSON key is `api_name`.
    pub fn field(&self, api_name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| !f.flatten && f.api_name == api_name)
    }

    /// The SID prefix of the records this model describes: that of its `sid` property.
    pub fn sid_prefix(&self) -> Option<&str> {
        self.field("sid")?.sid_prefix.as_deref()
    }
}

/// A property of an object schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust field name (`type_`).
    pub name: String,
    /// JSON key (`type`).
    pub api_name: String,
    /// Type of the value.
    pub ty: TypeRef,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// The map of keys other than the named properties (`#[serde(flatten)]`); `api_name` is empty.
    pub flatten: bool,
    /// Description of the property.
    pub doc: Option<String>,
    /// The two-letter prefix of the SIDs the property holds (`IS`), from a `pattern` of the form
    /// `^IS[0-9a-fA-F]{32}$` (the first of alternatives `^(SM|MM)...`).
    pub sid_prefix: Option<String>,
    /// The value the description gives as `default`.
    pub default: Option<Literal>,
    /// Declared always sent (our `x-twilio-always-sent`): a record without it, or with `null`, is a decode error,
    /// and the Rust field is not an `Option`.
    pub always_sent: bool,
}

/// A scalar value of the description (a `default`).
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// Any other number.
    Number(f64),
    /// A string.
    Str(String),
}

impl Field {
    /// Whether a record without the member is a decode error: listed in `required`, or declared always sent.
    pub fn must_be_present(&self) -> bool {
        self.required || self.always_sent
    }

    /// Whether the Rust field is `Option<T>` (nullable and not always sent, not required, or of a type without a
    /// sensible default).
    pub fn optional(&self) -> bool {
        let without_default = |ty: &TypeRef| matches!(ty, TypeRef::Enum(_) | TypeRef::OneOf(_));
        (self.nullable && !self.always_sent)
            || !self.must_be_present()
            || without_default(&self.ty)
            || matches!(&self.ty, TypeRef::Boxed(inner) if without_default(inner))
    }
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Rust type name (`ChannelChannelType`).
    pub name: String,
    /// Component name or synthesized origin.
    pub api_name: String,
    /// Description of the schema.
    pub doc: Option<String>,
    /// Known values.
    pub variants: Vec<Variant>,
    /// Name of the catch-all variant holding any other value (`Unknown`, unless a value already uses it).
    pub unknown: String,
}

/// One known value of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust variant name (`NotParticipating`).
    pub name: String,
    /// Wire value (`notParticipating`).
    pub api_name: String,
}

/// The type of a field, parameter or response.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `String` holding an absolute URL (`format: uri`).
    Uri,
    /// A typed SID of the models crate, by Rust name ([`Api::sid_types`]): a string property whose `pattern` is
    /// one SID prefix.
    Sid(String),
    /// `twilio_rest_time::Timestamp` (`format: date-time`).
    DateTime,
    /// `twilio_rest_time::Timestamp` sent by the API in RFC 2822 (`format: date-time-rfc-2822`, API v2010); models
    /// serialize it back in RFC 2822.
    DateTimeRfc2822,
    /// `twilio_rest_time::Date` (`format: date`).
    Date,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`format: int64` or no format).
    I64,
    /// `f32` (`type: number, format: float`).
    F32,
    /// `f64` (`type: number`, any other format).
    F64,
    /// `bool`.
    Bool,
    /// `serde_json::Value`: untyped schemas, free-form objects, `uri-map`.
    Json,
    /// `BTreeMap<String, T>`: objects without properties whose `additionalProperties` is a schema.
    Map(Box<TypeRef>),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// A struct of the models crate, by Rust name.
    Struct(String),
    /// An enum of the models crate, by Rust name.
    Enum(String),
    /// A `oneOf` enum of the models crate, by Rust name.
    OneOf(String),
    /// `Box<T>`: a struct or `oneOf` field on a reference cycle (a schema that contains itself), so the type has
    /// a finite size.
    Boxed(Box<TypeRef>),
}

/// A node of the URL hierarchy: a collection path (`/v2/Services/{ServiceSid}/Channels`) and its instance path
/// (`.../Channels/{Sid}`). Emitted as `ChannelList` and `ChannelContext`.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Resource name (`Channel`, `UserChannel`).
    pub name: String,
    /// Accessor of the list on the parent (`channels`).
    pub list_accessor: String,
    /// Accessor of one instance on the parent (`channel`).
    pub context_accessor: String,
    /// Collection path template.
    pub collection_path: String,
    /// Instance path template, when the description has one.
    pub instance_path: Option<String>,
    /// Rust type of the list (`ChannelList`), unique in the client crate.
    pub list_type: String,
    /// Rust type of the context (`ChannelContext`), unique in the client crate.
    pub context_type: String,
    /// Rust name of the resource's own path parameter, the argument of the context accessor (`sid`).
    pub context_param: Option<String>,
    /// The typed SID the context accessor takes (a name of [`Api::sid_types`]), when its path parameter holds
    /// SIDs of one prefix.
    pub context_sid: Option<String>,
    /// The record field the context accessor also takes instead of a SID (`unique_name`), from the path
    /// parameter's `x-twilio-alternate-key`.
    pub context_alternate: Option<String>,
    /// Operations on the collection path (indices into [`Api::operations`]).
    pub list_operations: Vec<usize>,
    /// Operations on the instance path (indices into [`Api::operations`]).
    pub instance_operations: Vec<usize>,
    /// Nested resources.
    pub children: Vec<Resource>,
    /// The model of the resource's records: the struct its operations answer (or list), when they answer one.
    pub model: Option<String>,
    /// The `links` of a record: each key with the path template it points to (`{Param}` segments name the
    /// record's fields, `{ServiceSid}` -> `service_sid`). Read from the description's response examples; without
    /// examples, one link per nested resource.
    pub links: Vec<Link>,
}

/// One entry of a record's `links`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Key in `links` (`members`).
    pub key: String,
    /// Path template (`/v2/Services/{ServiceSid}/Channels/{Sid}/Members`).
    pub template: String,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId` (`CreateMessage`).
    pub id: String,
    /// Builder type name (`CreateMessage`).
    pub builder: String,
    /// Name of the static holding the operation's wire table in the client crate (`CREATE_MESSAGE`).
    pub table: String,
    /// Method on the list or context that starts the builder (`create`).
    pub verb: String,
    /// HTTP method.
    pub method: Method,
    /// Path template (`/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages`).
    pub path: String,
    /// Description (or summary) of the operation.
    pub doc: Option<String>,
    /// Parameters in path order first, then the rest in description order.
    pub params: Vec<Parameter>,
    /// Content type of the request body, if it has one (a range such as `*/*` when the caller picks it per call).
    pub body_content_type: Option<String>,
    /// The operation's own server (`https://mcs.us1.twilio.com`), when its path or operation names one that is not
    /// the API's [`Api::base_url`]: requests go to that host, with the client's region and edge applied.
    pub server: Option<String>,
    /// What a success returns.
    pub response: Response,
}

/// HTTP methods the generator supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// Upper-case name, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A parameter of an operation: in the path, the query, a header, or a field of a form body.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Rust name (`notifications_new_message_enabled`); for headers, the builder method (`webhook_enabled`).
    pub name: String,
    /// Wire name (`Notifications.NewMessage.Enabled`, `X-Twilio-Webhook-Enabled`).
    pub api_name: String,
    /// Where it goes.
    pub location: Location,
    /// Type of the value, as the description gives it.
    pub ty: TypeRef,
    /// Type the builder takes and sends: `ty`, except that structured values (models, maps, `oneOf`) travel as
    /// JSON text (`Json`) and RFC 2822 date-times are sent like any other date-time. For a JSON body, `ty`.
    pub wire_ty: TypeRef,
    /// Required parameters become arguments of the list/context method, the others builder methods.
    pub required: bool,
    /// An `AccountSid` path parameter of API v2010 (`/2010-04-01/Accounts/{AccountSid}/...`): not required, an
    /// optional builder method, and the client's account SID when unset.
    pub account_default: bool,
    /// A secret (a key, a private key): generated `Debug`, observers and traces show `[redacted]`.
    pub sensitive: bool,
    /// For a path parameter: the field of the addressed record that may be given instead of its SID
    /// (`unique_name`, `identity`), from the description's `x-twilio-alternate-key`.
    pub alternate_key: Option<String>,
    /// For a path or form parameter: the two-letter prefix of the SIDs it takes, from its `pattern`.
    pub sid_prefix: Option<String>,
    /// For an integer parameter: the least and greatest values its schema allows (`minimum`, `maximum`).
    pub range: Range,
    /// Description.
    pub doc: Option<String>,
}

/// The values an integer parameter's schema allows; `None` where it sets no bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    /// `minimum`.
    pub minimum: Option<i64>,
    /// `maximum`.
    pub maximum: Option<i64>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// A `{Name}` segment of the path template.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A field of an `application/x-www-form-urlencoded` body.
    Form,
    /// The whole `application/json` body.
    JsonBody,
    /// The whole body as raw bytes (`type: string, format: binary`), streamed from bytes, a file or a stream (the
    /// runtime's `UploadBody`; `ty` is `String` and unused).
    BinaryBody,
    /// The media type of a [`Location::BinaryBody`] whose description accepts a range (`*/*`, `image/*`): chosen
    /// per call and sent as the `Content-Type` header.
    ContentType,
}

/// What a successful response holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// Nothing (204 or no content): the call returns `()`.
    Empty,
    /// One value.
    Value(TypeRef),
    /// One value, from the JSON body of a 3xx redirect that the client does not follow (the description has no
    /// 2xx response, only a redirect with a schema).
    Redirect(TypeRef),
    /// The raw bytes of the body (`type: string, format: binary`, any media type), streamed to the caller (the
    /// runtime's `Download`).
    Binary,
    /// A page of records under `records_key`, plus `meta` (or API v2010's top-level `next_page_uri`...).
    Page {
        /// Key of the records array (`messages`).
        records_key: String,
        /// Type of one record.
        item: TypeRef,
    },
}

/// The webhook requests of an API: parameters every request carries, the payload of each resource, and each
/// event with its payload, what a reply to a pre-event may change, and the operations after which it fires.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhooks {
    /// Name of the family (`Chat`): the event enum is `ChatEvent`.
    pub name: String,
    /// Description.
    pub doc: Option<String>,
    /// Parameters every request may carry, besides `EventType`.
    pub common: Vec<EventParam>,
    /// Payloads in description order.
    pub payloads: Vec<Payload>,
    /// Events in description order.
    pub events: Vec<Event>,
    /// Every field some pre-event reply may change, in order of first mention.
    pub changeable: Vec<ReplyField>,
}

/// One form parameter of a webhook request.
#[derive(Debug, Clone, PartialEq)]
pub struct EventParam {
    /// Rust field name (`channel_sid`).
    pub name: String,
    /// Parameter name (`ChannelSid`).
    pub api_name: String,
    /// How its text is read.
    pub kind: EventKind,
    /// The field of the payload's record that the parameter carries (`channel_sid`, `media.sid`), when it carries
    /// one.
    pub field: Option<String>,
    /// Description.
    pub doc: Option<String>,
}

/// How a webhook parameter's text is read.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// Text, as sent.
    Text,
    /// A non-negative integer (`u64`).
    Integer,
    /// A non-negative 32-bit integer (`u32`).
    Int32,
    /// A date-time (kept as sent, with its parsed value).
    DateTime,
    /// Application data: JSON text, kept as sent when it does not parse.
    Attributes,
    /// A string enum of the models, by Rust name.
    Enum(String),
    /// Parameters read together into a struct, present when any of them is.
    Group(Group),
}

/// Parameters read together into one struct (`Media`).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Rust type name.
    pub type_name: String,
    /// Description.
    pub doc: Option<String>,
    /// Its parameters.
    pub params: Vec<EventParam>,
}

/// The parameters of the events of one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// Key in the description (`Message`).
    pub key: String,
    /// Rust type name (`MessageEvent`).
    pub type_name: String,
    /// The resource whose records the parameters describe, by resource name.
    pub resource: Option<String>,
    /// Description.
    pub doc: Option<String>,
    /// Its parameters.
    pub params: Vec<EventParam>,
}

/// One event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `EventType` (`onMessageSend`).
    pub api_name: String,
    /// Rust variant name (`MessageSend`).
    pub variant: String,
    /// Index of its payload in [`Webhooks::payloads`].
    pub payload: usize,
    /// Description.
    pub doc: Option<String>,
    /// For a pre-event (the action waits for the reply): indexes into [`Webhooks::changeable`] of the fields a
    /// reply may change.
    pub pre: Option<Vec<usize>>,
    /// Operations a pre-event comes before (operationIds), when a client SDK's action of that kind is what an
    /// operation does; the local service fires it before them on request.
    pub before: Vec<String>,
    /// Operations after which the post-event fires (operationIds).
    pub after: Vec<String>,
    /// A form parameter of every operation in `before` and `after`: the event fires for them only when a request
    /// sends it (`MediaSid` for `onMediaMessageSend`), in place of the operation's event that names none.
    pub when: Option<String>,
}

/// A field a pre-event reply may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyField {
    /// Rust variant name (`FriendlyName`).
    pub name: String,
    /// JSON key of the reply (`friendlyName`).
    pub api_name: String,
}
