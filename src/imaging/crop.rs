//! Turning a spec's crop into a pixel box of a real image, and trimming margins.

use std::fmt;

use image::{DynamicImage, GenericImageView, Rgba};
use thiserror::Error;

use crate::spec::Crop;

/// A rectangle of pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PixelBox {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width, at least 1.
    pub width: u32,
    /// Height, at least 1.
    pub height: u32,
}

impl fmt::Display for PixelBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{ x: {}, y: {}, width: {}, height: {} }}",
            self.x, self.y, self.width, self.height
        )
    }
}

/// Why a crop does not fit its image.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CropError {
    /// A pixel box reaching past the image's edge.
    #[error(
        "the crop {crop} reaches past the {width} x {height} px image \
         (to x = {right}, y = {bottom})"
    )]
    Outside {
        crop: PixelBox,
        width: u32,
        height: u32,
        right: u64,
        bottom: u64,
    },
    /// Fractions that round to no pixels at all.
    #[error("the crop leaves no pixels of the {width} x {height} px image")]
    Empty { width: u32, height: u32 },
    /// A sheet crop on an image that has no dashboard layout.
    #[error("crop by sheet needs the dashboard layout of a Tableau view")]
    NeedsLayout,
}

/// The pixel box a crop selects from an image of `width` × `height` pixels.
pub fn resolve_crop(crop: Option<&Crop>, width: u32, height: u32) -> Result<PixelBox, CropError> {
    match crop {
        None => Ok(PixelBox {
            x: 0,
            y: 0,
            width,
            height,
        }),
        Some(Crop::Pixels {
            x,
            y,
            width: w,
            height: h,
        }) => {
            let crop = PixelBox {
                x: *x,
                y: *y,
                width: *w,
                height: *h,
            };
            let right = u64::from(*x) + u64::from(*w);
            let bottom = u64::from(*y) + u64::from(*h);
            if right > u64::from(width) || bottom > u64::from(height) {
                return Err(CropError::Outside {
                    crop,
                    width,
                    height,
                    right,
                    bottom,
                });
            }
            Ok(crop)
        }
        Some(Crop::Fraction {
            left,
            top,
            right,
            bottom,
        }) => {
            // Round the edges, not the sizes, so crops that share an edge stay adjacent.
            let edge = |fraction: f64, size: u32| (fraction * f64::from(size)).round() as u32;
            let (x0, x1) = (edge(*left, width), edge(*right, width));
            let (y0, y1) = (edge(*top, height), edge(*bottom, height));
            if x1 <= x0 || y1 <= y0 {
                return Err(CropError::Empty { width, height });
            }
            Ok(PixelBox {
                x: x0,
                y: y0,
                width: x1 - x0,
                height: y1 - y0,
            })
        }
        Some(Crop::Sheet { .. }) => Err(CropError::NeedsLayout),
    }
}

/// Largest difference per channel still counted as background (JPEG noise, anti-aliasing).
const TRIM_TOLERANCE: u8 = 10;

fn is_background(pixel: Rgba<u8>, background: Rgba<u8>) -> bool {
    pixel
        .0
        .iter()
        .zip(background.0)
        .all(|(a, b)| a.abs_diff(b) <= TRIM_TOLERANCE)
}

/// Shrinks `region` to the content inside a uniform margin of its top-left pixel's colour.
///
/// A region that is all background is returned unchanged.
pub fn trim_box(image: &DynamicImage, region: PixelBox) -> PixelBox {
    let view = image.view(region.x, region.y, region.width, region.height);
    let background = view.get_pixel(0, 0);
    let row_is_background =
        |y: u32| (0..region.width).all(|x| is_background(view.get_pixel(x, y), background));
    let column_is_background = |x: u32, top: u32, bottom: u32| {
        (top..bottom).all(|y| is_background(view.get_pixel(x, y), background))
    };

    let Some(top) = (0..region.height).find(|&y| !row_is_background(y)) else {
        return region;
    };
    let bottom = (0..region.height)
        .rev()
        .find(|&y| !row_is_background(y))
        .map_or(top, |y| y)
        + 1;
    let left = (0..region.width)
        .find(|&x| !column_is_background(x, top, bottom))
        .unwrap_or(0);
    let right = (0..region.width)
        .rev()
        .find(|&x| !column_is_background(x, top, bottom))
        .map_or(region.width, |x| x + 1);
    PixelBox {
        x: region.x + left,
        y: region.y + top,
        width: right - left,
        height: bottom - top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn pixel_crops_inside_the_image_pass_through() {
        let crop = Crop::Pixels {
            x: 20,
            y: 80,
            width: 940,
            height: 520,
        };
        let expected = PixelBox {
            x: 20,
            y: 80,
            width: 940,
            height: 520,
        };
        assert_eq!(resolve_crop(Some(&crop), 960, 600), Ok(expected));
    }

    #[test]
    fn pixel_crops_past_the_edge_are_refused_with_the_sizes() {
        let crop = Crop::Pixels {
            x: 20,
            y: 80,
            width: 940,
            height: 521,
        };
        let err = resolve_crop(Some(&crop), 960, 600).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the crop { x: 20, y: 80, width: 940, height: 521 } reaches past the 960 x 600 px \
             image (to x = 960, y = 601)"
        );
    }

    #[test]
    fn fraction_crops_round_edges() {
        let crop = Crop::Fraction {
            left: 0.1,
            top: 0.0,
            right: 0.9,
            bottom: 0.5,
        };
        let expected = PixelBox {
            x: 96,
            y: 0,
            width: 768,
            height: 300,
        };
        assert_eq!(resolve_crop(Some(&crop), 960, 600), Ok(expected));

        let sliver = Crop::Fraction {
            left: 0.5,
            top: 0.0,
            right: 0.5001,
            bottom: 1.0,
        };
        assert_eq!(
            resolve_crop(Some(&sliver), 100, 100),
            Err(CropError::Empty {
                width: 100,
                height: 100
            })
        );
    }

    #[test]
    fn no_crop_is_the_whole_image() {
        assert_eq!(
            resolve_crop(None, 7, 5),
            Ok(PixelBox {
                x: 0,
                y: 0,
                width: 7,
                height: 5
            })
        );
    }

    #[test]
    fn trim_finds_content_inside_a_uniform_margin() {
        let image = RgbImage::from_fn(100, 60, |x, y| {
            let inside = (12..70).contains(&x) && (9..50).contains(&y);
            if inside {
                Rgb([30, 60, 200])
            } else {
                Rgb([255, 255, 253])
            }
        });
        let image = DynamicImage::ImageRgb8(image);
        let whole = PixelBox {
            x: 0,
            y: 0,
            width: 100,
            height: 60,
        };
        assert_eq!(
            trim_box(&image, whole),
            PixelBox {
                x: 12,
                y: 9,
                width: 58,
                height: 41
            }
        );

        let inner = PixelBox {
            x: 5,
            y: 5,
            width: 40,
            height: 20,
        };
        assert_eq!(
            trim_box(&image, inner),
            PixelBox {
                x: 12,
                y: 9,
                width: 33,
                height: 16
            }
        );
    }

    #[test]
    fn trim_leaves_a_blank_region_alone() {
        let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(10, 10, Rgb([9, 9, 9])));
        let whole = PixelBox {
            x: 0,
            y: 0,
            width: 10,
            height: 10,
        };
        assert_eq!(trim_box(&image, whole), whole);
    }
}
