//! The generator's single error type: what is wrong and where (operationId and JSON pointer).

use std::fmt;

/// A malformed or unsupported description. Display: `<operationId> <JSON pointer>: <message>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    operation: Option<String>,
    pointer: String,
    message: String,
}

impl Error {
    pub(crate) fn new(
        operation: Option<&str>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            operation: operation.map(str::to_owned),
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// The operationId involved, when the problem is inside an operation.
    pub fn operation(&self) -> Option<&str> {
        self.operation.as_deref()
    }

    /// JSON pointer into the description (`/paths/~1v2~1Services/get/parameters/3`); empty for the whole document.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// What is wrong, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = &self.operation {
            write!(f, "{op} ")?;
        }
        if !self.pointer.is_empty() {
            write!(f, "{}: ", self.pointer)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Escapes one JSON pointer token (`/v2/Services` -> `~1v2~1Services`).
pub(crate) fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `base` + `/` + escaped `token`.
pub(crate) fn ptr(base: &str, token: impl AsRef<str>) -> String {
    format!("{base}/{}", escape_token(token.as_ref()))
}
