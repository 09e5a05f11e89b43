//! End-to-end tests of the Tableau path: the binary against the simulator, which runs in
//! this test process on a loopback port.

mod common;

use std::io::Read;
use std::path::Path;

use common::http;
use common::{SlideExpect, WIDE, Workspace, picture, submit};
use deckgen::simulate::{self, Config, DEFAULT_TOKEN_NAME, DEFAULT_TOKEN_SECRET, Running};

/// A simulator on a free loopback port, stopped when dropped.
struct Server {
    runtime: tokio::runtime::Runtime,
    running: Option<Running>,
}

impl Server {
    fn start(config: Config) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let running = runtime
            .block_on(simulate::start(listen, config))
            .expect("simulator starts");
        Server {
            runtime,
            running: Some(running),
        }
    }

    fn url(&self) -> String {
        self.running.as_ref().unwrap().url()
    }

    fn stats(&self) -> simulate::Stats {
        self.running.as_ref().unwrap().stats()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.stop());
        }
    }
}

/// Runs the binary with the demo token in its environment.
fn run_with_token(ws: &Workspace, args: &[&str], secret: &str) -> common::Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_deckgen"))
        .args(args)
        .current_dir(ws.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", ws.path())
        .env("SOURCE_DATE_EPOCH", common::SOURCE_DATE_EPOCH)
        .env("TABLEAU_PAT_NAME", DEFAULT_TOKEN_NAME)
        .env("TABLEAU_PAT_SECRET", secret)
        .output()
        .unwrap();
    common::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn build(ws: &Workspace, server: &Server, spec: &str, out: &str, extra: &[&str]) -> common::Run {
    let url = server.url();
    let mut args = vec!["build", spec, "--server", &url, "-o", out];
    args.extend_from_slice(extra);
    run_with_token(ws, &args, DEFAULT_TOKEN_SECRET)
}

fn copy_spec(ws: &Workspace, name: &str) {
    let text = std::fs::read_to_string(common::repo().join("specs").join(name)).unwrap();
    ws.write(name, text);
}

/// The pictures of one slide of a deck, decoded, in the order the slide places them.
fn slide_pictures(deck: &Path, slide: usize) -> Vec<image::RgbaImage> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(deck).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let xml = read(&format!("ppt/slides/slide{slide}.xml"));
    let rels = read(&format!("ppt/slides/_rels/slide{slide}.xml.rels"));
    let targets: Vec<String> = xml
        .split("r:embed=\"")
        .skip(1)
        .map(|rest| {
            let id = &rest[..rest.find('"').unwrap()];
            let at = rels.find(&format!("Id=\"{id}\"")).unwrap();
            let target = &rels[at..];
            let start = target.find("Target=\"../").unwrap() + 11;
            format!(
                "ppt/{}",
                &target[start..start + target[start..].find('"').unwrap()]
            )
        })
        .collect();
    targets
        .iter()
        .map(|name| {
            let mut bytes = Vec::new();
            archive
                .by_name(name)
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            image::load_from_memory(&bytes).unwrap().to_rgba8()
        })
        .collect()
}

/// Renders the Incidents dashboard straight from the simulator with `query`, decoded.
fn incidents(server: &Server, query: &str) -> (Vec<u8>, image::RgbaImage) {
    let png = render(server, "SafetyOverview/sheets/Incidents", query);
    let decoded = image::load_from_memory(&png).unwrap().to_rgba8();
    (png, decoded)
}

