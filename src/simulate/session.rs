//! Sign-in bodies and sessions: one session per personal access token, tokens that die after
//! a set number of authenticated requests, and seeded, opaque token strings.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::Event;
use sha2::{Digest, Sha256};

use super::data::mix;
use super::xml::ApiError;

/// What a sign-in request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `personalAccessTokenName`.
    pub name: String,
    /// `personalAccessTokenSecret`.
    pub secret: String,
    /// The site's content URL; empty for the Default site.
    pub site: String,
}

/// The error for a body that is not a PAT sign-in request.
fn malformed(why: &str) -> ApiError {
    ApiError::bad_request(
        "400000",
        "Bad Request",
        &format!("The sign-in request is malformed: {why}."),
    )
}

/// Reads a sign-in body: the XML `tsRequest` form, or the JSON form.
pub fn parse_signin(body: &[u8]) -> Result<Credentials, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| malformed("the body is not UTF-8"))?;
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        return parse_json(text);
    }
    let mut reader = Reader::from_str(text);
    let (mut name, mut secret, mut site, mut inside) = (None, None, None, false);
    loop {
        let event = reader
            .read_event()
            .map_err(|err| malformed(&format!("bad XML ({err})")))?;
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => e.clone(),
            Event::End(e) if e.local_name().as_ref() == b"credentials" => {
                inside = false;
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let local = element.local_name();
        for attr in element.attributes() {
            let attr = attr.map_err(|err| malformed(&format!("bad attribute ({err})")))?;
            let value = attr
                .unescape_value()
                .map_err(|err| malformed(&format!("bad value ({err})")))?;
            match (local.as_ref(), attr.key.local_name().as_ref()) {
                (b"credentials", b"personalAccessTokenName") => name = Some(value.into_owned()),
                (b"credentials", b"personalAccessTokenSecret") => secret = Some(value.into_owned()),
                (b"site", b"contentUrl") if inside => site = Some(value.into_owned()),
                _ => {}
            }
        }
        if local.as_ref() == b"credentials" && matches!(event, Event::Start(_)) {
            inside = true;
        }
    }
    credentials(name, secret, site)
}

/// Reads the JSON form `{"credentials": {…, "site": {"contentUrl": …}}}`.
fn parse_json(text: &str) -> Result<Credentials, ApiError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|err| malformed(&format!("bad JSON ({err})")))?;
    let creds = &value["credentials"];
    let field = |v: &serde_json::Value| v.as_str().map(str::to_string);
    credentials(
        field(&creds["personalAccessTokenName"]),
        field(&creds["personalAccessTokenSecret"]),
        field(&creds["site"]["contentUrl"]),
    )
}

/// Checks that the parts of a PAT sign-in are all there.
fn credentials(
    name: Option<String>,
    secret: Option<String>,
    site: Option<String>,
) -> Result<Credentials, ApiError> {
    let (Some(name), Some(secret)) = (name, secret) else {
        return Err(ApiError::new(
            401,
            "401001",
            "Signin Error",
            "Only personal access token sign-in is supported: personalAccessTokenName and \
             personalAccessTokenSecret are required.",
        ));
    };
    let site = site.ok_or_else(|| malformed("the credentials have no site element"))?;
    Ok(Credentials { name, secret, site })
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The personal access token name it was opened with.
    pub token_name: String,
    /// Authenticated requests made with it so far.
    pub used: u64,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Never issued, signed out, or ended by a newer sign-in.
    Unknown,
    /// Used up its allowance of requests; it is now ended.
    Expired,
}

/// Every live session, by token.
#[derive(Debug, Default)]
pub struct Sessions {
    by_token: HashMap<String, Session>,
    issued: u64,
}

impl Sessions {
    /// Opens a session for a PAT, ending that PAT's previous one; returns the new token.
    pub fn sign_in(&mut self, seed: u64, token_name: &str, site_id: &str) -> String {
        self.by_token.retain(|_, s| s.token_name != token_name);
        self.issued += 1;
        let token = token(seed, self.issued, site_id);
        self.by_token.insert(
            token.clone(),
            Session {
                token_name: token_name.to_string(),
                used: 0,
            },
        );
        token
    }

    /// Ends a session; false when the token was not live.
    pub fn sign_out(&mut self, token: &str) -> bool {
        self.by_token.remove(token).is_some()
    }

