//! End-to-end tests of the `deckgen` binary: decks built from local images, and every kind
//! of bad input answered with a clear message and no deck.

mod common;

use common::{STANDARD, SlideExpect, WIDE, Workspace, picture, submit};

const FOOTER: &str = "Safety Analytics · November 2026 · internal";

#[test]
fn builds_the_offline_example_with_every_layout() {
    let ws = Workspace::new();
    let spec = std::fs::read_to_string(common::repo().join("specs/offline-example.yaml")).unwrap();
    ws.write("offline-example.yaml", spec);
    ws.run(&["build", "offline-example.yaml", "-o", "deck.pptx"])
        .expect_code(0)
        .expect_stderr(&["wrote deck.pptx: 7 slides, 9 pictures"]);

    let dashboard = ws.join("assets/incidents-dashboard.png");
    let slides = [
        SlideExpect::new("title")
            .title("Safety performance")
            .subtitle("November 2026"),
        SlideExpect::new("section")
            .title("Incidents")
            .subtitle("Where, when and what kind"),
        SlideExpect::new("image")
            .title("Incidents by fleet")
            .notes("Source: Safety Overview dashboard, all regions.")
            .numbered(Some(FOOTER))
            .picture(picture(
                &dashboard,
                [16, 96, 560, 688],
                "incidents-dashboard.png",
            )),
        SlideExpect::new("two-up")
            .title("Monthly trend and top hazards")
            .numbered(Some(FOOTER))
            .picture(picture(
                &dashboard,
                [592, 96, 592, 380],
                "Monthly incidents, this year against last",
            ))
            .picture(picture(
                &dashboard,
                [592, 492, 592, 292],
                "Top five hazards by incident count",
            )),
        SlideExpect::new("image")
            .title("Key figures")
            .numbered(Some(FOOTER))
            .picture(picture(
                &ws.join("assets/kpi-tiles.png"),
                [40, 40, 920, 240],
                "kpi-tiles.png",
            )),
        SlideExpect::new("grid")
            .title("Fleet mix and incidents by site")
            .numbered(Some(FOOTER))
            .picture(picture(
                &ws.join("assets/fleet-mix.png"),
                [0, 0, 960, 540],
                "fleet-mix.png",
            ))
            .picture(picture(
                &ws.join("assets/site-heatmap.jpeg"),
                [0, 0, 800, 360],
                "site-heatmap.jpeg",
            ))
            .picture(picture(
                &dashboard,
                [592, 96, 592, 380],
                "incidents-dashboard.png",
            ))
            .picture(picture(
                &dashboard,
                [592, 492, 592, 292],
                "incidents-dashboard.png",
            )),
        SlideExpect::new("full")
            .notes("The full dashboard as published.\nFilters: all regions, all fleets.")
            .picture(picture(
                &dashboard,
                [0, 0, 1200, 800],
                "The whole Safety Overview dashboard",
            )),
    ];
    submit("offline-example", &ws.join("deck.pptx"), WIDE, &slides);
}

#[test]
fn the_same_inputs_build_byte_identical_decks() {
    let ws = Workspace::new();
    let spec = std::fs::read_to_string(common::repo().join("specs/offline-example.yaml")).unwrap();
    ws.write("offline-example.yaml", spec);
    ws.run(&["build", "offline-example.yaml", "-o", "first.pptx"])
        .expect_code(0);
    ws.run(&["build", "offline-example.yaml", "-o", "second.pptx"])
        .expect_code(0);
    let first = std::fs::read(ws.join("first.pptx")).unwrap();
    let second = std::fs::read(ws.join("second.pptx")).unwrap();
    assert!(first == second, "two builds of the same spec differ");
}

