//! Loading a spec: walks the YAML tree, checks every key and type, renders templates, and
//! collects all problems before giving up.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use super::vars::{Builtins, Renderer, TemplateProblem};
use super::yaml::{self, Node, Pos, Value};
use super::{
    Crop, Deck, Picture, Resolution, Server, Slide, SlideSize, Source, Spec, ViewOptions, ViewRef,
};
use crate::diag::{Diagnostic, Location, nearest};

const TOP_KEYS: &[&str] = &["version", "deck", "vars", "server", "defaults", "slides"];
const DECK_KEYS: &[&str] = &["title", "output", "template", "size", "author", "footer"];
const SERVER_KEYS: &[&str] = &["url", "site", "api_version", "auth", "ca_cert"];
const AUTH_KEYS: &[&str] = &["token_name_env", "token_secret_env"];
/// Keys of a picture besides the view options.
const PICTURE_KEYS: &[&str] = &["image", "view", "project", "crop", "trim", "alt"];
const SLIDE_TEXT_KEYS: &[&str] = &["layout", "title", "subtitle", "notes", "images"];
const CROP_KEYS: &[&str] = &[
    "x", "y", "width", "height", "left", "top", "right", "bottom", "sheet", "pad",
];
const VIEW_KEYS: &[&str] = &["id"];
/// Keys that only mean something for a Tableau view.
const VIEW_OPTION_KEYS: &[&str] = &[
    "filters",
    "parameters",
    "resolution",
    "max_age",
    "viz_width",
    "viz_height",
];

/// Every problem found in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors {
    /// The problems, in the order they appear in the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diag) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diag}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// Reads and validates the spec at `path`, with `--var` overrides.
pub fn load(
    path: &Path,
    overrides: &[(String, String)],
    builtins: &Builtins,
) -> Result<Spec, SpecErrors> {
    let text = std::fs::read_to_string(path).map_err(|err| SpecErrors {
        diagnostics: vec![
            Diagnostic::new(format!("cannot read spec file {}: {err}", path.display()))
                .hint("check the path; specs are YAML files such as specs/safety-monthly.yaml"),
        ],
    })?;
    load_str(&text, path, overrides, builtins)
}

/// Validates spec text as if it were read from `path`.
pub fn load_str(
    text: &str,
    path: &Path,
    overrides: &[(String, String)],
    builtins: &Builtins,
) -> Result<Spec, SpecErrors> {
    let root = yaml::parse(text).map_err(|err| SpecErrors {
        diagnostics: vec![
            Diagnostic::new(format!("the spec is not valid YAML: {}", err.message))
                .at(Location::new(path, err.pos.line, err.pos.column))
                .hint("check indentation and that every `{`, `[` and quote is closed"),
        ],
    })?;
    let mut loader = Loader {
        file: path,
        diags: Vec::new(),
        renderer: Renderer::new(BTreeMap::new()),
    };
    let spec = loader.spec(&root, overrides, builtins);
    let mut diagnostics = loader.diags;
    diagnostics.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
    match spec {
        Some(spec) if diagnostics.is_empty() => Ok(spec),
        _ => Err(SpecErrors { diagnostics }),
    }
}

/// The keys of one mapping, checked against the keys it may have.
struct Fields<'n> {
    entries: Vec<(&'n str, &'n Node)>,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, node)| *k == key && node.value != Value::Null)
            .map(|(_, node)| *node)
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The first of `keys` that is set, with where it is.
    fn first_of<'k>(&self, keys: impl IntoIterator<Item = &'k &'k str>) -> Option<(&'k str, Pos)> {
        keys.into_iter()
            .find_map(|key| self.get(key).map(|n| (*key, n.pos)))
    }
}

struct Loader<'a> {
    file: &'a Path,
    diags: Vec<Diagnostic>,
    renderer: Renderer,
}

