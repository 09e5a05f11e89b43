//! A minimal HTTP/1.1 client over a loopback TCP socket, independent of the client under
//! test, for tests that fetch straight from the simulator.

use std::io::{Read, Write};
use std::net::TcpStream;

/// A response: status, headers (lower-case names) and body.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// Sends one request to `url` (http://127.0.0.1:PORT/path) and reads the whole answer.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).expect("connect to the simulator");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();

    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let data = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(data)
    } else {
        data.to_vec()
    };
    Response {
        status,
        headers,
        body,
    }
}

/// Signs in with a personal access token and returns (token, site id).
pub fn sign_in(base: &str, name: &str, secret: &str, site: &str) -> (String, String) {
    let body = format!(
        "<tsRequest><credentials personalAccessTokenName=\"{name}\" \
         personalAccessTokenSecret=\"{secret}\"><site contentUrl=\"{site}\"/>\
         </credentials></tsRequest>"
    );
    let answer = request(
        "POST",
        &format!("{base}/api/3.28/auth/signin"),
        &[],
        body.as_bytes(),
    );
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let text = String::from_utf8_lossy(&answer.body).into_owned();
    let attr = |element: &str, name: &str| {
        let at = text
            .find(&format!("<{element} "))
            .or_else(|| text.find(&format!(":{element} ")))
            .unwrap();
        let rest = &text[at..];
        let start = rest.find(&format!("{name}=")).unwrap() + name.len() + 2;
        let quote = rest.as_bytes()[start - 1] as char;
        rest[start..start + rest[start..].find(quote).unwrap()].to_string()
    };
    (attr("credentials", "token"), attr("site", "id"))
}

/// Signs out.
pub fn sign_out(base: &str, token: &str) {
    request(
        "POST",
        &format!("{base}/api/3.28/auth/signout"),
        &[("X-Tableau-Auth", token)],
        b"",
    );
}
