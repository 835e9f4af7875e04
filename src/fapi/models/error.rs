//! The wire shape of Clerk's error bodies (`{"errors": [...], "clerk_trace_id": ...}`), also
//! found inside a failed `Verification`. Turning them into Rust errors is the client's job.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::de::{lenient, lenient_vec};

/// Extra facts about an error; `param_name` names the offending form field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ApiErrorMeta {
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub param_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub email_addresses: Vec<String>,
    #[serde(
        default,
        deserialize_with = "lenient_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub identifiers: Vec<String>,
    /// Everything else (`zxcvbn` feedback, lockout details, ...), kept as sent.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// One error from an error body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ApiError {
    /// Machine-readable, e.g. `form_code_incorrect`.
    #[serde(default, deserialize_with = "lenient")]
    pub code: String,
    /// Short, e.g. "is incorrect".
    #[serde(default, deserialize_with = "lenient")]
    pub message: String,
    /// A whole sentence meant for people.
    #[serde(default, deserialize_with = "lenient")]
    pub long_message: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub meta: ApiErrorMeta,
}

impl ApiError {
    /// The best text to show a person: the long message, else the short one, else the code.
    pub fn display_message(&self) -> &str {
        [self.long_message.as_deref(), Some(self.message.as_str())]
            .into_iter()
            .flatten()
            .find(|m| !m.is_empty())
            .unwrap_or(&self.code)
    }
}

/// A whole error body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ErrorResponse {
    #[serde(default, deserialize_with = "lenient_vec")]
    pub errors: Vec<ApiError>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub meta: Option<serde_json::Value>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub clerk_trace_id: Option<String>,
}

impl ErrorResponse {
    /// The first error with this code.
    pub fn find(&self, code: &str) -> Option<&ApiError> {
        self.errors.iter().find(|e| e.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_parses_with_meta_and_extras() {
        let body: ErrorResponse = serde_json::from_str(
            r#"{"errors":[{"code":"form_password_pwned","message":"is pwned",
                "long_message":"Password has been found in an online data breach.",
                "meta":{"param_name":"password","zxcvbn":{"score":1}}}],
                "clerk_trace_id":"abc123"}"#,
        )
        .unwrap();
        let e = body.find("form_password_pwned").unwrap();
        assert_eq!(e.meta.param_name.as_deref(), Some("password"));
        assert_eq!(e.meta.other["zxcvbn"]["score"], 1);
        assert_eq!(
            e.display_message(),
            "Password has been found in an online data breach."
        );
        assert_eq!(body.clerk_trace_id.as_deref(), Some("abc123"));
        let again: ErrorResponse =
            serde_json::from_value(serde_json::to_value(&body).unwrap()).unwrap();
        assert_eq!(again, body);
    }

    #[test]
    fn sparse_error_still_has_a_message() {
        let body: ErrorResponse =
            serde_json::from_str(r#"{"errors":[{"code":"too_many_requests","meta":null}]}"#)
                .unwrap();
        assert_eq!(body.errors[0].display_message(), "too_many_requests");
    }
}
