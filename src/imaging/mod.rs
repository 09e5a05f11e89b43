//! Pictures: reading local images, cropping and trimming them, and encoding the result.
//!
//! Decoding is bounded: the size is read from the header first, and an image whose pixels
//! would not fit the memory budget is refused before a byte of it is decoded.

mod crop;
pub mod draw;

use std::io::Cursor;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use thiserror::Error;

pub use crop::{CropError, PixelBox, resolve_crop, trim_box};

/// The largest width or height decoded, in pixels.
pub const MAX_SIDE: u32 = 20_000;
/// The most pixels decoded in one image (an 8000 × 8000 render).
pub const MAX_PIXELS: u64 = 64_000_000;

/// The image encodings a deck can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// PNG, lossless.
    Png,
    /// JPEG, lossy.
    Jpeg,
}

impl Format {
    /// The file extension of a media part (`jpeg`, never `jpg`: see ECMA-376 content types).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpeg",
        }
    }

    /// The MIME type of a media part.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
        }
    }
}

/// What an image's header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    /// The encoding.
    pub format: Format,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// An encoded picture ready to be stored in the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The encoded bytes.
    pub bytes: Vec<u8>,
    /// Their encoding.
    pub format: Format,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Why an image could not be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ImageError {
    /// The bytes are neither PNG nor JPEG.
    #[error("not a PNG or JPEG image")]
    UnknownFormat,
    /// The header could not be read.
    #[error("cannot read the {format} header: {reason}")]
    BadHeader {
        format: &'static str,
        reason: String,
    },
    /// The image is larger than the decoder allows.
    #[error(
        "the image is {width} x {height} px, more than the {MAX_SIDE} px per side and \
         {MAX_PIXELS} pixels deckgen decodes"
    )]
    TooLarge { width: u32, height: u32 },
    /// The pixel data is damaged.
    #[error("the image data is damaged: {0}")]
    Corrupt(String),
    /// Encoding the result failed.
    #[error("cannot encode the cropped picture: {0}")]
    Encode(String),
}

fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else {
        None
    }
}

fn image_format(format: Format) -> ImageFormat {
    match format {
        Format::Png => ImageFormat::Png,
        Format::Jpeg => ImageFormat::Jpeg,
    }
}

/// Reads the encoding and size from an image's header without decoding its pixels.
pub fn probe(bytes: &[u8]) -> Result<ImageInfo, ImageError> {
    let format = sniff(bytes).ok_or(ImageError::UnknownFormat)?;
    let reader = ImageReader::with_format(Cursor::new(bytes), image_format(format));
    let (width, height) = reader
        .into_dimensions()
        .map_err(|err| ImageError::BadHeader {
            format: if format == Format::Png { "PNG" } else { "JPEG" },
            reason: err.to_string(),
        })?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge { width, height });
    }
    Ok(ImageInfo {
        format,
        width,
        height,
    })
}

/// Decodes an image whose header `probe` accepted, under a memory limit.
pub fn decode(bytes: &[u8], info: &ImageInfo) -> Result<DynamicImage, ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format(info.format));
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // Eight bytes a pixel covers 16-bit RGBA, the widest layout PNG decodes to.
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    reader
        .decode()
        .map_err(|err| ImageError::Corrupt(err.to_string()))
}

/// Encodes pixels as PNG, keeping their colour type so nothing is lost.
pub fn encode_png(image: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let mut bytes = Vec::new();
    // Adaptive filtering with fast deflate: close to default size at a fraction of the time.
    let encoder =
        PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Adaptive);
    image
        .write_with_encoder(encoder)
        .map_err(|err| ImageError::Encode(err.to_string()))?;
    Ok(bytes)
}

/// Cuts `region` out of an image (then trims it if asked) and encodes the result.
///
/// When neither crop nor trim changes anything, the original bytes are kept as they are.
pub fn process(
    bytes: &[u8],
    info: &ImageInfo,
    region: PixelBox,
    trim: bool,
) -> Result<Encoded, ImageError> {
    if unchanged(info, region, trim) {
        return Ok(Encoded {
            bytes: bytes.to_vec(),
            format: info.format,
            width: info.width,
            height: info.height,
        });
    }
    crop_encode(&decode(bytes, info)?, region, trim)
}

/// Whether `process` would keep an image's bytes as they are.
pub fn unchanged(info: &ImageInfo, region: PixelBox, trim: bool) -> bool {
    !trim
        && region
            == PixelBox {
                x: 0,
                y: 0,
                width: info.width,
                height: info.height,
            }
}

/// Cuts `region` out of decoded pixels (then trims it if asked) and encodes it as PNG.
pub fn crop_encode(
    image: &DynamicImage,
    region: PixelBox,
    trim: bool,
) -> Result<Encoded, ImageError> {
    let region = if trim {
        trim_box(image, region)
    } else {
        region
    };
    let cropped = image.crop_imm(region.x, region.y, region.width, region.height);
    Ok(Encoded {
        bytes: encode_png(&cropped)?,
        format: Format::Png,
        width: region.width,
        height: region.height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 7]));
        encode_png(&DynamicImage::ImageRgb8(image)).unwrap()
    }

    #[test]
    fn probe_reads_size_and_format() {
        let info = probe(&png(30, 20)).unwrap();
        assert_eq!(
            info,
            ImageInfo {
                format: Format::Png,
                width: 30,
                height: 20
            }
        );
    }

    #[test]
    fn probe_refuses_unknown_and_damaged_data() {
        assert_eq!(probe(b"GIF89a...."), Err(ImageError::UnknownFormat));
        let truncated = &png(30, 20)[..12];
        assert!(matches!(
            probe(truncated),
            Err(ImageError::BadHeader { .. })
        ));
    }

    #[test]
    fn probe_refuses_images_over_the_limit_before_decoding() {
        // A valid header claiming 30000 × 10 px, with no pixel data behind it.
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&30_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&10u32.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            probe(&bytes),
            Err(ImageError::TooLarge {
                width: 30_000,
                height: 10
            })
        );
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn process_keeps_the_original_bytes_when_nothing_changes() {
        let bytes = png(30, 20);
        let info = probe(&bytes).unwrap();
        let whole = PixelBox {
            x: 0,
            y: 0,
            width: 30,
            height: 20,
        };
        assert_eq!(process(&bytes, &info, whole, false).unwrap().bytes, bytes);
    }

    #[test]
    fn process_crops_exact_pixels() {
        let bytes = png(30, 20);
        let info = probe(&bytes).unwrap();
        let region = PixelBox {
            x: 5,
            y: 4,
            width: 10,
            height: 6,
        };
        let out = process(&bytes, &info, region, false).unwrap();
        assert_eq!((out.width, out.height, out.format), (10, 6, Format::Png));
        let decoded = image::load_from_memory(&out.bytes).unwrap().to_rgb8();
        assert_eq!(decoded.dimensions(), (10, 6));
        assert_eq!(decoded.get_pixel(0, 0), &Rgb([5, 4, 7]));
        assert_eq!(decoded.get_pixel(9, 5), &Rgb([14, 9, 7]));
    }

    #[test]
    fn corrupt_pixel_data_is_an_error_not_a_panic() {
        let mut bytes = png(64, 64);
        let len = bytes.len();
        for byte in &mut bytes[60..len - 20] {
            *byte = 0x55;
        }
        let info = probe(&bytes).unwrap();
        let region = PixelBox {
            x: 0,
            y: 0,
            width: 8,
            height: 8,
        };
        assert!(matches!(
            process(&bytes, &info, region, false),
            Err(ImageError::Corrupt(_))
        ));
    }
}
