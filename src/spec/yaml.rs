//! A YAML document as a tree of nodes that remember their line and column.
//!
//! Spec errors must name the line of every bad key, and a spec with five problems must
//! report five, so the loader walks this tree itself instead of deserializing in one go.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// A 1-based line and column in the YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// A YAML value together with where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value starts.
    pub pos: Pos,
}

/// The kinds of YAML values a spec uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing at all.
    Null,
    /// Any scalar; `plain` is false when it was quoted or a block scalar.
    Scalar { text: String, plain: bool },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in the order written; keys are scalars.
    Map(Vec<(Node, Node)>),
}

/// How many nodes aliases may copy into one document; a real spec copies a few dozen.
const MAX_ALIAS_NODES: usize = 100_000;

/// A YAML syntax problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What the parser said.
    pub message: String,
    /// Where it stopped.
    pub pos: Pos,
}

impl Node {
    /// A short name of the node's kind, for "expected a mapping, found a list" messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "nothing",
            Value::Scalar { plain: true, text } if text.parse::<f64>().is_ok() => "a number",
            Value::Scalar { .. } => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The text of a scalar node.
    pub fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// How many nodes a tree holds, itself included.
fn node_count(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        Value::Map(entries) => {
            let inside: usize = entries
                .iter()
                .map(|(k, v)| node_count(k) + node_count(v))
                .sum();
            1 + inside
        }
        Value::Null | Value::Scalar { .. } => 1,
    }
}

fn pos(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// A collection being built while its events arrive.
enum Open {
    Seq(Node, usize),
    Map(Node, usize, Option<Node>),
}

/// Parses one YAML document into a tree; an empty document gives `Value::Null`.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let mut copied = 0usize;

    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            message: e.info().to_string(),
            pos: Pos {
                line: e.marker().line(),
                column: e.marker().col() + 1,
            },
        })?;
        let at = pos(&span);
        let finished = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        message: "the file holds more than one YAML document".into(),
                        pos: at,
                    });
                }
                None
            }
            Event::Scalar(text, style, anchor, _tag) => {
                let plain = style == ScalarStyle::Plain;
                let value = if plain && matches!(&*text, "" | "~" | "null" | "Null" | "NULL") {
                    Value::Null
                } else {
                    Value::Scalar {
                        text: text.into_owned(),
                        plain,
                    }
                };
                Some((Node { value, pos: at }, anchor))
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(node) => {
                    // Aliases of aliases multiply: ten lines can stand for a billion nodes.
                    copied = copied.saturating_add(node_count(node));
                    if copied > MAX_ALIAS_NODES {
                        return Err(SyntaxError {
                            message: format!(
                                "aliases expand the document past {MAX_ALIAS_NODES} nodes"
                            ),
                            pos: at,
                        });
                    }
                    let copy = Node {
                        pos: at,
                        ..node.clone()
                    };
                    Some((copy, 0))
                }
                None => {
                    return Err(SyntaxError {
                        message: "alias to an unknown anchor".into(),
                        pos: at,
                    });
                }
            },
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::Seq(
                    Node {
                        value: Value::Seq(Vec::new()),
                        pos: at,
                    },
                    anchor,
                ));
                None
            }
            Event::MappingStart(anchor, _) => {
                let node = Node {
                    value: Value::Map(Vec::new()),
                    pos: at,
                };
                stack.push(Open::Map(node, anchor, None));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(node, anchor)) | Some(Open::Map(node, anchor, _)) => {
                    Some((node, anchor))
                }
                None => None,
            },
            _ => None,
        };

        let Some((node, anchor)) = finished else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            Some(Open::Seq(parent, _)) => {
                if let Value::Seq(items) = &mut parent.value {
                    items.push(node);
                }
            }
            Some(Open::Map(parent, _, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    if let Value::Map(entries) = &mut parent.value {
                        entries.push((key, node));
                    }
                }
            },
            None => root = Some(node),
        }
    }
    Ok(root.unwrap_or(Node {
        value: Value::Null,
        pos: Pos { line: 1, column: 1 },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_keys(node: &Node) -> Vec<(String, Pos)> {
        match &node.value {
            Value::Map(entries) => entries
                .iter()
                .map(|(k, _)| (k.scalar().unwrap().to_string(), k.pos))
                .collect(),
            other => panic!("expected a mapping, got {other:?}"),
        }
    }

    #[test]
    fn keys_remember_their_line_and_column() {
        let node = parse("version: 1\ndeck:\n  title: x\n  crop: { x: 1, widht: 2 }\n").unwrap();
        assert_eq!(
            map_keys(&node),
            vec![
                ("version".into(), Pos { line: 1, column: 1 }),
                ("deck".into(), Pos { line: 2, column: 1 })
            ]
        );
        let Value::Map(entries) = &node.value else {
            unreachable!()
        };
        let deck = &entries[1].1;
        let Value::Map(deck_entries) = &deck.value else {
            unreachable!()
        };
        let crop = &deck_entries[1].1;
        assert_eq!(
            map_keys(crop)[1],
            (
                "widht".into(),
                Pos {
                    line: 4,
                    column: 17
                }
            )
        );
    }

    #[test]
    fn quoted_scalars_are_not_plain_and_null_is_recognised() {
        let node = parse("a: '1'\nb: 1\nc: ~\nd:\n").unwrap();
        let Value::Map(entries) = node.value else {
            unreachable!()
        };
        assert_eq!(
            entries[0].1.value,
            Value::Scalar {
                text: "1".into(),
                plain: false
            }
        );
        assert_eq!(
            entries[1].1.value,
            Value::Scalar {
                text: "1".into(),
                plain: true
            }
        );
        assert_eq!(entries[2].1.value, Value::Null);
        assert_eq!(entries[3].1.value, Value::Null);
    }

    #[test]
    fn aliases_copy_the_anchored_node() {
        let node = parse("a: &f { Region: West }\nb: *f\n").unwrap();
        let Value::Map(entries) = node.value else {
            unreachable!()
        };
        assert_eq!(entries[0].1.value, entries[1].1.value);
    }

    #[test]
    fn alias_chains_that_multiply_are_refused() {
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
";
        let err = parse(laughs).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{err:?}");
        assert_eq!(err.pos.line, 5);
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.pos.line >= 1, "{err:?}");
        assert!(!err.message.is_empty());
    }

    #[test]
    fn two_documents_are_refused() {
        let err = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.message.contains("more than one"), "{err:?}");
        assert_eq!(err.pos.line, 2);
    }
}
