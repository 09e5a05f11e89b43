//! `deckgen preview`: each source image with a pixel grid, the spec's crops and the
//! dashboard's worksheet zones drawn on it, for calibrating crops before a build.

use std::path::{Path, PathBuf};

use image::ImageFormat;

use crate::diag::Diagnostic;
use crate::fetch::FetchOptions;
use crate::imaging::draw::raster::{Canvas, Color, PxRect};
use crate::imaging::draw::text::{self, Align, Anchor, Style};
use crate::imaging::{self, PixelBox};
use crate::pipeline::{self, BuildError, PictureSource, Workbooks};
use crate::spec::{Crop, Spec};
use crate::tableau::View;

const GRID: Color = Color(120, 130, 145);
const ZONE: Color = Color(31, 119, 180);
const CROP: Color = Color(230, 85, 13);
const LABEL_BACK: Color = Color(255, 255, 255);

/// Grid spacing in pixels.
const GRID_STEP: u32 = 100;

/// One source image and what to draw on it.
#[derive(Debug)]
struct Source {
    path: PathBuf,
    name: String,
    view: Option<View>,
    crops: Vec<(usize, Option<Crop>)>,
}

/// A preview written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The PNG written.
    pub path: PathBuf,
    /// Distinct crop boxes drawn on it.
    pub crops: usize,
    /// Worksheet zones drawn on it.
    pub zones: usize,
}

fn file_name(index: usize, name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!(
        "{:02}-{}.png",
        index + 1,
        cleaned.chars().take(60).collect::<String>()
    )
}

fn sources(spec: &Spec, plan: &pipeline::Plan, fetched: &crate::fetch::Fetched) -> Vec<Source> {
    let mut sources: Vec<Source> = Vec::new();
    for planned in &plan.slides {
        for picture in &planned.pictures {
            let (path, name, view) = match &picture.source {
                PictureSource::File { path, .. } => {
                    let name = path
                        .strip_prefix(&spec.base_dir)
                        .unwrap_or(path)
                        .display()
                        .to_string();
                    (path.clone(), name, None)
                }
                PictureSource::View(request) => match fetched.renders.get(request) {
                    Some(path) => (
                        path.clone(),
                        request.describe(),
                        fetched.views.get(&request.view).cloned(),
                    ),
                    None => continue,
                },
            };
            let crop = (planned.slide.number, picture.picture.crop.clone());
            match sources.iter_mut().find(|s| s.path == path) {
                Some(source) => source.crops.push(crop),
                None => sources.push(Source {
                    path,
                    name,
                    view,
                    crops: vec![crop],
                }),
            }
        }
    }
    sources
}

fn label(canvas: &mut Canvas, x: u32, y: u32, words: &str, color: Color, size: f32) {
    let width = text::width(words, size, true).ceil() as u32 + 8;
    let height = (size * 1.4).ceil() as u32;
    canvas.fill_box(
        PxRect {
            x0: x,
            y0: y,
            x1: x + width,
            y1: y + height,
        },
        LABEL_BACK,
    );
    let style = Style {
        size,
        color,
        bold: true,
    };
    let baseline = y as f32 + height as f32 * 0.75;
    text::draw(
        canvas,
        x as f32 + 4.0,
        baseline,
        words,
        style,
        (Align::Left, Anchor::Baseline),
    );
}

fn grid(canvas: &mut Canvas, width: u32, height: u32, size: f32) {
    for x in (GRID_STEP..width).step_by(GRID_STEP as usize) {
        for y in 0..height {
            canvas.blend(i64::from(x), i64::from(y), GRID, 0.35);
        }
        label(canvas, x + 2, 2, &x.to_string(), GRID, size);
    }
    for y in (GRID_STEP..height).step_by(GRID_STEP as usize) {
        for x in 0..width {
            canvas.blend(i64::from(x), i64::from(y), GRID, 0.35);
        }
        label(canvas, 2, y + 2, &y.to_string(), GRID, size);
    }
}

fn rect(region: PixelBox) -> PxRect {
    PxRect {
        x0: region.x,
        y0: region.y,
        x1: region.x + region.width,
        y1: region.y + region.height,
    }
}

