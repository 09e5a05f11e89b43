//! The Tableau REST client: one signed-in session per run, view lookup, rendered images and
//! a disk cache of them.

pub mod cache;
pub mod catalog;
pub mod error;
pub mod image;
pub mod session;
pub mod twb;
pub mod xml;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub use catalog::View;
pub use error::{Secret, TableauError};
pub use image::ImageRequest;
pub use session::{RetryPolicy, Session};

/// A REST API version, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// Major number.
    pub major: u32,
    /// Minor number.
    pub minor: u32,
}

impl ApiVersion {
    /// A version from its numbers.
    pub const fn new(major: u32, minor: u32) -> ApiVersion {
        ApiVersion { major, minor }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for ApiVersion {
    type Err = String;

    fn from_str(text: &str) -> Result<ApiVersion, String> {
        let (major, minor) = text
            .trim()
            .split_once('.')
            .ok_or_else(|| format!("`{text}` is not major.minor"))?;
        let number = |part: &str| {
            part.parse::<u32>()
                .map_err(|_| format!("`{text}` is not major.minor"))
        };
        Ok(ApiVersion {
            major: number(major)?,
            minor: number(minor)?,
        })
    }
}

/// Everything needed to sign in to a server.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Base URL, no trailing slash.
    pub url: String,
    /// Site contentUrl; empty for the Default site.
    pub site: String,
    /// The API version to use instead of asking the server.
    pub api_version: Option<ApiVersion>,
    /// Personal access token name.
    pub token_name: String,
    /// Personal access token secret.
    pub token_secret: Secret,
    /// Extra root certificates (PEM) for a corporate CA.
    pub ca_cert: Option<PathBuf>,
    /// Time allowed for one request, renders included.
    pub timeout: Duration,
    /// Retry policy.
    pub retry: RetryPolicy,
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_compare_and_print() {
        let v: ApiVersion = "3.21".parse().unwrap();
        assert_eq!(v, ApiVersion::new(3, 21));
        assert!(ApiVersion::new(3, 6) < ApiVersion::new(3, 10));
        assert_eq!(v.to_string(), "3.21");
        assert!("3".parse::<ApiVersion>().is_err());
        assert!("3.x".parse::<ApiVersion>().is_err());
    }
}
