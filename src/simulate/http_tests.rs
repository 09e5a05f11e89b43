//! The simulator over real sockets: sign-in, paging, sessions, redirects, faults, limits,
//! version gates, downloads and graceful stop.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Config, Running, start};

/// A response as the tests see it.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    /// A header's value, by name in any case.
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The value of the first `name="…"` attribute in the body.
    fn attr(&self, name: &str) -> String {
        let text = self.text();
        let start = text
            .find(&format!(" {name}=\""))
            .map(|i| i + name.len() + 3)
            .unwrap_or(0);
        text[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_string()
    }
}

/// Sends one request on a fresh connection; `None` when the server hung up without answering.
async fn send(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<Answer> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let auth = token
        .map(|t| format!("x-tableau-auth: {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: test\r\n{auth}content-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    if raw.is_empty() {
        return None;
    }
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.into(), v.into()))
        .collect();
    Some(Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

/// A GET with a token that must be answered.
async fn get(addr: std::net::SocketAddr, path: String, token: &str) -> Answer {
    send(addr, "GET", &path, Some(token), "")
        .await
        .expect("an answer")
}

const SIGN_IN: &str = "<tsRequest><credentials personalAccessTokenName=\"deckgen-demo\" \
    personalAccessTokenSecret=\"demo-7Qm2-secret-Lk94-simulator\"><site contentUrl=\"safety\"/>\
    </credentials></tsRequest>";

/// Starts a simulator on a free port.
async fn simulator(config: Config) -> Running {
    start("127.0.0.1:0".parse().unwrap(), config).await.unwrap()
}

/// Signs in and returns the token and the site id.
async fn sign_in(running: &Running) -> (String, String) {
    let answer = send(
        running.addr(),
        "POST",
        "/api/3.28/auth/signin",
        None,
        SIGN_IN,
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200, "{}", answer.text());
    let site = answer
        .text()
        .split("site id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    (answer.attr("token"), site)
}

#[tokio::test]
async fn lists_page_through_the_site_and_filters_narrow_them() {
    let running = simulator(Config::default()).await;
    let (token, site) = sign_in(&running).await;
    let addr = running.addr();
    let first = get(addr, format!("/api/3.28/sites/{site}/views"), &token).await;
    assert!(
        first
            .text()
            .contains("<pagination pageNumber=\"1\" pageSize=\"100\" totalAvailable=\"113\"/>")
    );
    assert_eq!(first.text().matches("<view ").count(), 100);
    let second = get(
        addr,
        format!("/api/3.28/sites/{site}/views?pageNumber=2&pageSize=100"),
        &token,
    )
    .await;
    assert_eq!(second.text().matches("<view ").count(), 13);
    let none = get(
        addr,
        format!("/api/3.28/sites/{site}/views?filter=name:eq:Nothing"),
        &token,
    )
    .await;
    assert!(
        none.text().contains("totalAvailable=\"0\"/><views/>"),
        "{}",
        none.text()
    );
    let filter = "name%3Aeq%3AIncidents%2CprojectName%3Aeq%3AArchive";
    let both = get(
        addr,
        format!("/api/3.28/sites/{site}/views?filter={filter}"),
        &token,
    )
    .await;
    assert!(
        both.text().contains("SafetyOverview_2024/sheets/Incidents")
            && both.text().matches("<view ").count() == 1
    );
    let bad = get(
        addr,
        format!("/api/3.28/sites/{site}/views?filter=color:eq:red"),
        &token,
    )
    .await;
    assert_eq!((bad.status, bad.attr("code")), (400, "400065".to_string()));
    let wrong_site = get(addr, "/api/3.28/sites/not-a-site/views".to_string(), &token).await;
    assert_eq!(wrong_site.status, 404);
    let missing = get(
        addr,
        format!("/api/3.28/sites/{site}/views/nope/image"),
        &token,
    )
    .await;
    assert_eq!(
        (missing.status, missing.attr("code")),
        (404, "404011".to_string())
    );
    running.stop().await;
}

#[tokio::test]
async fn sessions_expire_and_a_new_sign_in_ends_the_old_one() {
    let running = simulator(Config {
        expire_after: Some(2),
        ..Config::default()
    })
    .await;
    let (old, site) = sign_in(&running).await;
    let (token, _) = sign_in(&running).await;
    let path = format!("/api/3.28/sites/{site}/projects");
    let ended = send(running.addr(), "GET", &path, Some(&old), "")
        .await
        .unwrap();
    assert_eq!(
        (ended.status, ended.attr("code")),
        (401, "401002".to_string())
    );
    for _ in 0..2 {
        assert_eq!(
            send(running.addr(), "GET", &path, Some(&token), "")
                .await
                .unwrap()
                .status,
            200
        );
    }
    let expired = send(running.addr(), "GET", &path, Some(&token), "")
        .await
        .unwrap();
    assert_eq!(
        (expired.status, expired.attr("code")),
        (401, "401002".to_string())
    );
    assert_eq!(running.stats().open_sessions, 0);
    assert_eq!(running.stats().sign_ins, 2);
    running.stop().await;
}

#[tokio::test]
async fn sign_in_redirects_to_a_second_listener_that_shares_the_state() {
    let running = simulator(Config {
        redirect_signin: true,
        ..Config::default()
    })
    .await;
    let moved = send(
        running.addr(),
        "POST",
        "/api/3.9/auth/signin",
        None,
        SIGN_IN,
    )
    .await
    .unwrap();
    assert_eq!(moved.status, 301);
    let second = running.signin_addr().unwrap();
    assert_eq!(
        moved.header("location"),
        Some(format!("http://{second}/api/3.9/auth/signin").as_str())
    );
    let answer = send(second, "POST", "/api/3.9/auth/signin", None, SIGN_IN)
        .await
        .unwrap();
    let token = answer.attr("token");
    let info = send(
        running.addr(),
        "GET",
        "/api/3.9/sessions/current",
        Some(&token),
        "",
    )
    .await
    .unwrap();
    assert_eq!(info.status, 200);
    assert_eq!(running.stats().open_sessions, 1);
    running.stop().await;
}

#[tokio::test]
async fn faults_follow_the_seed_and_spare_sign_in_and_server_info() {
    let statuses = |seed| async move {
        let running = simulator(Config {
            fault_rate: 1.0,
            seed,
            ..Config::default()
        })
        .await;
        assert_eq!(
            send(running.addr(), "GET", "/api/3.28/serverInfo", None, "")
                .await
                .unwrap()
                .status,
            200
        );
        let (token, site) = sign_in(&running).await;
        let path = format!("/api/3.28/sites/{site}/views");
        let mut seen = Vec::new();
        for _ in 0..20 {
            let answer = send(running.addr(), "GET", &path, Some(&token), "").await;
            seen.push(answer.map(|a| (a.status, a.header("retry-after").map(str::to_string))));
        }
        assert_eq!(running.stats().faults, 20);
        running.stop().await;
        seen
    };
    let first = statuses(5).await;
    assert_eq!(first, statuses(5).await);
    assert!(first.contains(&None), "a dropped connection");
    assert!(first.contains(&Some((429, Some("1".into())))) && first.contains(&Some((429, None))));
    assert!(first.contains(&Some((500, None))) && first.contains(&Some((503, None))));
}

#[tokio::test]
async fn renders_beyond_the_limit_get_429_and_stop_waits_for_them() {
    let config = Config {
        max_concurrent: Some(1),
        latency: Duration::from_millis(800),
        ..Config::default()
    };
    let running = simulator(config).await;
    let (token, site) = sign_in(&running).await;
    let catalog = super::catalog::Catalog::new("safety");
    let path = format!(
        "/api/3.28/sites/{site}/views/{}/image?resolution=high",
        catalog.views[1].id
    );
    let addr = running.addr();
    let (slow_token, slow_path) = (token.clone(), path.clone());
    let slow =
        tokio::spawn(async move { send(addr, "GET", &slow_path, Some(&slow_token), "").await });
    while running.stats().max_in_flight == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let refused = send(addr, "GET", &path, Some(&token), "").await.unwrap();
    assert_eq!(
        (
            refused.status,
            refused.attr("code"),
            refused.header("retry-after")
        ),
        (429, "429000".into(), None)
    );
    let stats = running.stats();
    running.stop().await;
    let done = slow.await.unwrap().unwrap();
    assert_eq!(
        (done.status, done.header("content-type")),
        (200, Some("image/png"))
    );
    assert_eq!(crate::imaging::probe(&done.body).unwrap().width, 1600);
    assert_eq!(stats.max_in_flight, 1);
}

#[tokio::test]
async fn viz_size_needs_3_23_and_downloads_name_their_file() {
    let running = simulator(Config {
        xml_prefix: Some("ns0".into()),
        ..Config::default()
    })
    .await;
    let (token, site) = sign_in(&running).await;
    let catalog = super::catalog::Catalog::new("safety");
    let view = &catalog.views[0].id;
    for (version, width) in [("3.22", 1200), ("3.23", 640)] {
        let path =
            format!("/api/{version}/sites/{site}/views/{view}/image?vizWidth=640&vizHeight=480");
        let png = send(running.addr(), "GET", &path, Some(&token), "")
            .await
            .unwrap()
            .body;
        assert_eq!(crate::imaging::probe(&png).unwrap().width, width);
    }
    let path = format!(
        "/api/3.28/sites/{site}/workbooks/{}/content?includeExtract=False",
        catalog.workbooks[1].id
    );
    let file = send(running.addr(), "GET", &path, Some(&token), "")
        .await
        .unwrap();
    assert_eq!(
        file.header("content-disposition"),
        Some("attachment; filename=\"Fleet Operations.twb\"")
    );
    assert!(file.body.starts_with(b"<?xml "));
    let denied = send(running.addr(), "GET", &path, None, "").await.unwrap();
    assert!(denied.text().starts_with(
        "<ns0:tsResponse xmlns:ns0=\"http://tableau.com/api\"><ns0:error code=\"401002\">"
    ));
    let out = send(
        running.addr(),
        "POST",
        "/api/3.28/auth/signout",
        Some(&token),
        "",
    )
    .await
    .unwrap();
    assert_eq!(out.status, 204);
    assert_eq!(running.stats().open_sessions, 0);
    running.stop().await;
}