/// Renders a view straight from the simulator, bypassing deckgen.
fn render(server: &Server, content_url: &str, query: &str) -> Vec<u8> {
    let base = server.url();
    let (token, site) = http::sign_in(&base, DEFAULT_TOKEN_NAME, DEFAULT_TOKEN_SECRET, "safety");
    let auth = [("X-Tableau-Auth", token.as_str())];
    let list = http::request(
        "GET",
        &format!("{base}/api/3.28/sites/{site}/views?filter=contentUrl:eq:{content_url}"),
        &auth,
        b"",
    );
    let text = String::from_utf8_lossy(&list.body).into_owned();
    let at = text
        .find("<view ")
        .or_else(|| text.find(":view "))
        .expect("the view is listed");
    let id_start = at + text[at..].find(" id=\"").unwrap() + 5;
    let id = &text[id_start..id_start + text[id_start..].find('"').unwrap()];
    let image = http::request(
        "GET",
        &format!("{base}/api/3.28/sites/{site}/views/{id}/image?{query}"),
        &auth,
        b"",
    );
    http::sign_out(&base, &token);
    assert_eq!(image.status, 200);
    image.body
}

/// Finds where `picture` sits in `source`, within `slack` pixels of `expected` (x, y, w, h).
fn locate(
    source: &image::RgbaImage,
    picture: &image::RgbaImage,
    expected: [u32; 4],
    slack: i64,
) -> [u32; 4] {
    let (w, h) = picture.dimensions();
    assert!(
        (i64::from(w) - i64::from(expected[2])).abs() <= slack
            && (i64::from(h) - i64::from(expected[3])).abs() <= slack,
        "the crop is {w}x{h}, the chart {}x{}",
        expected[2],
        expected[3]
    );
    for dy in -slack..=slack {
        for dx in -slack..=slack {
            let (x, y) = (i64::from(expected[0]) + dx, i64::from(expected[1]) + dy);
            if x < 0 || y < 0 {
                continue;
            }
            let view = image::imageops::crop_imm(source, x as u32, y as u32, w, h).to_image();
            if view == *picture {
                return [x as u32, y as u32, w, h];
            }
        }
    }
    panic!("the crop is not the drawn chart within {slack} px of {expected:?}");
}

#[test]
fn charts_cropped_by_sheet_name_are_the_charts_the_server_drew() {
    let server = Server::start(Config::default());
    let ws = Workspace::new();
    copy_spec(&ws, "safety-monthly.yaml");
    build(
        &ws,
        &server,
        "safety-monthly.yaml",
        "deck.pptx",
        &["--var", "month=2026-11", "--cache", "cache"],
    )
    .expect_code(0)
    .expect_stderr(&["wrote deck.pptx: 8 slides, 7 pictures"]);
    assert_eq!(
        server.stats().open_sessions,
        0,
        "the build left a session open"
    );

    // Slide 3: Incidents by Fleet at high resolution; the simulator drew it at
    // (12, 92, 568, 696) of the 1200 × 800 dashboard, so (24, 184, 1136, 1392) at 2×.
    let (high, high_image) = incidents(
        &server,
        "resolution=high&maxAge=60&vf_Month=2026-11&vf_Region=All",
    );
    let high_path = ws.write("incidents-high.png", &high);
    assert_eq!(high_image.dimensions(), (2400, 1600));
    let fleet = locate(
        &high_image,
        &slide_pictures(&ws.join("deck.pptx"), 3)[0],
        [24, 184, 1136, 1392],
        1,
    );

    // Slide 5: Top Hazards, (588, 484, 600, 304) at 1×.
    let (_, plain_image) = incidents(&server, "resolution=high&maxAge=60&vf_Region=All");
    locate(
        &plain_image,
        &slide_pictures(&ws.join("deck.pptx"), 5)[0],
        [1176, 968, 1200, 608],
        1,
    );

    // Slide 6: North and South differ and each is the chart.
    let (_, north_image) = incidents(&server, "resolution=high&maxAge=60&vf_Region=North");
    let pictures = slide_pictures(&ws.join("deck.pptx"), 6);
    assert_ne!(
        pictures[0], pictures[1],
        "the North and South crops are the same"
    );
    locate(&north_image, &pictures[0], [24, 184, 1136, 1392], 1);

    let footer = "Safety Analytics · 2026-11 · internal";
    let slides = [
        SlideExpect::new("title")
            .title("Safety performance")
            .subtitle("2026-11"),
        SlideExpect::new("section")
            .title("Incidents")
            .subtitle("Where, when and what kind"),
        SlideExpect::new("image")
            .title("Incidents by fleet")
            .notes("Source: Safety Overview, 2026-11, all regions.")
            .numbered(Some(footer))
            .picture(picture(&high_path, fleet, "Safety Overview/Incidents")),
    ];
    let deck = ws.join("deck.pptx");
    let first_three = truncate_deck(&ws, &server, &deck, 3);
    submit("tableau-sheet-crops", &first_three, WIDE, &slides);
}

