//! The build: plan every slide against the base package, then process pictures and write
//! the package slide by slide.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Location, nearest};
use crate::fetch::{self, Arrival, FetchOptions, Fetched, User};
use image::DynamicImage;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::imaging::{self, Encoded, ImageInfo, PixelBox};
use crate::layout::{self, Rect};
use crate::pptx::base::{BaseError, builtin_names};
use crate::pptx::{BasePackage, Content, DocProps, Layout, Package, PlaceholderRef, WriteError};
use crate::spec::ViewRef;
use crate::spec::{Crop, Picture, Slide, Source, Spec};
use crate::tableau::twb::{self, Workbook};
use crate::tableau::{ImageRequest, View};
use std::collections::HashMap;

/// Space between the cells of a picture grid: 0.2 in.
const GRID_GAP: layout::Emu = 182_880;

/// The creation time written when `SOURCE_DATE_EPOCH` is not set: 1980-01-01T00:00:00Z, the
/// same instant the zip entries carry.
const FIXED_TIMESTAMP: i64 = 315_532_800;

/// Why a build or check failed: every problem found, and whether the input was at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// True when the spec or its inputs are wrong (exit 2); false for failures while
    /// building (exit 1).
    pub bad_input: bool,
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildError {
    fn input(diagnostics: Vec<Diagnostic>) -> BuildError {
        BuildError {
            bad_input: true,
            diagnostics,
        }
    }

    fn failure(diagnostics: Vec<Diagnostic>) -> BuildError {
        BuildError {
            bad_input: false,
            diagnostics,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.diagnostics.iter().map(ToString::to_string).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

impl std::error::Error for BuildError {}

/// Where one picture's pixels come from, once checked.
#[derive(Debug, Clone, PartialEq)]
pub enum PictureSource {
    /// A local image with its header read and its crop resolved.
    File {
        path: PathBuf,
        info: ImageInfo,
        region: PixelBox,
    },
    /// A Tableau view, rendered at build time.
    View(ImageRequest),
}

/// One picture of a planned slide.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedPicture<'s> {
    /// The spec's picture.
    pub picture: &'s Picture,
    /// Where its pixels come from.
    pub source: PictureSource,
    /// Alt text.
    pub alt: String,
    /// The area it is fitted into.
    pub area: Rect,
}

/// One slide, checked against its layout.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSlide<'s> {
    /// The spec's slide.
    pub slide: &'s Slide,
    /// Index into the base package's layouts.
    pub layout: usize,
    /// Its pictures, in order.
    pub pictures: Vec<PlannedPicture<'s>>,
}

/// Everything a build needs, checked before a byte is written.
#[derive(Debug, Clone)]
pub struct Plan<'s> {
    /// The base package the slides sit on.
    pub base: BasePackage,
    /// The slides.
    pub slides: Vec<PlannedSlide<'s>>,
}

impl Plan<'_> {
    /// Number of pictures in the deck.
    pub fn picture_count(&self) -> usize {
        self.slides.iter().map(|s| s.pictures.len()).sum()
    }
}

/// The layout a slide gets when its spec names none.
fn default_layout(pictures: usize) -> &'static str {
    match pictures {
        0 => "section",
        1 => "image",
        2 => "two-up",
        _ => "grid",
    }
}

fn display_path(spec: &Spec, path: &Path) -> String {
    path.strip_prefix(&spec.base_dir)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Collects problems, each tagged as bad input or build failure.
struct Problems<'s> {
    spec: &'s Spec,
    input: Vec<Diagnostic>,
    failures: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn at(&self, line: usize) -> Location {
        Location::new(&self.spec.path, line, 1)
    }

    /// `value` when nothing was found; else every problem, as bad input if any input
    /// problem is among them.
    fn into_result<T>(mut self, value: T) -> Result<T, BuildError> {
        if !self.input.is_empty() {
            self.input.append(&mut self.failures);
            return Err(BuildError::input(self.input));
        }
        if !self.failures.is_empty() {
            return Err(BuildError::failure(self.failures));
        }
        Ok(value)
    }
}