/// Writes one annotated PNG per source image of `spec` into `out`.
pub fn preview(
    spec: &Spec,
    options: &FetchOptions,
    out: &Path,
) -> Result<Vec<Written>, BuildError> {
    let plan = pipeline::plan(spec)?;
    let fetched = pipeline::fetch_views(spec, &plan, options, true)?;
    let mut workbooks = Workbooks::new(&fetched.workbooks);
    let fail = |message: String| BuildError {
        bad_input: false,
        diagnostics: vec![Diagnostic::new(message)],
    };
    std::fs::create_dir_all(out)
        .map_err(|e| fail(format!("cannot create {}: {e}", out.display())))?;

    let mut written = Vec::new();
    for (index, source) in sources(spec, &plan, &fetched).into_iter().enumerate() {
        let bytes = std::fs::read(&source.path)
            .map_err(|e| fail(format!("cannot read {}: {e}", source.name)))?;
        let info = imaging::probe(&bytes).map_err(|e| fail(format!("{}: {e}", source.name)))?;
        let image =
            imaging::decode(&bytes, &info).map_err(|e| fail(format!("{}: {e}", source.name)))?;
        let (width, height) = (info.width, info.height);
        let mut canvas = Canvas::from_image(image.to_rgb8());
        let size = (width.max(height) as f32 / 90.0).clamp(11.0, 28.0);
        grid(&mut canvas, width, height, size);

        let mut zones = 0;
        let dashboard = source.view.as_ref().and_then(|view| {
            workbooks
                .get(&view.workbook_id)
                .ok()
                .and_then(|w| w.dashboard(&view.name).cloned())
        });
        if let Some(dashboard) = &dashboard {
            for zone in dashboard.worksheets() {
                let area = rect(zone.pixels(width, height));
                canvas.frame_box(area, 2, ZONE);
                label(
                    &mut canvas,
                    area.x0 + 3,
                    area.y0 + 3,
                    zone.name.as_deref().unwrap_or(""),
                    ZONE,
                    size,
                );
                zones += 1;
            }
        }

        // Slides that crop the same box share one outline and one label.
        let mut boxes: Vec<(PixelBox, Vec<usize>)> = Vec::new();
        for (slide, crop) in &source.crops {
            let region = match crop {
                None => continue,
                Some(Crop::Sheet { name, pad }) => match &source.view {
                    Some(view) => {
                        pipeline::sheet_region(view, &mut workbooks, name, *pad, &info).ok()
                    }
                    None => None,
                },
                Some(Crop::Pixels {
                    x,
                    y,
                    width: w,
                    height: h,
                }) => {
                    // Drawn even when it reaches past the image: that is what a preview is for.
                    let x0 = (*x).min(width.saturating_sub(1));
                    let y0 = (*y).min(height.saturating_sub(1));
                    Some(PixelBox {
                        x: x0,
                        y: y0,
                        width: (*w).min(width - x0),
                        height: (*h).min(height - y0),
                    })
                }
                other => imaging::resolve_crop(other.as_ref(), width, height).ok(),
            };
            let Some(region) = region else { continue };
            match boxes.iter_mut().find(|(b, _)| *b == region) {
                Some((_, slides)) => slides.push(*slide),
                None => boxes.push((region, vec![*slide])),
            }
        }
        for (region, slides) in &boxes {
            let area = rect(*region);
            canvas.frame_box(area, 3, CROP);
            let names: Vec<String> = slides.iter().map(ToString::to_string).collect();
            let words = if slides.len() == 1 { "slide" } else { "slides" };
            // Inside the bottom-left corner, where a zone's name (top-left) never is.
            let inside = area
                .y1
                .saturating_sub((size * 1.4).ceil() as u32 + 4)
                .max(area.y0);
            label(
                &mut canvas,
                area.x0 + 4,
                inside,
                &format!("{words} {}", names.join(", ")),
                CROP,
                size,
            );
        }
        let crops = boxes.len();

        let path = out.join(file_name(index, &source.name));
        let picture = canvas
            .into_image()
            .ok_or_else(|| fail(format!("cannot draw on {}", source.name)))?;
        picture
            .save_with_format(&path, ImageFormat::Png)
            .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
        written.push(Written { path, crops, zones });
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_numbered_and_tame() {
        assert_eq!(
            file_name(0, "Safety Overview/Incidents {Region=North} (high)"),
            "01-Safety-Overview-Incidents-Region-North-high.png"
        );
        assert_eq!(
            file_name(11, "assets/fleet-mix.png"),
            "12-assets-fleet-mix-png.png"
        );
    }
}
