//! Golden tests: a deck built from `tests/golden/<name>/spec.yaml` is compared part by part
//! with the parts saved in `tests/golden/<name>/expected/`: the same entries in the same
//! order, XML element by element (attributes sorted, indentation ignored, core dates
//! scrubbed), media by SHA-256.
//!
//! After an intended change, update the saved parts and review the diff:
//!
//!     DECKGEN_UPDATE_GOLDEN=1 cargo test --test golden

mod common;

use std::io::Read;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::{Reader, Writer};
use sha2::{Digest, Sha256};

const UPDATE: &str = "DECKGEN_UPDATE_GOLDEN";

/// The entries of a zip, in order, with their bytes.
fn entries(deck: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(deck).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().unwrap().to_string(), data)
        })
        .collect()
}

fn is_xml(name: &str) -> bool {
    name.ends_with(".xml") || name.ends_with(".rels")
}

/// One line of `parts.txt`: the entry name and, for media, its hash.
fn index_line(name: &str, data: &[u8]) -> String {
    if is_xml(name) {
        name.to_string()
    } else {
        format!("{name} sha256:{:x}", Sha256::digest(data))
    }
}

/// Volatile values: the core properties' timestamps.
fn scrubbed(element: &str, text: &str) -> String {
    match element {
        "dcterms:created" | "dcterms:modified" => "<timestamp>".to_string(),
        _ => text.to_string(),
    }
}

fn element_line(path: &[String], e: &quick_xml::events::BytesStart) -> (String, String) {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut attrs: Vec<String> = e
        .attributes()
        .map(|a| {
            let a = a.unwrap();
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            format!("{key}={:?}", a.unescape_value().unwrap())
        })
        .collect();
    attrs.sort();
    (
        format!("{}/{name} [{}]", path.join("/"), attrs.join(" ")),
        name,
    )
}

/// An XML part as comparable lines, one per element (`path/tag [attributes]`) and one per
/// non-blank text (`path "text"`).
fn canonical(data: &[u8]) -> Vec<String> {
    let mut reader = Reader::from_reader(data);
    let mut path: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed XML") {
            Event::Start(e) => {
                let (line, name) = element_line(&path, &e);
                lines.push(line);
                path.push(name);
            }
            Event::Empty(e) => lines.push(element_line(&path, &e).0),
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                let raw = t.decode().unwrap().into_owned();
                let text = quick_xml::escape::unescape(&raw).unwrap().into_owned();
                if !text.trim().is_empty() {
                    let element = path.last().cloned().unwrap_or_default();
                    lines.push(format!(
                        "{} {:?}",
                        path.join("/"),
                        scrubbed(&element, &text)
                    ));
                }
            }
            Event::GeneralRef(r) => {
                let raw = format!("&{};", String::from_utf8_lossy(&r));
                let text = quick_xml::escape::unescape(&raw).unwrap().into_owned();
                lines.push(format!("{} {:?}", path.join("/"), text));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    lines
}

/// The part indented for review; comparison does not depend on the indentation.
fn pretty(data: &[u8]) -> Vec<u8> {
    let mut reader = Reader::from_reader(data);
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 1);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed XML") {
            Event::Eof => break,
            Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            event => writer.write_event(event).unwrap(),
        }
        buf.clear();
    }
    let mut out = writer.into_inner();
    out.push(b'\n');
    out
}

fn build(name: &str) -> (common::Workspace, std::path::PathBuf) {
    let ws = common::Workspace::new();
    let spec = common::repo()
        .join("tests/golden")
        .join(name)
        .join("spec.yaml");
    let deck = ws.join("golden.pptx");
    ws.run(&[
        "build",
        spec.to_str().unwrap(),
        "-o",
        deck.to_str().unwrap(),
    ])
    .expect_code(0);
    (ws, deck)
}

fn check_golden(name: &str) {
    let (_ws, deck) = build(name);
    let expected_dir = common::repo()
        .join("tests/golden")
        .join(name)
        .join("expected");
    let built = entries(&deck);
    let index: Vec<String> = built.iter().map(|(n, d)| index_line(n, d)).collect();

    if std::env::var_os(UPDATE).is_some() {
        let _ = std::fs::remove_dir_all(&expected_dir);
        std::fs::create_dir_all(&expected_dir).unwrap();
        std::fs::write(expected_dir.join("parts.txt"), index.join("\n") + "\n").unwrap();
        for (part, data) in built.iter().filter(|(n, _)| is_xml(n)) {
            let path = expected_dir.join(part);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, pretty(data)).unwrap();
        }
        return;
    }

    let saved = std::fs::read_to_string(expected_dir.join("parts.txt")).unwrap_or_else(|_| {
        panic!("no golden parts for {name}; create them with {UPDATE}=1 cargo test --test golden")
    });
    let saved: Vec<&str> = saved.lines().collect();
    assert_eq!(
        index,
        saved,
        "the package's entries differ from {}/parts.txt",
        expected_dir.display()
    );
    for (part, data) in built.iter().filter(|(n, _)| is_xml(n)) {
        let expected = std::fs::read(expected_dir.join(part)).unwrap();
        let (got, want) = (canonical(data), canonical(&expected));
        if let Some(i) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
            panic!(
                "{part} differs from the golden copy at item {i}:\n  built:  {}\n  golden: {}\n\
                 if the change is intended: {UPDATE}=1 cargo test --test golden",
                got.get(i).map_or("(nothing)", String::as_str),
                want.get(i).map_or("(nothing)", String::as_str),
            );
        }
    }
}

#[test]
fn every_layout_matches_its_golden_parts() {
    check_golden("basic");
}

#[test]
fn canonical_form_ignores_layout_but_not_content() {
    let a = br#"<a x="1" y="2"><b>t &amp; u</b><c/></a>"#;
    let b = b"<a y=\"2\" x=\"1\">\n  <b>t &amp; u</b>\n  <c></c>\n</a>";
    assert_eq!(canonical(a), canonical(b));
    let changed = br#"<a x="1" y="3"><b>t &amp; u</b><c/></a>"#;
    assert_ne!(canonical(a), canonical(changed));
    assert_eq!(canonical(&pretty(a)), canonical(a));
}