/// Checks every slide of `spec` against its layout and every local image against its crop.
pub fn plan(spec: &Spec) -> Result<Plan<'_>, BuildError> {
    let base = BasePackage::builtin(&spec.deck.template, spec.deck.size).map_err(|err| {
        let diag = Diagnostic::new(format!("{err} (in {})", spec.path.display()));
        let diag = match &err {
            BaseError::UnknownTemplate { name, known } => {
                let hint = if name.ends_with(".pptx") || name.ends_with(".potx") {
                    "this version builds on its built-in looks only; use `template: default`"
                        .to_string()
                } else {
                    format!("built-in templates: {}", known.join(", "))
                };
                diag.hint(hint)
            }
            _ => diag,
        };
        BuildError::input(vec![diag])
    })?;

    let mut problems = Problems {
        spec,
        input: Vec::new(),
        failures: Vec::new(),
    };
    let slides: Vec<PlannedSlide> = spec
        .slides
        .iter()
        .filter_map(|slide| plan_slide(slide, &base, &mut problems))
        .collect();

    problems.into_result(Plan { base, slides })
}

fn plan_slide<'s>(
    slide: &'s Slide,
    base: &BasePackage,
    problems: &mut Problems,
) -> Option<PlannedSlide<'s>> {
    let who = slide.describe();
    let layout_name = slide
        .layout
        .as_deref()
        .unwrap_or(default_layout(slide.images.len()));
    let Some(layout_index) = base.layouts.iter().position(|l| l.name == layout_name) else {
        let names = base.layout_names();
        let hint = match nearest(layout_name, names.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? layouts: {}", names.join(", ")),
            None => format!("layouts of this template: {}", names.join(", ")),
        };
        let diag = Diagnostic::new(format!("{who}: unknown layout `{layout_name}`"))
            .at(problems.at(slide.line))
            .hint(hint);
        problems.input.push(diag);
        return None;
    };
    let layout = &base.layouts[layout_index];

    let areas = layout.picture_areas();
    let count = slide.images.len();
    let fits = match areas.len() {
        0 => count == 0,
        1 => (1..=layout::MAX_GRID).contains(&count),
        slots => count == slots,
    };
    if !fits {
        let takes = match areas.len() {
            0 => "no pictures".to_string(),
            1 => format!("1 to {} pictures", layout::MAX_GRID),
            slots => format!("{slots} pictures"),
        };
        let hint = "layouts by pictures: title and section take none, image and full one, \
                    two-up two, grid two to six";
        let message = format!("{who}: layout `{layout_name}` takes {takes}, the slide has {count}");
        problems.input.push(
            Diagnostic::new(message)
                .at(problems.at(slide.line))
                .hint(hint),
        );
        return None;
    }
    let text_slots = [
        ("title", slide.title.is_some(), layout.title().is_some()),
        (
            "subtitle",
            slide.subtitle.is_some(),
            layout.subtitle().is_some(),
        ),
    ];
    for (what, given, has_place) in text_slots {
        if given && !has_place {
            let message = format!("{who}: layout `{layout_name}` has no place for a {what}");
            let hint = format!("remove `{what}` or choose a layout that shows one");
            problems.input.push(
                Diagnostic::new(message)
                    .at(problems.at(slide.line))
                    .hint(hint),
            );
        }
    }

    let cells = if areas.len() == 1 {
        layout::grid(areas[0], count, GRID_GAP)
    } else {
        areas
    };
    let pictures = slide
        .images
        .iter()
        .zip(cells)
        .filter_map(|(picture, area)| plan_picture(slide, picture, area, problems))
        .collect();
    Some(PlannedSlide {
        slide,
        layout: layout_index,
        pictures,
    })
}