#[test]
fn standard_size_and_awkward_text_come_out_right() {
    let ws = Workspace::new();
    ws.write(
        "awkward.yaml",
        r#"version: 1
deck:
  title: "Q&A <Ops> \"fleet\" 'B'"
  size: "4:3"
  author: "Ops & Safety"
slides:
  - layout: title
    title: "Q&A <Ops> \"fleet\" 'B' 🚒 ✈\a end"
    subtitle: "tab\there · ü · 日本"
  - title: "Fleet <mix> & more"
    image: assets/fleet-mix.png
    crop: { left: 0.5, top: 0.0, right: 1.0, bottom: 1.0 }
    alt: "Right half <of> the \"fleet\" chart"
    notes: "Line one & <two>\x01\nLine two 🚒"
"#,
    );
    ws.run(&["build", "awkward.yaml", "-o", "awkward.pptx"])
        .expect_code(0);
    let slides = [
        SlideExpect::new("title")
            .title("Q&A <Ops> \"fleet\" 'B' 🚒 ✈ end")
            .subtitle("tab\there · ü · 日本"),
        SlideExpect::new("image")
            .title("Fleet <mix> & more")
            .numbered(None)
            .notes("Line one & <two>\nLine two 🚒")
            .picture(picture(
                &ws.join("assets/fleet-mix.png"),
                [480, 0, 480, 540],
                "Right half <of> the \"fleet\" chart",
            )),
    ];
    submit("awkward-text", &ws.join("awkward.pptx"), STANDARD, &slides);
}

#[test]
fn vars_and_built_in_dates_fill_templates() {
    let ws = Workspace::new();
    ws.write(
        "vars.yaml",
        r#"version: 1
deck: { title: "Deck {{month}}", footer: "{{team}} / {{today}}" }
vars: { month: "{{prev_month}}", team: Ops }
slides:
  - title: "Incidents {{month}} ({{prev_month_short}}, {{prev_month_start}} to {{prev_month_end}})"
    image: assets/fleet-mix.png
"#,
    );
    ws.run(&[
        "build",
        "vars.yaml",
        "--var",
        "team=Safety & Ops",
        "-o",
        "vars.pptx",
    ])
    .expect_code(0);
    let slides = [SlideExpect::new("image")
        .title("Incidents 2026-11 (Nov 2026, 2026-11-01 to 2026-11-30)")
        .numbered(Some("Safety & Ops / 2026-12-03"))
        .picture(picture(
            &ws.join("assets/fleet-mix.png"),
            [0, 0, 960, 540],
            "fleet-mix.png",
        ))];
    submit("vars", &ws.join("vars.pptx"), WIDE, &slides);
}

#[test]
fn output_defaults_to_the_spec_deck_output_relative_to_the_spec() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.join("out")).unwrap();
    ws.write(
        "nested/deck.yaml",
        "version: 1\ndeck: { output: \"../out/safety-{{m}}.pptx\" }\nvars: { m: nov }\n\
         slides:\n  - { title: A, image: ../assets/fleet-mix.png }\n",
    );
    ws.run(&["build", "nested/deck.yaml"]).expect_code(0);
    assert_eq!(ws.files("out"), vec!["safety-nov.pptx"]);
}

