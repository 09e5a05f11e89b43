//! The one place text becomes XML: escaping, dropping characters XML 1.0 forbids, and a
//! small writer that keeps generated parts well-formed.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Whether XML 1.0 allows `c` in a document (§2.2 `Char`).
fn allowed(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..
    )
}

/// Escapes `& < > " '` and removes characters XML 1.0 forbids (C0 controls, U+FFFE, U+FFFF).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || !allowed(c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// Removes characters XML 1.0 forbids, leaving the rest unescaped.
pub fn clean(text: &str) -> String {
    text.chars().filter(|&c| allowed(c)).collect()
}

/// The declaration every generated part starts with.
pub const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Builds an XML document element by element; attribute values and text are escaped here.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
}

/// An attribute: its name and anything that displays as its value.
pub type Attr<'a> = (&'a str, &'a dyn fmt::Display);

impl XmlWriter {
    /// A writer that has written the XML declaration.
    pub fn new() -> XmlWriter {
        XmlWriter {
            out: DECLARATION.to_string(),
        }
    }

    fn open(&mut self, name: &str, attrs: &[Attr]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            let value = value.to_string();
            let _ = write!(self.out, " {key}=\"{}\"", escape(&value));
        }
    }

    /// Writes `<name attrs>`.
    pub fn start(&mut self, name: &str, attrs: &[Attr]) {
        self.open(name, attrs);
        self.out.push('>');
    }

    /// Writes `</name>`.
    pub fn end(&mut self, name: &str) {
        let _ = write!(self.out, "</{name}>");
    }

    /// Writes `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attrs: &[Attr]) {
        self.open(name, attrs);
        self.out.push_str("/>");
    }

    /// Writes `<name attrs>text</name>`.
    pub fn text_element(&mut self, name: &str, attrs: &[Attr], text: &str) {
        self.start(name, attrs);
        self.out.push_str(&escape(text));
        self.end(name);
    }

    /// Writes markup that is already well-formed, such as a namespace-free fragment.
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// The finished document.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_handles_markup_and_leaves_plain_text_borrowed() {
        assert_eq!(
            escape(r#"Q&A <"x"> 'y'"#),
            "Q&amp;A &lt;&quot;x&quot;&gt; &apos;y&apos;"
        );
        assert!(matches!(escape("Safety 2026 ✈ 🚒"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_drops_forbidden_characters_but_keeps_tabs_newlines_and_emoji() {
        assert_eq!(escape("a\u{0}b\u{7}c\u{1b}d\u{FFFE}e"), "abcde");
        assert_eq!(escape("a\tb\nc 🚒"), "a\tb\nc 🚒");
        assert_eq!(clean("x\u{8}y<"), "xy<");
    }

    #[test]
    fn writer_escapes_attributes_and_text() {
        let mut w = XmlWriter::new();
        w.start("a", &[("name", &"R&D \"1\""), ("n", &3)]);
        w.text_element("b", &[], "<x>");
        w.empty("c", &[]);
        w.end("a");
        assert_eq!(
            w.finish(),
            format!(
                "{DECLARATION}<a name=\"R&amp;D &quot;1&quot;\" n=\"3\"><b>&lt;x&gt;</b><c/></a>"
            )
        );
    }
}