fn plan_picture<'s>(
    slide: &Slide,
    picture: &'s Picture,
    area: Rect,
    problems: &mut Problems,
) -> Option<PlannedPicture<'s>> {
    let who = slide.describe();
    let (source, default_alt) = match &picture.source {
        Source::View(view) => {
            let request = fetch::image_request(problems.spec, picture, view);
            (PictureSource::View(request), view.describe())
        }
        Source::File(path) => {
            let shown = display_path(problems.spec, path);
            let bytes = match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(err) => {
                    let message = format!("{who}: cannot read image {shown}: {err}");
                    problems
                        .failures
                        .push(Diagnostic::new(message).at(problems.at(picture.line)));
                    return None;
                }
            };
            let info = match imaging::probe(&bytes) {
                Ok(info) => info,
                Err(err) => {
                    let message = format!("{who}: image {shown}: {err}");
                    let hint = "deckgen reads PNG and JPEG files; re-export the image";
                    let diag = Diagnostic::new(message)
                        .at(problems.at(picture.line))
                        .hint(hint);
                    problems.failures.push(diag);
                    return None;
                }
            };
            let region = match imaging::resolve_crop(picture.crop.as_ref(), info.width, info.height)
            {
                Ok(region) => region,
                Err(err) => {
                    let message = format!("{who}: image {shown}: {err}");
                    let hint = "crop boxes are pixels of the source image; `deckgen preview` \
                                draws them on it";
                    let diag = Diagnostic::new(message)
                        .at(problems.at(picture.line))
                        .hint(hint);
                    problems.input.push(diag);
                    return None;
                }
            };
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            (
                PictureSource::File {
                    path: path.clone(),
                    info,
                    region,
                },
                name.unwrap_or(shown),
            )
        }
    };
    let alt = picture.alt.clone().unwrap_or(default_alt);
    Some(PlannedPicture {
        picture,
        source,
        alt,
        area,
    })
}

/// What a finished build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    /// The deck's path.
    pub output: PathBuf,
    /// Slides written.
    pub slides: usize,
    /// Pictures placed.
    pub pictures: usize,
    /// Size of the deck in bytes.
    pub bytes: u64,
}

fn build_timestamp() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(FIXED_TIMESTAMP)
}

/// Builds the deck of `spec` at `output`; nothing is written unless every slide succeeds.
pub fn build(
    spec: &Spec,
    output: &Path,
    options: &FetchOptions,
) -> Result<BuildReport, BuildError> {
    let plan = plan(spec)?;

    let has_notes: Vec<bool> = plan
        .slides
        .iter()
        .map(|s| s.slide.notes.is_some())
        .collect();
    let props = DocProps {
        title: spec.deck.title.clone(),
        author: spec.deck.author.clone(),
        timestamp: build_timestamp(),
        slides: plan.slides.len(),
        notes: has_notes.iter().filter(|n| **n).count(),
    };
    tracing::info!(
        slides = plan.slides.len(),
        pictures = plan.picture_count(),
        template = %spec.deck.template,
        "plan checked"
    );
    let (requests, layouts) = view_requests(&plan, false);
    if requests.is_empty() {
        let ready = ready_pictures(spec, &plan, &Fetched::default())?;
        let mut package =
            Package::begin(&plan.base, output, &has_notes, &props).map_err(write_error)?;
        let mut decoded: Decoded = None;
        for (planned, ready) in plan.slides.iter().zip(&ready) {
            write_slide(spec, &plan, planned, ready, &mut package, &mut decoded)?;
        }
        return finish(package, &plan);
    }

    // Slides are written as their renders arrive, while the rest are still being fetched.
    let (notify, arrivals) = channel();
    std::thread::scope(|scope| {
        let fetching = scope.spawn(|| run_fetch(spec, requests, &layouts, options, Some(notify)));
        let written = stream_slides(spec, &plan, output, &has_notes, &props, &arrivals);
        let fetched = fetching.join().unwrap_or_else(|_| {
            Err(BuildError::failure(vec![Diagnostic::new(
                "the fetch stopped unexpectedly",
            )]))
        })?;
        match written? {
            Some(package) => finish(package, &plan),
            // A slide's pictures had a problem: report every such problem of the deck at once.
            None => match ready_pictures(spec, &plan, &fetched) {
                Err(problems) => Err(problems),
                Ok(_) => Err(BuildError::failure(vec![Diagnostic::new(
                    "the renders arrived incomplete; run again with -v to see the requests",
                )])),
            },
        }
    })
}