#[test]
fn check_validates_without_writing() {
    let ws = Workspace::new();
    let spec = std::fs::read_to_string(common::repo().join("specs/offline-example.yaml")).unwrap();
    ws.write("offline-example.yaml", spec);
    let run = ws.run(&["check", "offline-example.yaml"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        "offline-example.yaml: ok, 7 slides, 9 pictures\n"
    );
    assert!(!ws.files(".").iter().any(|f| f.ends_with(".pptx")));
}

#[test]
fn check_accepts_the_flagship_spec_without_network() {
    let ws = Workspace::new();
    let spec = std::fs::read_to_string(common::repo().join("specs/safety-monthly.yaml")).unwrap();
    ws.write("safety-monthly.yaml", spec);
    ws.run(&["check", "safety-monthly.yaml"]).expect_code(0);
}

#[test]
fn version_and_help_describe_the_tool() {
    let ws = Workspace::new();
    let version = ws.run(&["--version"]);
    version.expect_code(0);
    assert_eq!(
        version.stdout,
        format!("deckgen {}\n", env!("CARGO_PKG_VERSION"))
    );
    let help = ws.run(&["--help"]);
    help.expect_code(0);
    for command in ["build", "check"] {
        assert!(help.stdout.contains(command), "{}", help.stdout);
    }
    ws.run(&["build"]).expect_code(2);
}

/// Builds `spec` over an earlier deck and checks that it fails with `code`, says every
/// piece, and leaves the earlier deck and the folder exactly as they were.
fn fails_cleanly(spec: &str, code: i32, pieces: &[&str]) {
    let ws = Workspace::new();
    ws.write("deck.yaml", spec);
    ws.write("deck.pptx", b"earlier deck");
    let before = ws.files(".");
    ws.run(&["build", "deck.yaml", "-o", "deck.pptx"])
        .expect_code(code)
        .expect_stderr(pieces);
    assert_eq!(
        std::fs::read(ws.join("deck.pptx")).unwrap(),
        b"earlier deck"
    );
    assert_eq!(ws.files("."), before, "a failed build left files behind");
}

#[test]
fn malformed_yaml_names_the_line() {
    fails_cleanly(
        "version: 1\nslides:\n  - title: [unclosed\n    image: x.png\n",
        2,
        &["error: deck.yaml:", "not valid YAML", "hint:"],
    );
}

#[test]
fn unknown_keys_name_line_column_and_the_nearest_key() {
    fails_cleanly(
        "version: 1\nslides:\n  - title: A\n    image: assets/fleet-mix.png\n    \
         crop: { x: 1, y: 1, widht: 5, height: 5 }\n",
        2,
        &[
            "deck.yaml:5:25: unknown key `widht` in the crop of slide 1 (A)",
            "hint: the nearest valid key is `width`",
        ],
    );
}

#[test]
fn wrong_types_name_the_expected_type() {
    fails_cleanly(
        "version: 1\nslides:\n  - title: A\n    image: assets/fleet-mix.png\n    \
         crop: { x: left, y: 0, width: 5, height: 5 }\n",
        2,
        &[
            "deck.yaml:5:16: `x` of the crop of slide 1 (A) must be a whole number of pixels",
            "found `left`",
        ],
    );
    fails_cleanly(
        "version: 1\nslides: { title: A }\n",
        2,
        &["deck.yaml:2:9: `slides` must be a list, found a mapping"],
    );
}

#[test]
fn a_missing_image_file_names_the_slide_and_where_it_looked() {
    fails_cleanly(
        "version: 1\nslides:\n  - title: Fleet\n    image: assets/nope.png\n",
        2,
        &[
            "deck.yaml:4:12: image file `assets/nope.png` of slide 1 (Fleet) not found",
            "looked for",
        ],
    );
}

#[test]
fn a_corrupt_png_fails_the_build_and_keeps_the_earlier_deck() {
    let ws = Workspace::new();
    let mut bytes = std::fs::read(ws.join("assets/fleet-mix.png")).unwrap();
    let len = bytes.len();
    bytes[len / 2..len - 20].fill(0x5a);
    ws.write("assets/broken.png", &bytes);
    ws.write("assets/garbage.png", b"this is not an image");
    ws.write(
        "deck.yaml",
        "version: 1\nslides:\n  - { title: Good, image: assets/fleet-mix.png }\n  \
         - { title: Broken, image: assets/broken.png, \
         crop: { x: 0, y: 0, width: 10, height: 10 } }\n",
    );
    ws.write("deck.pptx", b"earlier deck");
    ws.run(&["build", "deck.yaml", "-o", "deck.pptx"])
        .expect_code(1)
        .expect_stderr(&["slide 2 (Broken): image assets/broken.png: the image data is damaged"]);
    assert_eq!(
        std::fs::read(ws.join("deck.pptx")).unwrap(),
        b"earlier deck"
    );
    assert!(
        !ws.files(".").iter().any(|f| f.contains("partial")),
        "{:?}",
        ws.files(".")
    );

    ws.write(
        "deck.yaml",
        "version: 1\nslides:\n  - { title: Junk, image: assets/garbage.png }\n",
    );
    ws.run(&["build", "deck.yaml", "-o", "deck.pptx"])
        .expect_code(1)
        .expect_stderr(&["slide 1 (Junk): image assets/garbage.png: not a PNG or JPEG image"]);
}

#[test]
fn a_crop_outside_the_image_names_slide_crop_and_size() {
    fails_cleanly(
        "version: 1\nslides:\n  - title: Fleet\n    image: assets/fleet-mix.png\n    \
         crop: { x: 900, y: 0, width: 100, height: 50 }\n",
        2,
        &["slide 1 (Fleet): image assets/fleet-mix.png: the crop \
             { x: 900, y: 0, width: 100, height: 50 } reaches past the 960 x 540 px image"],
    );
}

#[test]
fn an_undefined_variable_names_the_slide_and_the_variable() {
    fails_cleanly(
        "version: 1\nvars: { month: Nov }\nslides:\n  - title: \"Incidents {{monht}}\"\n    \
         image: assets/fleet-mix.png\n",
        2,
        &[
            "deck.yaml:4:12: undefined variable `monht` in `title` of slide 3",
            "did you mean `month`?",
        ]
        .map(|p| {
            if p.contains("slide 3") {
                "undefined variable `monht` in `title` of slide 1"
            } else {
                p
            }
        }),
    );
}

#[test]
fn a_missing_output_folder_is_refused_before_any_work() {
    let ws = Workspace::new();
    ws.write(
        "deck.yaml",
        "version: 1\nslides:\n  - { title: A, image: assets/fleet-mix.png }\n",
    );
    ws.run(&["build", "deck.yaml", "-o", "missing/deck.pptx"])
        .expect_code(2)
        .expect_stderr(&[
            "the output folder missing does not exist",
            "hint: create it first",
        ]);
    assert!(!ws.join("missing").exists());
}

#[test]
fn every_problem_of_a_spec_is_reported_at_once() {
    let ws = Workspace::new();
    ws.write(
        "deck.yaml",
        "version: 1\ndeck: { titel: X, size: \"3:2\" }\nslides:\n  - title: A\n    \
         layot: image\n    image: assets/nope.png\n  - title: \"{{nothing}}\"\n    \
         image: assets/fleet-mix.png\n    trim: sometimes\n",
    );
    let run = ws.run(&["check", "deck.yaml"]);
    run.expect_code(2).expect_stderr(&[
        "deck.yaml:2:9: unknown key `titel`",
        "deck.yaml:2:25: unknown slide size `3:2`",
        "deck.yaml:5:5: unknown key `layot`",
        "deck.yaml:6:12: image file `assets/nope.png`",
        "deck.yaml:7:12: undefined variable `nothing`",
        "deck.yaml:9:11: `trim` of slide 2",
        "6 problems; nothing was written",
    ]);
}

#[test]
fn layout_mismatches_list_the_layouts() {
    fails_cleanly(
        "version: 1\nslides:\n  - { title: A, layout: tow-up, image: assets/fleet-mix.png }\n  \
         - { title: B, layout: two-up, image: assets/fleet-mix.png }\n",
        2,
        &[
            "slide 1 (A): unknown layout `tow-up`",
            "did you mean `two-up`?",
            "slide 2 (B): layout `two-up` takes 2 pictures, the slide has 1",
        ],
    );
}

#[test]
fn preview_draws_each_crop_on_its_source() {
    let ws = Workspace::new();
    let spec = std::fs::read_to_string(common::repo().join("specs/offline-example.yaml")).unwrap();
    ws.write("offline-example.yaml", spec);
    let run = ws.run(&["preview", "offline-example.yaml", "--out", "preview"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("preview/01-assets-incidents-dashboard-png.png: 3 crops"),
        "{}",
        run.stdout
    );
    let drawn = image::open(ws.join("preview/01-assets-incidents-dashboard-png.png"))
        .unwrap()
        .to_rgb8();
    let source = image::open(ws.join("assets/incidents-dashboard.png"))
        .unwrap()
        .to_rgb8();
    assert_eq!(drawn.dimensions(), source.dimensions());
    // The "Incidents by fleet" crop (16, 96, 560, 688) is outlined 3 px wide in orange.
    let orange = image::Rgb([230, 85, 13]);
    for (x, y) in [
        (17, 300),
        (16 + 560 - 2, 300),
        (300, 97),
        (300, 96 + 688 - 2),
    ] {
        assert_eq!(*drawn.get_pixel(x, y), orange, "no crop edge at ({x}, {y})");
    }
    assert_ne!(
        *drawn.get_pixel(300, 300),
        orange,
        "the crop's inside is painted"
    );
    assert_eq!(drawn.get_pixel(1199, 799), source.get_pixel(1199, 799));
}

#[test]
fn picture_keys_without_a_picture_and_view_options_on_files_are_refused() {
    fails_cleanly(
        "version: 1\nslides:\n  - title: A\n    crop: { x: 0, y: 0, width: 5, height: 5 }\n  \
         - title: B\n    image: assets/fleet-mix.png\n    filters: { Region: North }\n",
        2,
        &[
            "deck.yaml:4:11: `crop` in slide 1 (A), which has no picture",
            "deck.yaml:7:14: `filters` in slide 2 (B) has no effect on a local image",
        ],
    );
}