/// A copy of `deck` is checked whole by the conformance suite only where the test knows
/// every picture's source; this keeps the first `slides` slides' expectations honest by
/// building a deck of exactly those slides from the same cache.
fn truncate_deck(
    ws: &Workspace,
    server: &Server,
    deck: &Path,
    slides: usize,
) -> std::path::PathBuf {
    let spec = std::fs::read_to_string(ws.join("safety-monthly.yaml")).unwrap();
    let cut = spec
        .match_indices("\n  - ")
        .nth(slides)
        .map_or(spec.len(), |(at, _)| at);
    ws.write("first.yaml", format!("{}\n", &spec[..cut]));
    let out = ws.join("first.pptx");
    let run = run_with_token(
        ws,
        &[
            "build",
            "first.yaml",
            "--offline",
            "--server",
            &server.url(),
            "--cache",
            "cache",
            "--var",
            "month=2026-11",
            "-o",
            "first.pptx",
        ],
        "unused",
    );
    run.expect_code(0);
    assert!(deck.is_file());
    out
}

#[test]
fn faults_and_token_expiry_change_nothing_in_the_deck() {
    let ws = Workspace::new();
    copy_spec(&ws, "demo.yaml");
    let calm = Server::start(Config::default());
    build(
        &ws,
        &calm,
        "demo.yaml",
        "calm.pptx",
        &["--cache", "calm-cache"],
    )
    .expect_code(0);

    let config = Config {
        fault_rate: 0.2,
        expire_after: Some(6),
        seed: 7,
        ..Config::default()
    };
    let stormy = Server::start(config);
    build(
        &ws,
        &stormy,
        "demo.yaml",
        "stormy.pptx",
        &["--cache", "stormy-cache"],
    )
    .expect_code(0);
    let stats = stormy.stats();
    assert!(stats.faults > 0, "no fault was injected: {stats:?}");
    assert!(stats.sign_ins >= 2, "the token never expired: {stats:?}");
    assert_eq!(stats.open_sessions, 0, "a session was left open: {stats:?}");
    let (calm_bytes, stormy_bytes) = (
        std::fs::read(ws.join("calm.pptx")).unwrap(),
        std::fs::read(ws.join("stormy.pptx")).unwrap(),
    );
    assert!(calm_bytes == stormy_bytes, "faults changed the deck");
}

