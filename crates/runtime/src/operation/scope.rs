//! Where calls start: [`Scope`], what generated resource lists and contexts hold (the client and the path values
//! of their resource and its parents), shared cheaply between clones and the calls started from it.

use std::fmt;
use std::sync::Arc;

use crate::http::client::Client;

/// What a resource list or context holds: the client and the path values of its resource and its parents,
/// outermost first. Cheap to clone and to start calls from: the path values are shared.
#[doc(hidden)]
#[derive(Clone)]
pub struct Scope {
    pub(super) at: At,
}

/// Where a [`Scope`] is: the top (the client itself) or a path value, which leads up to the client.
#[derive(Clone)]
pub(super) enum At {
    Top(Client),
    Value(Arc<PathValue>),
}

/// One path value of a [`Scope`], linked to those of its parents and, at the outermost, to the client.
pub(super) struct PathValue {
    pub(super) up: At,
    pub(super) value: String,
    depth: usize,
}

impl At {
    pub(super) fn client(&self) -> &Client {
        let mut at = self;
        loop {
            match at {
                At::Top(client) => return client,
                At::Value(value) => at = &value.up,
            }
        }
    }

    pub(super) fn value(&self) -> Option<&PathValue> {
        match self {
            At::Top(_) => None,
            At::Value(value) => Some(value),
        }
    }

    /// Number of path values.
    pub(super) fn depth(&self) -> usize {
        self.value().map_or(0, |v| v.depth)
    }
}

impl Scope {
    /// The top of the resource tree.
    pub fn new(client: &Client) -> Self {
        Self {
            at: At::Top(client.clone()),
        }
    }

    /// A nested resource: the same path values plus one.
    pub fn child(&self, value: impl Into<String>) -> Self {
        self.child_value(value.into())
    }

    fn child_value(&self, value: String) -> Self {
        Self {
            at: At::Value(Arc::new(PathValue {
                up: self.at.clone(),
                value,
                depth: self.at.depth() + 1,
            })),
        }
    }
}

/// The path values, outermost first.
pub(super) fn path_values(at: &At) -> Vec<&str> {
    let mut values = Vec::with_capacity(at.depth());
    let mut node = at.value();
    while let Some(n) = node {
        values.push(n.value.as_str());
        node = n.up.value();
    }
    values.reverse();
    values
}

/// Shows the path values, outermost first.
impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("client", self.at.client())
            .field("path", &path_values(&self.at))
            .finish()
    }
}
