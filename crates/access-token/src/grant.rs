//! Grants: what a token allows its holder to do. [`ChatGrant`] is typed; any other Twilio grant (Voice, Video,
//! Sync, ...) is added by key with its JSON object through
//! [`AccessTokenBuilder::grant`](crate::AccessTokenBuilder::grant), so new grants need no new release.

use serde::de::MapAccess;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use twilio_rest_core::__private::de as object;

use crate::json;

/// The Programmable Chat grant, written under `grants.chat`.
///
/// Only the fields that are set are written, in the order of the fields below (the order Twilio's libraries use).
/// A field set to an empty string is refused when the token is built, because Twilio's libraries silently leave
/// such a field out and the mistake would go unnoticed.
///
/// ```
/// use twilio_access_token::ChatGrant;
///
/// let grant = ChatGrant::service("IS0123456789abcdef0123456789abcdef")
///     .with_endpoint_id("my-app:alice:browser")
///     .with_push_credential_sid("CR0123456789abcdef0123456789abcdef");
/// assert_eq!(grant.deployment_role_sid, None);
/// ```
///
/// With serde, the grant is written as an object of its set fields, in the order above. It is read from an
/// object with any of the four fields: a field that is missing or `null` is `None`, other keys are ignored, and
/// a field that is not a string, or appears twice, is an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChatGrant {
    /// SID of the Chat Service (`IS...`) the user connects to.
    pub service_sid: Option<String>,
    /// Identifies one device or browser of the user, so that Chat can track its reachability and push
    /// registrations (for example `app:identity:device`).
    pub endpoint_id: Option<String>,
    /// SID of the deployment role (`RL...`) the user gets in the service, instead of the service's default.
    pub deployment_role_sid: Option<String>,
    /// SID of the push credential (`CR...`) used for the user's push notifications.
    pub push_credential_sid: Option<String>,
}

impl ChatGrant {
    /// A grant for the Chat Service `service_sid`, with no other field set.
    pub fn service(service_sid: impl Into<String>) -> Self {
        Self {
            service_sid: Some(service_sid.into()),
            ..Self::default()
        }
    }

    /// Sets [`endpoint_id`](Self::endpoint_id).
    #[must_use]
    pub fn with_endpoint_id(mut self, endpoint_id: impl Into<String>) -> Self {
        self.endpoint_id = Some(endpoint_id.into());
        self
    }

    /// Sets [`deployment_role_sid`](Self::deployment_role_sid).
    #[must_use]
    pub fn with_deployment_role_sid(mut self, deployment_role_sid: impl Into<String>) -> Self {
        self.deployment_role_sid = Some(deployment_role_sid.into());
        self
    }

    /// Sets [`push_credential_sid`](Self::push_credential_sid).
    #[must_use]
    pub fn with_push_credential_sid(mut self, push_credential_sid: impl Into<String>) -> Self {
        self.push_credential_sid = Some(push_credential_sid.into());
        self
    }

    /// Every field's wire name, in wire order.
    const FIELDS: [&'static str; 4] = [
        "service_sid",
        "endpoint_id",
        "deployment_role_sid",
        "push_credential_sid",
    ];

    /// The fields with their wire names, in wire order.
    pub(crate) fn fields(&self) -> [(&'static str, Option<&str>); 4] {
        [
            (Self::FIELDS[0], self.service_sid.as_deref()),
            (Self::FIELDS[1], self.endpoint_id.as_deref()),
            (Self::FIELDS[2], self.deployment_role_sid.as_deref()),
            (Self::FIELDS[3], self.push_credential_sid.as_deref()),
        ]
    }

    /// Appends the grant's JSON object.
    pub(crate) fn write_json(&self, out: &mut String) {
        out.push('{');
        let mut first = true;
        for (name, value) in self.fields() {
            if let Some(value) = value {
                if !first {
                    out.push(',');
                }
                first = false;
                json::write_key(out, name);
                json::write_str(out, value);
            }
        }
        out.push('}');
    }
}

impl Serialize for ChatGrant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = self.fields();
        let set = fields.iter().filter(|(_, value)| value.is_some()).count();
        let mut out = serializer.serialize_struct("ChatGrant", set)?;
        for (name, value) in fields {
            match value {
                Some(value) => out.serialize_field(name, value)?,
                None => out.skip_field(name)?,
            }
        }
        out.end()
    }
}

impl<'de> Deserialize<'de> for ChatGrant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object::deserialize(deserializer)
    }
}

impl object::Object for ChatGrant {
    const EXPECTING: &'static str = "a Chat grant object";
    const MEMBERS: &'static [&'static str] = &Self::FIELDS;

    #[inline]
    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
        let value = map.next_value()?;
        match member {
            0 => self.service_sid = value,
            1 => self.endpoint_id = value,
            2 => self.deployment_role_sid = value,
            _ => self.push_credential_sid = value,
        }
        Ok(())
    }
}