#[test]
fn permanent_failures_exit_1_naming_slide_and_view_and_write_nothing() {
    let server = Server::start(Config::default());
    let ws = Workspace::new();
    ws.write("deck.pptx", b"earlier deck");
    let spec = |view: &str| {
        format!(
            "version: 1\nserver: {{ url: https://unused.example.com, site: safety }}\nslides:\n  \
             - title: Fleet\n    view: {view}\n"
        )
    };

    ws.write("bad-token.yaml", spec("\"Fleet Operations/Fleet Mix\""));
    let url = server.url();
    run_with_token(
        &ws,
        &[
            "build",
            "bad-token.yaml",
            "--server",
            &url,
            "-o",
            "deck.pptx",
        ],
        "wrong-secret",
    )
    .expect_code(1)
    .expect_stderr(&[
        "slide 1 (Fleet)",
        "HTTP 401",
        "401001",
        "hint: check the personal access token",
    ]);

    ws.write("missing.yaml", spec("\"Fleet Operations/Fleet Mixx\""));
    build(&ws, &server, "missing.yaml", "deck.pptx", &[])
        .expect_code(1)
        .expect_stderr(&[
            "slide 1 (Fleet): no view `Fleet Operations/Fleet Mixx`",
            "\"Fleet Mix\"",
        ]);

    ws.write("ambiguous.yaml", spec("\"Safety Overview/Incidents\""));
    build(&ws, &server, "ambiguous.yaml", "deck.pptx", &[])
        .expect_code(1)
        .expect_stderr(&[
            "matches 2 views",
            "Archive/Safety Overview/Incidents",
            "hint: add `project:`",
        ]);

    ws.write(
        "by-id.yaml",
        spec("{ id: 00000000-0000-4000-8000-000000000000 }"),
    );
    build(&ws, &server, "by-id.yaml", "deck.pptx", &[])
        .expect_code(1)
        .expect_stderr(&["slide 1 (Fleet)", "HTTP 404"]);

    assert_eq!(
        std::fs::read(ws.join("deck.pptx")).unwrap(),
        b"earlier deck"
    );
    assert_eq!(server.stats().open_sessions, 0);
}

#[test]
fn secrets_never_appear_in_output_even_verbose() {
    let config = Config {
        expire_after: Some(3),
        seed: 42,
        ..Config::default()
    };
    let server = Server::start(config.clone());
    let ws = Workspace::new();
    copy_spec(&ws, "demo.yaml");
    let url = server.url();
    let run = run_with_token(
        &ws,
        &[
            "-vv",
            "build",
            "demo.yaml",
            "--server",
            &url,
            "-o",
            "d.pptx",
            "--cache",
            "c",
        ],
        DEFAULT_TOKEN_SECRET,
    );
    run.expect_code(0);
    let sign_ins = server.stats().sign_ins;
    assert!(sign_ins >= 2, "expected a re-sign-in, saw {sign_ins}");
    let output = format!("{}{}", run.stdout, run.stderr);
    assert!(output.contains("GET"), "-vv logs each request");
    assert!(
        !output.contains(DEFAULT_TOKEN_SECRET),
        "the token secret leaked"
    );

    // The simulator issues the same tokens for the same seed: replay them to learn them.
    let twin = Server::start(config);
    let base = twin.url();
    for _ in 0..sign_ins {
        let (token, _) = http::sign_in(&base, DEFAULT_TOKEN_NAME, DEFAULT_TOKEN_SECRET, "safety");
        assert!(token.len() > 8);
        assert!(!output.contains(&token), "a session token leaked: {token}");
    }

    // A failing run prints no secret either.
    let failed = run_with_token(
        &ws,
        &[
            "-vv",
            "build",
            "demo.yaml",
            "--server",
            &url,
            "-o",
            "e.pptx",
        ],
        "my-wrong-s3cret",
    );
    failed.expect_code(1);
    assert!(!format!("{}{}", failed.stdout, failed.stderr).contains("my-wrong-s3cret"));
}

#[test]
fn offline_builds_come_from_the_cache_and_name_what_is_missing() {
    let server = Server::start(Config::default());
    let ws = Workspace::new();
    copy_spec(&ws, "demo.yaml");
    let url = server.url();
    build(
        &ws,
        &server,
        "demo.yaml",
        "online.pptx",
        &["--cache", "cache"],
    )
    .expect_code(0);
    let renders = server.stats().renders;
    drop(server);

    let offline = [
        "build",
        "demo.yaml",
        "--offline",
        "--server",
        &url,
        "--cache",
        "cache",
        "-o",
        "offline.pptx",
    ];
    run_with_token(&ws, &offline, "unused").expect_code(0);
    let (a, b) = (
        std::fs::read(ws.join("online.pptx")).unwrap(),
        std::fs::read(ws.join("offline.pptx")).unwrap(),
    );
    assert!(a == b, "the offline build differs");
    // Ten pictures, five distinct renders: identical requests are fetched once.
    assert_eq!(renders, 5, "renders");

    let empty = [
        "build",
        "demo.yaml",
        "--offline",
        "--server",
        &url,
        "--cache",
        "empty",
        "-o",
        "none.pptx",
    ];
    run_with_token(&ws, &empty, "unused")
        .expect_code(1)
        .expect_stderr(&[
            "slide 2 (The Incidents dashboard): `Safety Overview/Incidents",
            "is not in the cache",
        ]);
    assert!(!ws.join("none.pptx").exists());
}

