//! Feeds any bytes to the Tableau response reader, its error reader and its pagination.

#![no_main]

use deckgen::tableau::xml::{api_error, pagination, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(root) = parse(body) {
        let _ = pagination(&root);
        let _ = root.find("error");
        let _ = root.children_named("view").count();
    }
    let _ = api_error(body);
});
