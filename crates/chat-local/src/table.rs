//! The types of the generated route table (`generated/chat_v2.rs` and one file per other product): what the description says about each resource and
//! operation, as the service reads it.

/// What an operation does to its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `POST` on a collection: 201 with the new record.
    Create,
    /// `GET` on an instance.
    Fetch,
    /// `POST` on an instance: fields not sent keep their value.
    Update,
    /// `DELETE` on an instance: 204.
    Delete,
    /// `GET` on a collection: one page.
    List,
}

/// How a form or query value is decoded, and how a model field is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A string (enums and URLs included).
    Str,
    /// An integer.
    Int,
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A date-time, stored as `YYYY-MM-DDTHH:MM:SSZ`.
    DateTime,
    /// Repeated keys, stored as an array of strings.
    List,
    /// JSON text, stored as JSON.
    Json,
}

/// The value a description gives a field by default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// Any other number.
    Number(f64),
    /// A string.
    Str(&'static str),
}

/// A field of a resource's model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// JSON key.
    pub name: &'static str,
    /// How the value is stored.
    pub kind: ValueKind,
    /// The description's `default`, which a new record starts with.
    pub default: Option<Literal>,
}

impl Literal {
    /// The value as JSON.
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Self::Bool(b) => serde_json::Value::Bool(b),
            Self::Int(i) => serde_json::Value::from(i),
            Self::Number(n) => serde_json::Value::from(n),
            Self::Str(s) => serde_json::Value::from(s),
        }
    }
}

/// A resource: a collection path and its instance path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resource {
    /// Resource name (`Channel`).
    pub name: &'static str,
    /// Name of the model records have (`Channel`).
    pub model: Option<&'static str>,
    /// Two-letter prefix of the SIDs of its records (`CH`).
    pub sid_prefix: Option<&'static str>,
    /// Collection path template.
    pub collection_path: &'static str,
    /// Instance path template.
    pub instance_path: Option<&'static str>,
    /// `links` of a record: key and collection path template of each nested resource.
    pub links: &'static [(&'static str, &'static str)],
    /// Fields of the model, in description order.
    pub fields: &'static [Field],
}

/// A `{Name}` segment of a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathParam {
    /// Parameter name (`ServiceSid`).
    pub name: &'static str,
    /// Resource whose records it names.
    pub resource: &'static str,
    /// Field of the operation's model that holds it (`service_sid`).
    pub field: Option<&'static str>,
    /// Field that may be given instead of the SID (`unique_name`, `identity`).
    pub alternate: Option<&'static str>,
}

/// A field of a form body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormField {
    /// Wire name (`Notifications.NewMessage.Enabled`).
    pub wire: &'static str,
    /// JSON path of the model field it sets (`["notifications", "new_message", "enabled"]`); empty when the model
    /// does not return it (secrets, references).
    pub field: &'static [&'static str],
    /// How the value is decoded.
    pub kind: ValueKind,
    /// Whether a create or update without it is refused.
    pub required: bool,
    /// The values the description allows when the parameter is an enum (each item, for a list); empty otherwise.
    pub values: &'static [&'static str],
    /// The two-letter prefix of the SIDs the parameter takes (`RL` for `RoleSid`), from its `pattern`.
    pub sid_prefix: Option<&'static str>,
}

/// A query parameter of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filter {
    /// Wire name (`Identity`).
    pub wire: &'static str,
    /// Model field it filters on; `None` for paging and ordering parameters.
    pub field: Option<&'static str>,
    /// How the value is decoded.
    pub kind: ValueKind,
    /// The values the description allows when the parameter is an enum (each item, for a list); empty otherwise.
    pub values: &'static [&'static str],
    /// The least value the description allows an integer parameter.
    pub minimum: Option<i64>,
    /// The greatest value the description allows an integer parameter (`PageSize`: 5, 50, 100 or 1000 by list).
    pub maximum: Option<i64>,
}

/// One operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// HTTP method.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// `operationId`.
    pub operation_id: &'static str,
    /// What it does.
    pub kind: Kind,
    /// Resource it acts on.
    pub resource: &'static str,
    /// Path parameters, outermost first.
    pub path_params: &'static [PathParam],
    /// Form fields of the body.
    pub form: &'static [FormField],
    /// Query parameters.
    pub filters: &'static [Filter],
    /// Key of the records array of a list.
    pub records_key: Option<&'static str>,
}

/// A parameter of a webhook request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventParam {
    /// Parameter name (`ChannelSid`).
    pub name: &'static str,
    /// JSON path of the record field it carries (`["channel_sid"]`); empty when the record has none.
    pub field: &'static [&'static str],
}

/// A webhook event: what change fires it (after it, for a post-event; before it, for a pre-event) and what it
/// carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// `EventType` (`onMessageSent`).
    pub event_type: &'static str,
    /// Resource whose change fires it.
    pub resource: &'static str,
    /// The change that fires it.
    pub kind: Kind,
    /// Its parameters besides the common ones.
    pub params: &'static [EventParam],
    /// For a pre-event: each field its reply may change (`friendlyName`) and the form parameter it replaces
    /// (`FriendlyName`). Empty for post-events.
    pub changes: &'static [(&'static str, &'static str)],
    /// A form parameter whose presence in the request picks this event over the change's event that names none
    /// (`MediaSid`: `onMediaMessageSent` rather than `onMessageSent`).
    pub when: Option<&'static str>,
}