#[test]
fn views_and_zones_read_the_site() {
    let server = Server::start(Config::default());
    let ws = Workspace::new();
    let url = server.url();
    let json = run_with_token(
        &ws,
        &[
            "views", "--server", &url, "--site", "safety", "--format", "json",
        ],
        DEFAULT_TOKEN_SECRET,
    );
    json.expect_code(0);
    let views: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        views.as_array().unwrap().len(),
        113,
        "every page of views is listed"
    );

    let table = run_with_token(
        &ws,
        &[
            "views",
            "--server",
            &url,
            "--site",
            "safety",
            "--project",
            "Operations",
        ],
        DEFAULT_TOKEN_SECRET,
    );
    table.expect_code(0);
    assert!(table.stdout.starts_with("PROJECT"), "{}", table.stdout);
    assert!(
        table.stdout.contains("Fleet Operations") && !table.stdout.contains("Sandbox"),
        "{}",
        table.stdout
    );

    let zones = run_with_token(
        &ws,
        &[
            "zones",
            "Fleet Operations",
            "--server",
            &url,
            "--site",
            "safety",
            "--format",
            "json",
        ],
        DEFAULT_TOKEN_SECRET,
    );
    zones.expect_code(0);
    let zones: serde_json::Value = serde_json::from_str(&zones.stdout).unwrap();
    let region = zones
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == "Fleet Mix by Region")
        .unwrap();
    // The card the simulator draws is (12, 76, 544, 612), inside a 4 px margin.
    assert_eq!(
        [
            &region["x"],
            &region["y"],
            &region["width"],
            &region["height"]
        ],
        [8, 72, 552, 620]
    );
    assert_eq!(server.stats().open_sessions, 0);
}

#[test]
fn sign_in_redirects_and_prefixed_xml_are_followed() {
    let config = Config {
        redirect_signin: true,
        xml_prefix: Some("ns0".into()),
        ..Config::default()
    };
    let server = Server::start(config);
    let ws = Workspace::new();
    ws.write(
        "deck.yaml",
        "version: 1\nserver: { url: https://unused.example.com, site: safety }\nslides:\n  \
         - { title: Mix, view: \"FleetOperations/sheets/FleetMix\", \
         crop: { sheet: Utilisation } }\n",
    );
    build(&ws, &server, "deck.yaml", "deck.pptx", &["--cache", "c"]).expect_code(0);
    assert_eq!(server.stats().open_sessions, 0);
}

