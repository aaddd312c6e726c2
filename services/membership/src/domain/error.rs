//! A broken rule in the domain's own terms: the field it concerns, what is wrong, and for a step
//! the rules or the record's state forbid, the stable reason. Nothing here knows how an error
//! travels; `crate::error` maps it to the API error once.

/// Why the domain refused a value or a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A value that can never be right, whatever the record's state (a malformed vote, a year
    /// out of range).
    #[error("{field}: {description}")]
    Invalid {
        /// The field holding the value, as the request names it.
        field: String,
        /// What is wrong, in English.
        description: String,
    },
    /// A step the regulations or the record's state forbid.
    #[error("{description}")]
    Broken {
        /// Stable reason, UPPER_SNAKE_CASE, for example `ILLEGAL_TRANSITION`.
        reason: &'static str,
        /// The field whose value breaks the rule.
        field: String,
        /// What rule is broken, in English.
        description: String,
    },
    /// Data that should not exist (a bug, or a damaged reference table).
    #[error("{0}")]
    Internal(String),
}

impl RuleError {
    /// A value of `field` that can never be right.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            description: description.into(),
        }
    }

    /// A step forbidden by the rule `reason`, concerning `field`.
    pub fn precondition(
        reason: &'static str,
        field: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self::Broken {
            reason,
            field: field.into(),
            description: description.into(),
        }
    }
}
