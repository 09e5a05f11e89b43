//! Failures talking to Tableau, worded for the person who has to act on them.

use std::fmt;

use super::xml::ApiError;

/// Why a call to Tableau failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableauError {
    /// What went wrong, naming the URL, the HTTP status and Tableau's error code.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// True when the spec or the configuration is at fault rather than the server.
    pub bad_input: bool,
}

impl TableauError {
    /// A failure of the server or the network.
    pub fn failure(message: impl Into<String>) -> TableauError {
        TableauError {
            message: message.into(),
            hint: None,
            bad_input: false,
        }
    }

    /// A problem with what the user asked for.
    pub fn input(message: impl Into<String>) -> TableauError {
        TableauError {
            message: message.into(),
            hint: None,
            bad_input: true,
        }
    }

    /// Adds how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> TableauError {
        self.hint = Some(hint.into());
        self
    }

    /// The error for an HTTP answer that is not a success.
    pub fn status(what: &str, url: &str, status: u16, api: Option<&ApiError>) -> TableauError {
        let mut message = format!("{what}: {url} answered HTTP {status}");
        if let Some(api) = api {
            message.push_str(&format!(" (Tableau error {}", api.code));
            if !api.summary.is_empty() {
                message.push_str(&format!(" {}", api.summary));
            }
            if !api.detail.is_empty() {
                message.push_str(&format!(": {}", api.detail));
            }
            message.push(')');
        }
        TableauError::failure(message)
    }
}

impl fmt::Display for TableauError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TableauError {}

/// A secret that never shows in output: Debug and Display print a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let secret = Secret::new("s3cr3t-value");
        assert_eq!(format!("{secret} {secret:?}"), "*** Secret(***)");
        assert_eq!(secret.expose(), "s3cr3t-value");
    }

    #[test]
    fn status_errors_name_url_status_and_code() {
        let api = ApiError {
            code: "404011".into(),
            summary: "Resource Not Found".into(),
            detail: "View 'x' could not be found.".into(),
        };
        let err = TableauError::status("render view", "https://t/api/3.21/x", 404, Some(&api));
        assert_eq!(
            err.message,
            "render view: https://t/api/3.21/x answered HTTP 404 (Tableau error 404011 Resource \
             Not Found: View 'x' could not be found.)"
        );
    }
}