#[test]
fn the_demo_runs_with_no_server_and_no_token_and_passes_conformance() {
    let ws = Workspace::new();
    ws.run(&["demo", "-o", "demo.pptx"])
        .expect_code(0)
        .expect_stderr(&["wrote demo.pptx: 8 slides, 10 pictures"]);
    let deck = ws.join("demo.pptx");

    // The same renders, straight from a simulator of the same configuration.
    let server = Server::start(Config::default());
    let fetch = |content_url: &str, query: &str, name: &str| {
        let png = render(&server, content_url, query);
        let decoded = image::load_from_memory(&png).unwrap().to_rgba8();
        (ws.write(name, &png), decoded)
    };
    let incidents = "SafetyOverview/sheets/Incidents";
    let (all, all_image) = fetch(incidents, "resolution=high&maxAge=60", "all.png");
    let (north, north_image) = fetch(
        incidents,
        "resolution=high&maxAge=60&vf_Region=North",
        "n.png",
    );
    let (south, south_image) = fetch(
        incidents,
        "resolution=high&maxAge=60&vf_Region=South",
        "s.png",
    );
    let (mix, mix_image) = fetch(
        "FleetOperations/sheets/FleetMix",
        "resolution=high&maxAge=60",
        "mix.png",
    );
    let (util, _) = fetch(
        "FleetOperations/sheets/Utilisation",
        "maxAge=60",
        "util.png",
    );

    // Each crop by sheet is the card the simulator drew (at 2×), within a pixel.
    let fleet = locate(
        &all_image,
        &slide_pictures(&deck, 4)[0],
        [24, 184, 1136, 1392],
        1,
    );
    let five = slide_pictures(&deck, 5);
    let trend = locate(&all_image, &five[0], [1176, 184, 1200, 768], 1);
    let hazards = locate(&all_image, &five[1], [1176, 968, 1200, 608], 1);
    let six = slide_pictures(&deck, 6);
    let north_box = locate(&north_image, &six[0], [24, 184, 1136, 1392], 1);
    let south_box = locate(&south_image, &six[1], [24, 184, 1136, 1392], 1);
    let seven = slide_pictures(&deck, 7);
    let region = locate(&mix_image, &seven[0], [24, 152, 1088, 1224], 1);
    let utilisation = locate(&mix_image, &seven[1], [1128, 152, 848, 1224], 1);

    let footer = format!("Safety Analytics · {} · demo data", "November 2026");
    let footer = Some(footer.as_str());
    let slides = [
        SlideExpect::new("title")
            .title("Safety performance")
            .subtitle("November 2026 · rendered from Tableau"),
        SlideExpect::new("image")
            .title("The Incidents dashboard")
            .notes("The whole dashboard as Tableau renders it at high resolution.")
            .numbered(footer)
            .picture(picture(
                &all,
                [0, 0, 2400, 1600],
                "Safety Overview/Incidents",
            )),
        SlideExpect::new("section")
            .title("Charts cropped by name")
            .subtitle("crop: { sheet: ... } finds each chart in the dashboard's layout"),
        SlideExpect::new("image")
            .title("Incidents by fleet")
            .notes("Source: Safety Overview / Incidents, all regions.")
            .numbered(footer)
            .picture(picture(&all, fleet, "Safety Overview/Incidents")),
        SlideExpect::new("two-up")
            .title("Monthly trend and top hazards")
            .numbered(footer)
            .picture(picture(&all, trend, "Safety Overview/Incidents"))
            .picture(picture(&all, hazards, "Safety Overview/Incidents")),
        SlideExpect::new("two-up")
            .title("North and South")
            .numbered(footer)
            .picture(picture(
                &north,
                north_box,
                "Incidents by fleet, North region",
            ))
            .picture(picture(
                &south,
                south_box,
                "Incidents by fleet, South region",
            )),
        SlideExpect::new("grid")
            .title("Fleet operations")
            .numbered(footer)
            .picture(picture(&mix, region, "Fleet Operations/Fleet Mix"))
            .picture(picture(&mix, utilisation, "Fleet Operations/Fleet Mix"))
            .picture(picture(
                &util,
                [0, 0, 800, 600],
                "FleetOperations/sheets/Utilisation",
            )),
        SlideExpect::new("full").picture(picture(
            &mix,
            [0, 0, 2000, 1400],
            "The Fleet Mix dashboard",
        )),
    ];
    submit("demo", &deck, WIDE, &slides);
}