/// Writes every slide as its renders arrive; `None` when a slide's pictures have a problem
/// (left for the caller to report with all the others).
fn stream_slides(
    spec: &Spec,
    plan: &Plan,
    output: &Path,
    has_notes: &[bool],
    props: &DocProps,
    arrivals: &Receiver<Arrival>,
) -> Result<Option<Package>, BuildError> {
    let mut package = Package::begin(&plan.base, output, has_notes, props).map_err(write_error)?;
    let mut fetched = Fetched::default();
    let mut decoded: Decoded = None;
    for planned in &plan.slides {
        while !slide_arrived(planned, &fetched) {
            match arrivals.recv() {
                Ok(arrival) => fetched.accept(arrival),
                // The fetch ended without it: the fetch's own error says why.
                Err(_) => return Ok(None),
            }
        }
        let mut problems = Problems {
            spec,
            input: Vec::new(),
            failures: Vec::new(),
        };
        let mut workbooks = Workbooks::new(&fetched.workbooks);
        let ready = ready_slide(planned, &fetched, &mut workbooks, &mut problems);
        if !problems.input.is_empty() || !problems.failures.is_empty() {
            return Ok(None);
        }
        write_slide(spec, plan, planned, &ready, &mut package, &mut decoded)?;
    }
    Ok(Some(package))
}

fn write_slide(
    spec: &Spec,
    plan: &Plan,
    planned: &PlannedSlide,
    ready: &[ReadyPicture],
    package: &mut Package,
    decoded: &mut Decoded,
) -> Result<(), BuildError> {
    let layout = &plan.base.layouts[planned.layout];
    let pictures = process_pictures(spec, planned, ready, decoded)?;
    let contents = slide_contents(spec, planned, layout, &pictures);
    package
        .add_slide(layout, &contents, planned.slide.notes.as_deref())
        .map_err(write_error)
}

fn finish(package: Package, plan: &Plan) -> Result<BuildReport, BuildError> {
    let output = package.finish().map_err(write_error)?;
    let bytes = std::fs::metadata(&output).map(|m| m.len()).unwrap_or(0);
    Ok(BuildReport {
        output,
        slides: plan.slides.len(),
        pictures: plan.picture_count(),
        bytes,
    })
}

fn write_error(err: WriteError) -> BuildError {
    match &err {
        WriteError::MissingFolder(folder) => {
            let hint = format!(
                "create it first (mkdir -p {}) or choose another -o",
                folder.display()
            );
            BuildError::input(vec![Diagnostic::new(err.to_string()).hint(hint)])
        }
        _ => BuildError::failure(vec![Diagnostic::new(err.to_string())]),
    }
}

/// A picture whose pixels are on disk, its crop resolved against its real size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyPicture {
    /// The image file (a local image or a cached render).
    pub path: PathBuf,
    /// Its header.
    pub info: ImageInfo,
    /// The region to keep.
    pub region: PixelBox,
}

/// The distinct renders the plan's view pictures need, with the slides using each, and the
/// views whose layout is needed: those cropped by sheet, or all with `all_layouts`.
fn view_requests(
    plan: &Plan,
    all_layouts: bool,
) -> (BTreeMap<ImageRequest, Vec<User>>, BTreeSet<ViewRef>) {
    let mut requests: BTreeMap<ImageRequest, Vec<User>> = BTreeMap::new();
    let mut layouts = BTreeSet::new();
    for planned in &plan.slides {
        for picture in &planned.pictures {
            if let PictureSource::View(request) = &picture.source {
                let user = User {
                    slide: planned.slide.describe(),
                    line: picture.picture.line,
                };
                requests.entry(request.clone()).or_default().push(user);
                if all_layouts || matches!(picture.picture.crop, Some(Crop::Sheet { .. })) {
                    layouts.insert(request.view.clone());
                }
            }
        }
    }
    (requests, layouts)
}

