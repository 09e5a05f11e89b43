//! Feeds any bytes to the workbook reader (`.twb` XML or `.twbx` zip), then scales every
//! worksheet zone of every dashboard to a few render sizes and pads.

#![no_main]

use deckgen::imaging::PixelBox;
use deckgen::tableau::twb::{read, sheet_box};
use libfuzzer_sys::fuzz_target;

/// Render sizes from a single pixel to far beyond any real dashboard.
const SIZES: [(u32, u32); 3] = [(1, 1), (1200, 800), (20_000, 20_000)];
/// Pads that shrink, keep and grow a sheet's box.
const PADS: [i32; 3] = [-50, 0, 50];

/// Checks that a box lies inside a `width` × `height` image.
fn assert_inside(b: PixelBox, width: u32, height: u32) {
    let right = u64::from(b.x) + u64::from(b.width);
    let bottom = u64::from(b.y) + u64::from(b.height);
    assert!(right <= u64::from(width), "{b:?} leaves a {width}-wide image");
    assert!(bottom <= u64::from(height), "{b:?} leaves a {height}-high image");
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(workbook) = read(bytes) else {
        return;
    };
    for dashboard in &workbook.dashboards {
        let declared = dashboard.sizing.declared();
        for zone in dashboard.worksheets() {
            for (width, height) in SIZES {
                assert_inside(zone.pixels(width, height), width, height);
                for pad in PADS {
                    assert_inside(sheet_box(zone, declared, width, height, pad), width, height);
                }
            }
        }
    }
});