#[test]
fn preview_outlines_the_dashboard_zones_and_the_sheet_crops() {
    let server = Server::start(Config::default());
    let ws = Workspace::new();
    copy_spec(&ws, "demo.yaml");
    let url = server.url();
    let args = [
        "preview",
        "demo.yaml",
        "--server",
        &url,
        "--out",
        "pv",
        "--cache",
        "c",
    ];
    let run = run_with_token(&ws, &args, DEFAULT_TOKEN_SECRET);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("pv/01-Safety-Overview-Incidents-high.png: 3 crops, 3 zones"),
        "{}",
        run.stdout
    );
    let drawn = image::open(ws.join("pv/01-Safety-Overview-Incidents-high.png"))
        .unwrap()
        .to_rgb8();
    assert_eq!(drawn.dimensions(), (2400, 1600));
    // Zone "Incidents by Fleet" is (16, 176)–(1168, 1584) at 2×; its crop is the card inside
    // the 8 px margin, (24, 184)–(1160, 1576).
    let (blue, orange) = (image::Rgb([31, 119, 180]), image::Rgb([230, 85, 13]));
    assert_eq!(*drawn.get_pixel(16, 800), blue, "no zone edge");
    assert_eq!(*drawn.get_pixel(24, 800), orange, "no crop edge");
    assert_eq!(*drawn.get_pixel(1159, 800), orange, "no crop edge");
    assert_eq!(server.stats().open_sessions, 0);
}

#[test]
fn sheet_crops_hold_at_standard_resolution_and_name_what_is_wrong() {
    let server = Server::start(Config::default());
    let ws = Workspace::new();
    let spec = |crop: &str, view: &str| {
        format!(
            "version: 1\nserver: {{ url: https://unused.example.com, site: safety }}\nslides:\n  \
             - title: Chart\n    view: \"{view}\"\n    project: Safety\n    \
             resolution: standard\n    crop: {crop}\n"
        )
    };
    ws.write(
        "standard.yaml",
        spec("{ sheet: Top Hazards }", "Safety Overview/Incidents"),
    );
    build(
        &ws,
        &server,
        "standard.yaml",
        "standard.pptx",
        &["--cache", "c"],
    )
    .expect_code(0);
    let (_, plain) = incidents(&server, "");
    assert_eq!(plain.dimensions(), (1200, 800));
    // Top Hazards is drawn at (588, 484, 600, 304) on the 1200 × 800 dashboard.
    locate(
        &plain,
        &slide_pictures(&ws.join("standard.pptx"), 1)[0],
        [588, 484, 600, 304],
        1,
    );

    ws.write(
        "typo.yaml",
        spec("{ sheet: Top Hazard }", "Safety Overview/Incidents"),
    );
    build(&ws, &server, "typo.yaml", "typo.pptx", &["--cache", "c"])
        .expect_code(2)
        .expect_stderr(&[
            "slide 1 (Chart): dashboard `Safety/Safety Overview/Incidents` has no sheet \
             `Top Hazard`",
            "its sheets, closest first: \"Top Hazards\"",
        ]);
    ws.write(
        "worksheet.yaml",
        spec("{ sheet: Top Hazards }", "Safety Overview/Top Hazards"),
    );
    build(
        &ws,
        &server,
        "worksheet.yaml",
        "worksheet.pptx",
        &["--cache", "c"],
    )
    .expect_code(2)
    .expect_stderr(&["needs a dashboard, but `Safety/Safety Overview/Top Hazards` is a worksheet"]);
    assert!(!ws.join("typo.pptx").exists() && !ws.join("worksheet.pptx").exists());
}

#[test]
fn servers_older_than_personal_access_tokens_are_refused() {
    let server = Server::start(Config {
        api_version: "3.5".into(),
        ..Config::default()
    });
    let ws = Workspace::new();
    copy_spec(&ws, "demo.yaml");
    build(&ws, &server, "demo.yaml", "d.pptx", &["--cache", "c"])
        .expect_code(1)
        .expect_stderr(&[
            "speaks REST API 3.5",
            "needs 3.6 (Tableau Server 2019.4) or newer",
        ]);
}