/// Runs the fetch on a runtime of its own, announcing each arrival to `notify`.
fn run_fetch(
    spec: &Spec,
    requests: BTreeMap<ImageRequest, Vec<User>>,
    layouts: &BTreeSet<ViewRef>,
    options: &FetchOptions,
    notify: Option<Sender<Arrival>>,
) -> Result<Fetched, BuildError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| BuildError::failure(vec![Diagnostic::new(format!("cannot start: {e}"))]))?;
    runtime
        .block_on(fetch::fetch(spec, requests, layouts, options, notify))
        .map(Fetched::quiet)
        .map_err(|err| BuildError {
            bad_input: err.bad_input,
            diagnostics: err.diagnostics,
        })
}

/// Fetches the renders the plan's view pictures need, in one session, with the layouts of
/// the views cropped by sheet (or of every view, with `all_layouts`).
pub fn fetch_views(
    spec: &Spec,
    plan: &Plan,
    options: &FetchOptions,
    all_layouts: bool,
) -> Result<Fetched, BuildError> {
    let (requests, layouts) = view_requests(plan, all_layouts);
    if requests.is_empty() {
        return Ok(Fetched::default());
    }
    run_fetch(spec, requests, &layouts, options, None)
}

/// Every picture of every slide with its file and resolved crop; all problems at once.
fn ready_pictures(
    spec: &Spec,
    plan: &Plan,
    fetched: &Fetched,
) -> Result<Vec<Vec<ReadyPicture>>, BuildError> {
    let mut problems = Problems {
        spec,
        input: Vec::new(),
        failures: Vec::new(),
    };
    let mut workbooks = Workbooks::new(&fetched.workbooks);
    let slides: Vec<Vec<ReadyPicture>> = plan
        .slides
        .iter()
        .map(|planned| ready_slide(planned, fetched, &mut workbooks, &mut problems))
        .collect();
    problems.into_result(slides)
}

/// The pictures of one slide with their files and resolved crops; problems go to `problems`.
fn ready_slide(
    planned: &PlannedSlide,
    fetched: &Fetched,
    workbooks: &mut Workbooks,
    problems: &mut Problems,
) -> Vec<ReadyPicture> {
    let mut ready = Vec::with_capacity(planned.pictures.len());
    for picture in &planned.pictures {
        match &picture.source {
            PictureSource::File { path, info, region } => {
                ready.push(ReadyPicture {
                    path: path.clone(),
                    info: *info,
                    region: *region,
                });
            }
            PictureSource::View(request) => {
                let found = ready_render(planned, picture, request, fetched, workbooks, problems);
                ready.extend(found);
            }
        }
    }
    ready
}

/// Whether everything a slide needs from Tableau has arrived.
fn slide_arrived(planned: &PlannedSlide, fetched: &Fetched) -> bool {
    planned
        .pictures
        .iter()
        .all(|picture| match &picture.source {
            PictureSource::File { .. } => true,
            PictureSource::View(request) => {
                let layout_needed = matches!(picture.picture.crop, Some(Crop::Sheet { .. }));
                fetched.renders.contains_key(request)
                    && fetched.views.get(&request.view).is_some_and(|view| {
                        !layout_needed || fetched.workbooks.contains_key(&view.workbook_id)
                    })
            }
        })
}

/// Workbook layouts, each parsed once however many crops use it.
#[derive(Debug)]
pub struct Workbooks<'f> {
    files: &'f HashMap<String, PathBuf>,
    parsed: HashMap<String, Result<Workbook, String>>,
}