impl Loader<'_> {
    fn error(&mut self, pos: Pos, message: String, hint: Option<String>) {
        let mut diag = Diagnostic::new(message).at(Location::new(self.file, pos.line, pos.column));
        diag.hint = hint;
        self.diags.push(diag);
    }

    fn mapping<'n>(&mut self, node: &'n Node, what: &str, keys: &[&str]) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            let found = node.kind();
            self.error(
                node.pos,
                format!("{what} must be a mapping, found {found}"),
                None,
            );
            return None;
        };
        let mut fields = Fields {
            entries: Vec::new(),
        };
        for (key, value) in entries {
            let Some(name) = key.scalar() else {
                self.error(key.pos, format!("keys of {what} must be plain names"), None);
                continue;
            };
            if !keys.contains(&name) {
                let hint = match nearest(name, keys.iter().copied()) {
                    Some(near) => format!("the nearest valid key is `{near}`"),
                    None => format!("valid keys here: {}", keys.join(", ")),
                };
                self.error(
                    key.pos,
                    format!("unknown key `{name}` in {what}"),
                    Some(hint),
                );
                continue;
            }
            if fields.entries.iter().any(|(k, _)| *k == name) {
                self.error(
                    key.pos,
                    format!("key `{name}` appears twice in {what}"),
                    None,
                );
                continue;
            }
            fields.entries.push((name, value));
        }
        Some(fields)
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Value::Scalar { text, .. } => Some(text.clone()),
            Value::Null => None,
            _ => {
                let found = node.kind();
                self.error(
                    node.pos,
                    format!("{what} must be a string, found {found}"),
                    None,
                );
                None
            }
        }
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        let template = self.text(node, what)?;
        self.render(&template, node.pos, what)
    }

    fn render(&mut self, template: &str, pos: Pos, what: &str) -> Option<String> {
        match self.renderer.render(template) {
            Ok(text) => Some(text),
            Err(TemplateProblem::Undefined(name)) => {
                let known: Vec<&str> = self.renderer.vars().keys().map(String::as_str).collect();
                let hint = match nearest(&name, known.iter().copied()) {
                    Some(near) => format!(
                        "did you mean `{near}`? else define `{name}` under `vars:` or pass \
                         --var {name}=VALUE"
                    ),
                    None => format!("define `{name}` under `vars:` or pass --var {name}=VALUE"),
                };
                self.error(
                    pos,
                    format!("undefined variable `{name}` in {what}"),
                    Some(hint),
                );
                None
            }
            Err(TemplateProblem::Syntax(reason)) => {
                let hint = "variables are written `{{name}}`; a literal `{{` is written `\\{{`";
                self.error(
                    pos,
                    format!("bad template in {what}: {reason}"),
                    Some(hint.into()),
                );
                None
            }
        }
    }

    fn field_string(&mut self, fields: &Fields, key: &str, what: &str) -> Option<String> {
        let node = fields.get(key)?;
        self.string(node, &format!("`{key}` of {what}"))
    }

    fn number<T: std::str::FromStr>(&mut self, node: &Node, what: &str, kind: &str) -> Option<T> {
        let text = self.string(node, what)?;
        match text.trim().parse::<T>() {
            Ok(value) => Some(value),
            Err(_) => {
                self.error(
                    node.pos,
                    format!("{what} must be {kind}, found `{text}`"),
                    None,
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.scalar() {
            Some("true" | "True" | "TRUE" | "yes") => Some(true),
            Some("false" | "False" | "FALSE" | "no") => Some(false),
            _ => {
                let found = node.kind();
                self.error(
                    node.pos,
                    format!("{what} must be true or false, found {found}"),
                    None,
                );
                None
            }
        }
    }

    fn string_map(&mut self, node: &Node, what: &str) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        let Value::Map(entries) = &node.value else {
            let found = node.kind();
            let hint = "write it as `{ Field: value }`".to_string();
            self.error(
                node.pos,
                format!("{what} must be a mapping, found {found}"),
                Some(hint),
            );
            return map;
        };
        for (key, value) in entries {
            let Some(name) = self.string(key, what) else {
                continue;
            };
            let entry = format!("`{name}` in {what}");
            if let Some(value) = self.string(value, &entry) {
                map.insert(name, value);
            }
        }
        map
    }

    fn spec(
        &mut self,
        root: &Node,
        overrides: &[(String, String)],
        builtins: &Builtins,
    ) -> Option<Spec> {
        let fields = self.mapping(root, "the spec", TOP_KEYS)?;

        match fields.get("version") {
            Some(node) if node.scalar() == Some("1") => {}
            Some(node) => {
                let found = node.scalar().unwrap_or("a non-number").to_string();
                let hint = "this deckgen reads `version: 1` specs".to_string();
                self.error(
                    node.pos,
                    format!("unsupported spec version `{found}`"),
                    Some(hint),
                );
            }
            None => self.error(
                root.pos,
                "the spec has no `version`".into(),
                Some("add `version: 1` at the top of the file".into()),
            ),
        }

        let vars = self.vars(fields.get("vars"), overrides, builtins);
        self.renderer = Renderer::new(vars.clone());
        let base_dir = self
            .file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();

        let deck = self.deck(fields.get("deck"), &base_dir);
        let server = fields
            .get("server")
            .and_then(|node| self.server(node, &base_dir));
        let defaults = match fields.get("defaults") {
            Some(node) => self
                .mapping(node, "`defaults`", VIEW_OPTION_KEYS)
                .map(|f| self.view_options(&f, "`defaults`"))
                .unwrap_or_default(),
            None => ViewOptions::default(),
        };
        let slides = self.slides(fields.get("slides"), root.pos, &base_dir);

        if server.is_none() && !fields.has("server") {
            let first_view = slides
                .iter()
                .flat_map(|s| s.images.iter().map(move |p| (s, p)))
                .find(|(_, picture)| matches!(picture.source, Source::View(_)));
            if let Some((slide, picture)) = first_view {
                let message = format!(
                    "{} uses a Tableau view, but the spec has no `server` section",
                    slide.describe()
                );
                let hint = "add `server: { url: https://tableau.example.com, site: mysite }`";
                self.error(
                    Pos {
                        line: picture.line,
                        column: 1,
                    },
                    message,
                    Some(hint.into()),
                );
            }
        }

        Some(Spec {
            path: self.file.to_path_buf(),
            base_dir,
            deck: deck?,
            vars,
            server,
            defaults,
            slides,
        })
    }

    fn vars(
        &mut self,
        node: Option<&Node>,
        overrides: &[(String, String)],
        builtins: &Builtins,
    ) -> BTreeMap<String, String> {
        // Variable values may use the built-ins (`month: "{{prev_month}}"`), not each other.
        self.renderer = Renderer::new(builtins.vars().clone());
        let mut vars = builtins.vars().clone();
        let mut declared = Vec::new();
        if let Some(node) = node {
            if let Value::Map(entries) = &node.value {
                for (key, value) in entries {
                    let Some(name) = key.scalar() else { continue };
                    declared.push((name.to_string(), value));
                }
            } else {
                let found = node.kind();
                self.error(
                    node.pos,
                    format!("`vars` must be a mapping, found {found}"),
                    None,
                );
            }
        }
        for (name, value) in declared {
            if overrides.iter().any(|(k, _)| *k == name) {
                continue;
            }
            if let Some(text) = self.string(value, &format!("variable `{name}`")) {
                vars.insert(name, text);
            }
        }
        for (name, value) in overrides {
            match self.renderer.render(value) {
                Ok(text) => {
                    vars.insert(name.clone(), text);
                }
                Err(_) => {
                    self.diags.push(Diagnostic::new(format!(
                        "--var {name}: the value `{value}` is not a valid template"
                    )));
                }
            }
        }
        vars
    }

    fn deck(&mut self, node: Option<&Node>, base_dir: &Path) -> Option<Deck> {
        let mut deck = Deck {
            title: None,
            output: None,
            template: "default".into(),
            size: SlideSize::Wide,
            author: None,
            footer: None,
        };
        let Some(node) = node else { return Some(deck) };
        let fields = self.mapping(node, "`deck`", DECK_KEYS)?;
        deck.title = self.field_string(&fields, "title", "`deck`");
        deck.author = self.field_string(&fields, "author", "`deck`");
        deck.footer = self.field_string(&fields, "footer", "`deck`");
        deck.output = self
            .field_string(&fields, "output", "`deck`")
            .map(|o| base_dir.join(o));
        if let Some(template) = self.field_string(&fields, "template", "`deck`") {
            deck.template = template;
        }
        if let Some(size_node) = fields.get("size") {
            match self.string(size_node, "`size` of `deck`").as_deref() {
                Some("16:9") => deck.size = SlideSize::Wide,
                Some("4:3") => deck.size = SlideSize::Standard,
                Some(other) => self.error(
                    size_node.pos,
                    format!("unknown slide size `{other}`"),
                    Some("write `size: \"16:9\"` or `size: \"4:3\"` (quoted)".into()),
                ),
                None => {}
            }
        }
        Some(deck)
    }

    fn server(&mut self, node: &Node, base_dir: &Path) -> Option<Server> {
        let fields = self.mapping(node, "`server`", SERVER_KEYS)?;
        let Some(url_node) = fields.get("url") else {
            let hint = "add `url: https://tableau.example.com` under `server`".to_string();
            self.error(node.pos, "`server` has no `url`".into(), Some(hint));
            return None;
        };
        let url = self.string(url_node, "`url` of `server`")?;
        let url = url.trim_end_matches('/').to_string();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            let hint = "write the address with its scheme, e.g. https://tableau.example.com";
            self.error(
                url_node.pos,
                format!("server url `{url}` is not an http(s) URL"),
                Some(hint.into()),
            );
        }
        let site = self
            .field_string(&fields, "site", "`server`")
            .unwrap_or_default();
        let api_version = self.field_string(&fields, "api_version", "`server`");
        if let (Some(version), Some(version_node)) = (&api_version, fields.get("api_version")) {
            let well_formed = version.split_once('.').is_some_and(|(major, minor)| {
                major.parse::<u32>().is_ok() && minor.parse::<u32>().is_ok()
            });
            if !well_formed {
                let hint = "write it as major.minor in quotes, e.g. \"3.21\"".to_string();
                self.error(
                    version_node.pos,
                    format!("bad api_version `{version}`"),
                    Some(hint),
                );
            }
        }
        let ca_cert = self
            .field_string(&fields, "ca_cert", "`server`")
            .map(|p| base_dir.join(p));
        let mut server = Server {
            url,
            site,
            api_version,
            token_name_env: "TABLEAU_PAT_NAME".into(),
            token_secret_env: "TABLEAU_PAT_SECRET".into(),
            ca_cert,
        };
        if let Some(auth_node) = fields.get("auth")
            && let Some(auth) = self.mapping(auth_node, "`server.auth`", AUTH_KEYS)
        {
            if let Some(name) = self.field_string(&auth, "token_name_env", "`server.auth`") {
                server.token_name_env = name;
            }
            if let Some(name) = self.field_string(&auth, "token_secret_env", "`server.auth`") {
                server.token_secret_env = name;
            }
        }
        Some(server)
    }

    fn view_options(&mut self, fields: &Fields, what: &str) -> ViewOptions {
        let mut options = ViewOptions::default();
        if let Some(node) = fields.get("resolution") {
            match self
                .string(node, &format!("`resolution` of {what}"))
                .as_deref()
            {
                Some("high") => options.resolution = Some(Resolution::High),
                Some("standard") => options.resolution = Some(Resolution::Standard),
                Some(other) => self.error(
                    node.pos,
                    format!("unknown resolution `{other}` in {what}"),
                    Some("use `high` or `standard`".into()),
                ),
                None => {}
            }
        }
        if let Some(node) = fields.get("max_age") {
            options.max_age = self.number(
                node,
                &format!("`max_age` of {what}"),
                "a whole number of minutes",
            );
        }
        if let Some(node) = fields.get("filters") {
            options.filters = self.string_map(node, &format!("`filters` of {what}"));
        }
        if let Some(node) = fields.get("parameters") {
            options.parameters = self.string_map(node, &format!("`parameters` of {what}"));
        }
        match (fields.get("viz_width"), fields.get("viz_height")) {
            (Some(w), Some(h)) => {
                let kind = "a whole number of pixels";
                let width = self.number(w, &format!("`viz_width` of {what}"), kind);
                let height = self.number(h, &format!("`viz_height` of {what}"), kind);
                options.viz_size = width.zip(height);
            }
            (Some(one), None) | (None, Some(one)) => self.error(
                one.pos,
                format!("{what} sets only one of `viz_width` and `viz_height`"),
                Some("Tableau takes both or neither".into()),
            ),
            (None, None) => {}
        }
        options
    }

    fn slides(&mut self, node: Option<&Node>, root_pos: Pos, base_dir: &Path) -> Vec<Slide> {
        let Some(node) = node else {
            let hint = "add a `slides:` list with one entry per slide".to_string();
            self.error(root_pos, "the spec has no `slides`".into(), Some(hint));
            return Vec::new();
        };
        let Value::Seq(items) = &node.value else {
            let found = node.kind();
            let hint = "start each slide with `- ` under `slides:`".to_string();
            self.error(
                node.pos,
                format!("`slides` must be a list, found {found}"),
                Some(hint),
            );
            return Vec::new();
        };
        if items.is_empty() {
            self.error(node.pos, "`slides` is empty".into(), None);
        }
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.slide(item, i + 1, base_dir))
            .collect()
    }

    fn slide(&mut self, node: &Node, number: usize, base_dir: &Path) -> Option<Slide> {
        let raw_title = match &node.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.scalar() == Some("title"))
                .and_then(|(_, v)| v.scalar().map(str::to_string)),
            _ => None,
        };
        let what = match &raw_title {
            Some(title) => format!("slide {number} ({title})"),
            None => format!("slide {number}"),
        };
        let keys: Vec<&str> = SLIDE_TEXT_KEYS
            .iter()
            .chain(PICTURE_KEYS)
            .chain(VIEW_OPTION_KEYS)
            .copied()
            .collect();
        let fields = self.mapping(node, &what, &keys)?;

        let mut slide = Slide {
            number,
            line: node.pos.line,
            layout: self.field_string(&fields, "layout", &what),
            title: self.field_string(&fields, "title", &what),
            subtitle: self.field_string(&fields, "subtitle", &what),
            notes: self.field_string(&fields, "notes", &what),
            images: Vec::new(),
        };

        let single = fields.has("image") || fields.has("view");
        match fields.get("images") {
            Some(list) if single => {
                let hint = "put every picture in `images:`, or use `image:`/`view:` for one";
                self.error(
                    list.pos,
                    format!("{what} has both `images` and a single `image`/`view`"),
                    Some(hint.into()),
                );
            }
            Some(list) => {
                let Value::Seq(items) = &list.value else {
                    let found = list.kind();
                    self.error(
                        list.pos,
                        format!("`images` of {what} must be a list, found {found}"),
                        None,
                    );
                    return Some(slide);
                };
                for (i, item) in items.iter().enumerate() {
                    let item_what = format!("image {} of {what}", i + 1);
                    let keys: Vec<&str> = PICTURE_KEYS
                        .iter()
                        .chain(VIEW_OPTION_KEYS)
                        .copied()
                        .collect();
                    if let Some(item_fields) = self.mapping(item, &item_what, &keys) {
                        let picture = self.picture(&item_fields, item, &item_what, base_dir);
                        slide.images.extend(picture);
                    }
                }
            }
            None if single => {
                slide
                    .images
                    .extend(self.picture(&fields, node, &what, base_dir));
            }
            None => {
                let picture_keys = ["crop", "trim", "alt"].iter().chain(VIEW_OPTION_KEYS);
                if let Some((key, pos)) = fields.first_of(picture_keys) {
                    let hint = "add `image: path.png` or `view: \"Workbook/View\"` to the slide";
                    self.error(
                        pos,
                        format!("`{key}` in {what}, which has no picture"),
                        Some(hint.into()),
                    );
                }
            }
        }
        Some(slide)
    }

    fn picture(
        &mut self,
        fields: &Fields,
        node: &Node,
        what: &str,
        base_dir: &Path,
    ) -> Option<Picture> {
        let source = match (fields.get("image"), fields.get("view")) {
            (Some(image), Some(view)) => {
                let pos = image.pos.max_by_line(view.pos);
                let hint = "one picture takes one source; use `images:` for several";
                self.error(
                    pos,
                    format!("{what} has both `image` and `view`"),
                    Some(hint.into()),
                );
                return None;
            }
            (Some(image), None) => {
                let path = self.string(image, &format!("`image` of {what}"))?;
                let resolved = base_dir.join(&path);
                if !resolved.is_file() {
                    let hint = format!(
                        "image paths are relative to the spec's folder; looked for {}",
                        resolved.display()
                    );
                    self.error(
                        image.pos,
                        format!("image file `{path}` of {what} not found"),
                        Some(hint),
                    );
                    return None;
                }
                Source::File(resolved)
            }
            (None, Some(view)) => Source::View(self.view_ref(view, fields, what)?),
            (None, None) => {
                let hint = "give each entry `image: path.png` or `view: \"Workbook/View\"`";
                self.error(
                    node.pos,
                    format!("{what} has no `image` or `view`"),
                    Some(hint.into()),
                );
                return None;
            }
        };
        if fields.has("project") && !matches!(source, Source::View(ViewRef::Name { .. })) {
            let pos = fields.get("project").map_or(node.pos, |n| n.pos);
            let hint = "`project` narrows a view given as \"Workbook/View\"";
            self.error(
                pos,
                format!("`project` in {what} has no view name to narrow"),
                Some(hint.into()),
            );
        }
        let crop = fields.get("crop").and_then(|c| self.crop(c, what));
        if let (Some(Crop::Sheet { .. }), Source::File(_)) = (&crop, &source) {
            let pos = fields.get("crop").map_or(node.pos, |n| n.pos);
            let hint = "crop a local image with pixels {x, y, width, height} or fractions";
            self.error(
                pos,
                format!("`crop: {{ sheet }}` in {what} needs a Tableau view"),
                Some(hint.into()),
            );
        }
        let trim = match fields.get("trim") {
            Some(t) => self
                .boolean(t, &format!("`trim` of {what}"))
                .unwrap_or(false),
            None => false,
        };
        let view_options = self.view_options(fields, what);
        if matches!(source, Source::File(_))
            && let Some((key, pos)) = fields.first_of(VIEW_OPTION_KEYS)
        {
            let hint = "filters and render options apply to Tableau views only";
            self.error(
                pos,
                format!("`{key}` in {what} has no effect on a local image"),
                Some(hint.into()),
            );
        }
        Some(Picture {
            source,
            crop,
            trim,
            alt: self.field_string(fields, "alt", what),
            view_options,
            line: node.pos.line,
        })
    }

    fn view_ref(&mut self, node: &Node, fields: &Fields, what: &str) -> Option<ViewRef> {
        if let Value::Map(_) = node.value {
            let view_fields = self.mapping(node, &format!("`view` of {what}"), VIEW_KEYS)?;
            let Some(id) = self.field_string(&view_fields, "id", &format!("`view` of {what}"))
            else {
                self.error(node.pos, format!("`view` of {what} has no `id`"), None);
                return None;
            };
            return Some(ViewRef::Id(id));
        }
        let text = self.string(node, &format!("`view` of {what}"))?;
        if text.contains("/sheets/") {
            return Some(ViewRef::ContentUrl(text));
        }
        match text.split_once('/') {
            Some((workbook, view))
                if !workbook.is_empty() && !view.is_empty() && !view.contains('/') =>
            {
                let project = self.field_string(fields, "project", what);
                Some(ViewRef::Name {
                    workbook: workbook.into(),
                    view: view.into(),
                    project,
                })
            }
            _ => {
                let hint = "write \"Workbook/View\", a content URL \"Workbook/sheets/View\", \
                            or { id: VIEW-LUID }";
                self.error(
                    node.pos,
                    format!("cannot read the view `{text}` of {what}"),
                    Some(hint.into()),
                );
                None
            }
        }
    }

    fn crop(&mut self, node: &Node, what: &str) -> Option<Crop> {
        let crop_what = format!("the crop of {what}");
        let fields = self.mapping(node, &crop_what, CROP_KEYS)?;
        let pixel_keys = ["x", "y", "width", "height"];
        let fraction_keys = ["left", "top", "right", "bottom"];
        let forms = [
            pixel_keys.iter().any(|k| fields.has(k)),
            fraction_keys.iter().any(|k| fields.has(k)),
            fields.has("sheet"),
        ];
        let hint = "a crop is { x, y, width, height } in pixels, { left, top, right, bottom } \
                    in fractions, or { sheet: NAME }";
        if forms.iter().filter(|f| **f).count() != 1 {
            let message = if forms.iter().any(|f| *f) {
                format!("{crop_what} mixes pixel, fraction and sheet keys")
            } else {
                format!("{crop_what} is empty")
            };
            self.error(node.pos, message, Some(hint.into()));
            return None;
        }
        if fields.has("pad") && !fields.has("sheet") {
            let pos = fields.get("pad").map_or(node.pos, |n| n.pos);
            self.error(
                pos,
                format!("`pad` in {crop_what} goes with `sheet`"),
                Some(hint.into()),
            );
        }

        if forms[2] {
            let name = self.field_string(&fields, "sheet", &crop_what)?;
            let pad = match fields.get("pad") {
                Some(p) => self.number(
                    p,
                    &format!("`pad` of {crop_what}"),
                    "a whole number of pixels",
                )?,
                None => 0,
            };
            return Some(Crop::Sheet { name, pad });
        }

        let keys = if forms[0] { pixel_keys } else { fraction_keys };
        let missing: Vec<&str> = keys.iter().copied().filter(|k| !fields.has(k)).collect();
        if !missing.is_empty() {
            let message = format!("{crop_what} lacks `{}`", missing.join("`, `"));
            self.error(node.pos, message, Some(hint.into()));
            return None;
        }
        if forms[0] {
            let mut values = [0u32; 4];
            for (slot, key) in values.iter_mut().zip(keys) {
                let value_node = fields.get(key)?;
                let what = format!("`{key}` of {crop_what}");
                *slot = self.number(value_node, &what, "a whole number of pixels, 0 or more")?;
            }
            let [x, y, width, height] = values;
            if width == 0 || height == 0 {
                self.error(node.pos, format!("{crop_what} has no area"), None);
                return None;
            }
            return Some(Crop::Pixels {
                x,
                y,
                width,
                height,
            });
        }
        let mut values = [0f64; 4];
        for (slot, key) in values.iter_mut().zip(keys) {
            let value_node = fields.get(key)?;
            let what = format!("`{key}` of {crop_what}");
            let value: f64 = self.number(value_node, &what, "a fraction from 0 to 1")?;
            if !(0.0..=1.0).contains(&value) {
                let hint = "fractions run from 0 (left or top edge) to 1 (right or bottom edge)";
                self.error(
                    value_node.pos,
                    format!("{what} is {value}, outside 0 to 1"),
                    Some(hint.into()),
                );
                return None;
            }
            *slot = value;
        }
        let [left, top, right, bottom] = values;
        if left >= right || top >= bottom {
            let hint = "`left` must be less than `right`, and `top` less than `bottom`";
            self.error(
                node.pos,
                format!("{crop_what} has no area"),
                Some(hint.into()),
            );
            return None;
        }
        Some(Crop::Fraction {
            left,
            top,
            right,
            bottom,
        })
    }
}

impl Pos {
    fn max_by_line(self, other: Pos) -> Pos {
        if (other.line, other.column) > (self.line, self.column) {
            other
        } else {
            self
        }
    }
}