    /// Counts one authenticated request against a token, ending it past `expire_after`.
    pub fn authenticate(&mut self, token: &str, expire_after: Option<u64>) -> Result<(), Refusal> {
        let session = self.by_token.get_mut(token).ok_or(Refusal::Unknown)?;
        session.used += 1;
        if expire_after.is_some_and(|limit| session.used > limit) {
            self.by_token.remove(token);
            return Err(Refusal::Expired);
        }
        Ok(())
    }

    /// How many sessions are live.
    pub fn count(&self) -> usize {
        self.by_token.len()
    }
}

/// URL-safe base64 without padding.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 2);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The token of the `issued`-th sign-in: random-looking, but the same for the same seed.
fn token(seed: u64, issued: u64, site_id: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(mix(seed).to_le_bytes());
    hasher.update(issued.to_le_bytes());
    hasher.update(site_id.as_bytes());
    let digest = hasher.finalize();
    format!(
        "{}|{}|{site_id}",
        base64url(&digest[..16]),
        base64url(&digest[16..])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_body_tsc_sends() {
        let body = "<tsRequest><credentials personalAccessTokenName=\"deckgen-demo\" \
            personalAccessTokenSecret=\"s&amp;cret\"><site contentUrl=\"safety\" /></credentials>\
            </tsRequest>"
            .as_bytes();
        let creds = parse_signin(body).unwrap();
        assert_eq!(
            creds,
            Credentials {
                name: "deckgen-demo".into(),
                secret: "s&cret".into(),
                site: "safety".into()
            }
        );
    }

    #[test]
    fn reads_declarations_the_default_site_and_json() {
        let body = "<?xml version='1.0'?>\n<tsRequest><credentials personalAccessTokenName='n' \
            personalAccessTokenSecret='s'><site contentUrl=''/></credentials></tsRequest>"
            .as_bytes();
        assert_eq!(parse_signin(body).unwrap().site, "");
        let json = r#"{"credentials":{"personalAccessTokenName":"n","#.to_string()
            + r#""personalAccessTokenSecret":"s","site":{"contentUrl":"safety"}}}"#;
        let json = json.as_bytes();
        assert_eq!(parse_signin(json).unwrap().name, "n");
    }

    #[test]
    fn refuses_passwords_garbage_and_missing_sites() {
        let password = "<tsRequest><credentials name='u' password='p'>\
            <site contentUrl='safety'/></credentials></tsRequest>"
            .as_bytes();
        assert_eq!(parse_signin(password).unwrap_err().code, "401001");
        assert_eq!(
            parse_signin(b"<tsRequest><credentials").unwrap_err().status,
            400
        );
        let no_site = "<tsRequest><credentials personalAccessTokenName='n' \
            personalAccessTokenSecret='s'/></tsRequest>"
            .as_bytes();
        assert_eq!(parse_signin(no_site).unwrap_err().status, 400);
        assert_eq!(parse_signin(&[0xff, 0xfe]).unwrap_err().status, 400);
    }

    #[test]
    fn one_session_per_token_name() {
        let mut sessions = Sessions::default();
        let first = sessions.sign_in(7, "pat", "site");
        let second = sessions.sign_in(7, "pat", "site");
        assert_ne!(first, second);
        assert_eq!(sessions.count(), 1);
        assert_eq!(sessions.authenticate(&first, None), Err(Refusal::Unknown));
        assert_eq!(sessions.authenticate(&second, None), Ok(()));
        assert!(sessions.sign_out(&second) && !sessions.sign_out(&second));
        assert_eq!(sessions.count(), 0);
    }

    #[test]
    fn tokens_expire_after_the_allowed_requests() {
        let mut sessions = Sessions::default();
        let token = sessions.sign_in(1, "pat", "site");
        assert_eq!(sessions.authenticate(&token, Some(2)), Ok(()));
        assert_eq!(sessions.authenticate(&token, Some(2)), Ok(()));
        assert_eq!(
            sessions.authenticate(&token, Some(2)),
            Err(Refusal::Expired)
        );
        assert_eq!(
            sessions.authenticate(&token, Some(2)),
            Err(Refusal::Unknown)
        );
        assert_eq!(sessions.count(), 0);
    }

    #[test]
    fn tokens_are_seeded() {
        assert_eq!(token(1, 1, "s"), token(1, 1, "s"));
        assert_ne!(token(1, 1, "s"), token(2, 1, "s"));
        assert_eq!(base64url(b"Man"), "TWFu");
        assert_eq!(base64url(b"Ma"), "TWE");
    }
}