impl<'f> Workbooks<'f> {
    /// Layouts of the workbook files fetched.
    pub fn new(files: &'f HashMap<String, PathBuf>) -> Workbooks<'f> {
        Workbooks {
            files,
            parsed: HashMap::new(),
        }
    }

    /// The workbook with LUID `id`, parsed.
    pub fn get(&mut self, id: &str) -> Result<&Workbook, String> {
        let files = self.files;
        self.parsed
            .entry(id.to_string())
            .or_insert_with(|| {
                let path = files.get(id).ok_or("its workbook was not downloaded")?;
                let bytes = std::fs::read(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                twb::read(&bytes)
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The box of the worksheet `sheet` in a render of `view`, or what is wrong.
pub fn sheet_region(
    view: &View,
    workbooks: &mut Workbooks,
    sheet: &str,
    pad: i32,
    info: &ImageInfo,
) -> Result<PixelBox, Diagnostic> {
    if let Some(kind) = view.sheet_type.as_deref().filter(|k| *k != "dashboard") {
        return Err(Diagnostic::new(format!(
            "`crop: {{ sheet: \"{sheet}\" }}` needs a dashboard, but `{}` is a {kind}",
            view.path()
        ))
        .hint("crop a worksheet view with pixels or fractions, or use its dashboard"));
    }
    let workbook = workbooks.get(&view.workbook_id).map_err(|e| {
        Diagnostic::new(format!("cannot read the layout of `{}`: {e}", view.path()))
    })?;
    let Some(dashboard) = workbook.dashboard(&view.name) else {
        let message = if workbook.stories.contains(&view.name) {
            format!(
                "`{}` is a story, whose points have no sheet zones to crop",
                view.path()
            )
        } else {
            format!(
                "the workbook of `{}` has no dashboard of that name",
                view.path()
            )
        };
        return Err(Diagnostic::new(message).hint("crop it with pixels or fractions"));
    };
    let Some(zone) = dashboard
        .worksheets()
        .find(|z| z.name.as_deref() == Some(sheet))
    else {
        let names = dashboard.worksheets().filter_map(|z| z.name.clone());
        let listed = closest_first(sheet, names);
        return Err(Diagnostic::new(format!(
            "dashboard `{}` has no sheet `{sheet}`",
            view.path()
        ))
        .hint(format!("its sheets, closest first: {listed}")));
    };
    if dashboard.sizing.declared().is_none()
        || matches!(dashboard.sizing, twb::Sizing::Range { .. })
    {
        tracing::warn!(
            dashboard = %view.path(),
            "the dashboard is not fixed-size, so zone crops are approximate; a fixed size is exact"
        );
    }
    let declared = dashboard.sizing.declared();
    let region = twb::sheet_box(zone, declared, info.width, info.height, pad);
    if region.width == 0 || region.height == 0 {
        return Err(Diagnostic::new(format!(
            "sheet `{sheet}` of `{}` has no area",
            view.path()
        )));
    }
    Ok(region)
}

fn closest_first(wanted: &str, names: impl Iterator<Item = String>) -> String {
    let mut names: Vec<String> = names.collect();
    names.dedup();
    let lower = wanted.to_lowercase();
    names.sort_by(|a, b| {
        let score = |n: &String| strsim::jaro_winkler(&lower, &n.to_lowercase());
        score(b).total_cmp(&score(a))
    });
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn ready_render(
    planned: &PlannedSlide,
    picture: &PlannedPicture,
    request: &ImageRequest,
    fetched: &Fetched,
    workbooks: &mut Workbooks,
    problems: &mut Problems,
) -> Option<ReadyPicture> {
    let who = planned.slide.describe();
    let at = problems.at(picture.picture.line);
    let path = fetched.renders.get(request)?.clone();
    let info = match std::fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| imaging::probe(&bytes).map_err(|e| e.to_string()))
    {
        Ok(info) => info,
        Err(err) => {
            let message = format!(
                "{who}: the render of `{}` is unusable: {err}",
                request.describe()
            );
            problems.failures.push(Diagnostic::new(message).at(at));
            return None;
        }
    };
    if let Some(Crop::Sheet { name, pad }) = &picture.picture.crop {
        let view = fetched.views.get(&request.view)?;
        return match sheet_region(view, workbooks, name, *pad, &info) {
            Ok(region) => Some(ReadyPicture { path, info, region }),
            Err(diag) => {
                let diag = Diagnostic {
                    message: format!("{who}: {}", diag.message),
                    ..diag
                };
                problems.input.push(diag.at(at));
                None
            }
        };
    }
    match imaging::resolve_crop(picture.picture.crop.as_ref(), info.width, info.height) {
        Ok(region) => Some(ReadyPicture { path, info, region }),
        Err(err) => {
            let message = format!("{who}: the render of `{}`: {err}", request.describe());
            let hint = "renders can change size; `deckgen preview` draws the crops on them";
            problems
                .input
                .push(Diagnostic::new(message).at(at).hint(hint));
            None
        }
    }
}

/// The last image decoded, kept for the next picture that crops the same source: decks
/// crop several charts from one dashboard in a row, and decoding dominates the cost.
type Decoded = Option<(PathBuf, DynamicImage)>;

fn process_pictures(
    spec: &Spec,
    planned: &PlannedSlide,
    ready: &[ReadyPicture],
    decoded: &mut Decoded,
) -> Result<Vec<Encoded>, BuildError> {
    let mut encoded = Vec::with_capacity(ready.len());
    for (picture, source) in planned.pictures.iter().zip(ready) {
        let shown = display_path(spec, &source.path);
        let who = planned.slide.describe();
        let fail = |message: String| {
            let location = Location::new(&spec.path, picture.picture.line, 1);
            BuildError::failure(vec![Diagnostic::new(message).at(location)])
        };
        let read = || {
            std::fs::read(&source.path)
                .map_err(|err| fail(format!("{who}: cannot read image {shown}: {err}")))
        };
        let trim = picture.picture.trim;
        let image = if imaging::unchanged(&source.info, source.region, trim) {
            imaging::process(&read()?, &source.info, source.region, trim)
        } else {
            if decoded
                .as_ref()
                .is_none_or(|(path, _)| *path != source.path)
            {
                *decoded = None;
                let pixels = imaging::decode(&read()?, &source.info)
                    .map_err(|err| fail(format!("{who}: image {shown}: {err}")))?;
                *decoded = Some((source.path.clone(), pixels));
            }
            let (_, pixels) = decoded.as_ref().expect("decoded above");
            imaging::crop_encode(pixels, source.region, trim)
        }
        .map_err(|err| fail(format!("{who}: image {shown}: {err}")))?;
        tracing::debug!(
            slide = planned.slide.number,
            image = %shown,
            region = %source.region,
            trim,
            width = image.width,
            height = image.height,
            bytes = image.bytes.len(),
            "picture ready"
        );
        encoded.push(image);
    }
    Ok(encoded)
}

fn slide_contents<'a>(
    spec: &Spec,
    planned: &PlannedSlide,
    layout: &Layout,
    pictures: &'a [Encoded],
) -> Vec<Content<'a>> {
    let slide = planned.slide;
    let reference = |p: &crate::pptx::base::Placeholder| PlaceholderRef {
        kind: p.kind.clone(),
        idx: p.idx,
    };
    let mut contents = Vec::new();
    if let (Some(title), Some(placeholder)) = (&slide.title, layout.title()) {
        contents.push(Content::Text {
            placeholder: reference(placeholder),
            text: title.clone(),
        });
    }
    if let (Some(subtitle), Some(placeholder)) = (&slide.subtitle, layout.subtitle()) {
        contents.push(Content::Text {
            placeholder: reference(placeholder),
            text: subtitle.clone(),
        });
    }
    for (image, planned_picture) in pictures.iter().zip(&planned.pictures) {
        let rect = layout::contain(image.width, image.height, planned_picture.area);
        contents.push(Content::Picture {
            image,
            rect,
            descr: planned_picture.alt.clone(),
        });
    }
    if let (Some(footer), Some(placeholder)) = (&spec.deck.footer, layout.placeholder(&["ftr"])) {
        contents.push(Content::Text {
            placeholder: reference(placeholder),
            text: footer.clone(),
        });
    }
    if let Some(placeholder) = layout.placeholder(&["sldNum"]) {
        contents.push(Content::SlideNumber {
            placeholder: reference(placeholder),
            number: slide.number,
        });
    }
    contents
}

/// The templates built into this binary.
pub fn templates() -> Vec<String> {
    builtin_names()
}
