//! Query strings: form decoding, paging, list filters and sorting, fields, view filters and
//! image options.
//!
//! Queries are form-decoded (`+` is a space) because TSC hands its parameters to `requests`,
//! which encodes them that way from API 3.7 on.

use std::cmp::Ordering;

use super::xml::ApiError;

/// The largest page Tableau serves.
pub const MAX_PAGE_SIZE: usize = 1000;
/// The page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The largest `vizWidth` or `vizHeight` accepted, in pixels.
pub const MAX_VIZ_SIDE: u32 = 4000;

/// A decoded query string.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Decodes the query part of a URI.
    pub fn parse(raw: Option<&str>) -> Query {
        let pairs = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        Query { pairs }
    }

    /// The first value of a parameter; parameter names are matched without regard to case.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Every pair in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// One page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// From 1.
    pub number: usize,
    /// Items per page, 1 to 1000.
    pub size: usize,
}

impl Page {
    /// Reads `pageNumber` and `pageSize`.
    pub fn from_query(query: &Query) -> Result<Page, ApiError> {
        let size = match query.get("pageSize") {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => match text.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
                _ => {
                    return Err(ApiError::bad_request(
                        "400007",
                        "Invalid page size",
                        &format!(
                            "The page size '{text}' is not an integer from 1 to {MAX_PAGE_SIZE}."
                        ),
                    ));
                }
            },
        };
        let number = match query.get("pageNumber") {
            None => 1,
            Some(text) => match text.trim().parse::<usize>() {
                Ok(n) if n >= 1 => n,
                _ => return Err(Self::bad_number(text)),
            },
        };
        Ok(Page { number, size })
    }

    /// The error for a page number that is not a page.
    fn bad_number(text: &str) -> ApiError {
        ApiError::bad_request(
            "400006",
            "Invalid page number",
            &format!(
                "The page number '{text}' is not an integer, is less than one, \
                 or is greater than the final page number."
            ),
        )
    }

    /// This page of `items`; asking past the last page is an error, as on Tableau.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> Result<&'a [T], ApiError> {
        let last = items.len().div_ceil(self.size).max(1);
        if self.number > last {
            return Err(Self::bad_number(&self.number.to_string()));
        }
        let start = (self.number - 1) * self.size;
        Ok(&items[start..(start + self.size).min(items.len())])
    }
}

/// A comparison of one list filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Exactly equal.
    Eq,
    /// Equal to one of a bracketed list.
    In,
    /// Equal, ignoring case.
    Cieq,
    /// Contains, ignoring case.
    Has,
}

/// One `field:op:value` term of a `filter` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The field, such as `name` or `projectName`.
    pub field: String,
    /// The comparison.
    pub op: Op,
    /// One value, or the values of an `in` list.
    pub values: Vec<String>,
}

impl Condition {
    /// Whether a field value passes this term.
    pub fn matches(&self, value: &str) -> bool {
        match self.op {
            Op::Eq | Op::In => self.values.iter().any(|v| v == value),
            Op::Cieq => self.values.iter().any(|v| v.eq_ignore_ascii_case(value)),
            Op::Has => {
                let value = value.to_lowercase();
                self.values
                    .iter()
                    .any(|v| value.contains(&v.to_lowercase()))
            }
        }
    }
}

/// Splits on commas outside brackets.
fn split_terms(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (at, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ',' if depth <= 0 => {
                out.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// Reads the `filter` parameter; terms are ANDed.
pub fn conditions(query: &Query) -> Result<Vec<Condition>, ApiError> {
    let Some(text) = query.get("filter").filter(|t| !t.is_empty()) else {
        return Ok(Vec::new());
    };
    split_terms(text).into_iter().map(condition).collect()
}

/// Parses one `field:op:value` term.
fn condition(term: &str) -> Result<Condition, ApiError> {
    let bad = |why: &str| {
        ApiError::bad_request(
            "400065",
            "Bad Request",
            &format!("The filter term '{term}' is invalid: {why}."),
        )
    };
    let mut parts = term.splitn(3, ':');
    let (Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("expected field:operator:value"));
    };
    let op = match op {
        "eq" => Op::Eq,
        "in" => Op::In,
        "cieq" => Op::Cieq,
        "has" => Op::Has,
        other => {
            return Err(bad(&format!(
                "the operator '{other}' is not supported here"
            )));
        }
    };
    let values = if op == Op::In {
        let inner = value.strip_prefix('[').and_then(|v| v.strip_suffix(']'));
        let inner = inner.ok_or_else(|| bad("an 'in' list needs brackets, as in name:in:[a,b]"))?;
        inner.split(',').map(str::to_string).collect()
    } else {
        vec![value.to_string()]
    };
    Ok(Condition {
        field: field.to_string(),
        op,
        values,
    })
}

/// One key of the `sort` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The field sorted by.
    pub field: String,
    /// Z to A instead of A to Z.
    pub descending: bool,
}

/// Reads the `sort` parameter, `field:asc|desc[,…]`.
pub fn sort_keys(query: &Query) -> Result<Vec<SortKey>, ApiError> {
    let Some(text) = query.get("sort").filter(|t| !t.is_empty()) else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(|term| match term.split_once(':') {
            Some((field, "asc")) => Ok(SortKey {
                field: field.to_string(),
                descending: false,
            }),
            Some((field, "desc")) => Ok(SortKey {
                field: field.to_string(),
                descending: true,
            }),
            _ => Err(ApiError::bad_request(
                "400065",
                "Bad Request",
                &format!("The sort term '{term}' is invalid: expected field:asc or field:desc."),
            )),
        })
        .collect()
}

/// Compares two field values under one sort key.
pub fn compare(a: &str, b: &str, key: &SortKey) -> Ordering {
    let order = a.to_lowercase().cmp(&b.to_lowercase());
    if key.descending {
        order.reverse()
    } else {
        order
    }
}

/// Whether `fields` asks for more than the default: `_all_`, or a list naming `sheetType`.
pub fn full_fields(query: &Query) -> bool {
    query.get("fields").is_some_and(|fields| {
        fields
            .split(',')
            .any(|f| f == "_all_" || f.eq_ignore_ascii_case("sheetType"))
    })
}

/// The `vf_` filters and `vf_Parameters.` values of an image request, sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ViewFilters {
    /// Field caption and the values it is restricted to (any of them).
    pub fields: Vec<(String, Vec<String>)>,
    /// Parameter name and value.
    pub params: Vec<(String, String)>,
}

impl ViewFilters {
    /// Reads every `vf_` parameter; empty values and `All` widen to all values, as on Tableau.
    pub fn from_query(query: &Query) -> ViewFilters {
        let mut filters = ViewFilters::default();
        for (key, value) in query.pairs() {
            let Some(name) = key.strip_prefix("vf_").filter(|n| !n.is_empty()) else {
                continue;
            };
            if let Some(param) = name.strip_prefix("Parameters.") {
                filters.params.retain(|(n, _)| n != param);
                filters.params.push((param.to_string(), value.clone()));
                continue;
            }
            let values = split_values(value);
            if values.is_empty() || values.iter().any(|v| v == "All" || v == "(All)") {
                filters.fields.retain(|(n, _)| n != name);
                continue;
            }
            match filters.fields.iter_mut().find(|(n, _)| n == name) {
                Some((_, existing)) => existing.extend(values),
                None => filters.fields.push((name.to_string(), values)),
            }
        }
        filters.fields.sort();
        filters.params.sort();
        filters
    }

    /// The values `field` is restricted to, if it is filtered.
    pub fn values(&self, field: &str) -> Option<&[String]> {
        self.fields
            .iter()
            .find(|(n, _)| n == field)
            .map(|(_, v)| v.as_slice())
    }

    /// A parameter's value, if set.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `value` of `field` passes (unfiltered fields pass everything).
    pub fn allows(&self, field: &str, value: &str) -> bool {
        self.values(field)
            .is_none_or(|values| values.iter().any(|v| v == value))
    }

    /// Only the filters on `fields` and the values of `params` the workbook has; Tableau
    /// ignores the rest.
    pub fn known(&self, fields: &[&str], params: &[&str]) -> ViewFilters {
        ViewFilters {
            fields: self
                .fields
                .iter()
                .filter(|(f, _)| fields.contains(&f.as_str()))
                .cloned()
                .collect(),
            params: self
                .params
                .iter()
                .filter(|(p, _)| params.contains(&p.as_str()))
                .cloned()
                .collect(),
        }
    }

    /// Whether nothing is filtered or set.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.params.is_empty()
    }
}

/// Splits a `vf_` value on unescaped commas; `\,` is a literal comma and `\\` a backslash.
fn split_values(text: &str) -> Vec<String> {
    let (mut out, mut current, mut chars) = (Vec::new(), String::new(), text.chars());
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.push(chars.next().unwrap_or('\\')),
            ',' => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// What an image request asks for besides filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageOptions {
    /// `resolution=high`: twice the pixels.
    pub high: bool,
    /// `vizWidth` × `vizHeight`, when both are given and the URL's version is 3.23 or later.
    pub viz: Option<(u32, u32)>,
}

impl ImageOptions {
    /// Reads `resolution`, `maxAge`, `vizWidth` and `vizHeight` for a URL of `version`.
    pub fn from_query(query: &Query, version: (u32, u32)) -> Result<ImageOptions, ApiError> {
        let bad = |name: &str, value: &str, want: &str| {
            ApiError::bad_request(
                "400000",
                "Bad Request",
                &format!("The value '{value}' of the parameter '{name}' is invalid: {want}."),
            )
        };
        if let Some(age) = query.get("maxAge") {
            age.trim()
                .parse::<u32>()
                .map_err(|_| bad("maxAge", age, "expected minutes"))?;
        }
        let high = query
            .get("resolution")
            .is_some_and(|r| r.eq_ignore_ascii_case("high"));
        let side = |name: &str| -> Result<Option<u32>, ApiError> {
            let Some(text) = query.get(name) else {
                return Ok(None);
            };
            match text.trim().parse::<u32>() {
                Ok(n) if (1..=MAX_VIZ_SIDE).contains(&n) => Ok(Some(n)),
                _ => Err(bad(
                    name,
                    text,
                    &format!("expected pixels from 1 to {MAX_VIZ_SIDE}"),
                )),
            }
        };
        let (width, height) = (side("vizWidth")?, side("vizHeight")?);
        let viz = match (width, height) {
            (Some(w), Some(h)) if version >= (3, 23) => Some((w, h)),
            _ => None,
        };
        Ok(ImageOptions { high, viz })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Query {
        Query::parse(Some(text))
    }

    #[test]
    fn queries_are_form_decoded() {
        let query = q("filter=name%3Aeq%3AFleet+Mix&vf_Region=North+East&pageSize=5");
        assert_eq!(query.get("filter"), Some("name:eq:Fleet Mix"));
        assert_eq!(query.get("PAGESIZE"), Some("5"));
        assert_eq!(
            ViewFilters::from_query(&query).values("Region"),
            Some(&["North East".to_string()][..])
        );
    }

    #[test]
    fn pages_slice_and_refuse_what_is_not_a_page() {
        let items: Vec<u32> = (0..250).collect();
        let page = Page::from_query(&q("pageNumber=3&pageSize=100")).unwrap();
        assert_eq!(page.slice(&items).unwrap(), &items[200..250]);
        assert_eq!(
            Page::from_query(&q("")).unwrap(),
            Page {
                number: 1,
                size: 100
            }
        );
        assert!(
            Page::from_query(&q("pageNumber=4"))
                .unwrap()
                .slice(&items)
                .is_err()
        );
        assert!(Page::from_query(&q("pageSize=1001")).is_err());
        assert!(Page::from_query(&q("pageSize=0")).is_err());
        assert!(Page::from_query(&q("pageNumber=0")).is_err());
        let empty: Vec<u32> = Vec::new();
        assert_eq!(
            Page::from_query(&q(""))
                .unwrap()
                .slice(&empty)
                .unwrap()
                .len(),
            0
        );
    }

    #[test]
    fn filters_split_outside_brackets_and_match() {
        let terms = conditions(&q(
            "filter=name:in:[Incidents,Fleet Mix],projectName:eq:Safety",
        ))
        .unwrap();
        assert_eq!(terms.len(), 2);
        assert_eq!(terms[0].values, vec!["Incidents", "Fleet Mix"]);
        assert!(terms[0].matches("Fleet Mix") && !terms[0].matches("Trend"));
        assert!(terms[1].matches("Safety") && !terms[1].matches("safety"));
        assert!(conditions(&q("filter=name:gt:a")).is_err());
        assert!(conditions(&q("filter=name:in:a,b")).is_err());
        assert!(conditions(&q("filter=name")).is_err());
        assert!(
            conditions(&q("filter=contentUrl:eq:A/sheets/B")).unwrap()[0].matches("A/sheets/B")
        );
    }

    #[test]
    fn view_filters_read_values_parameters_and_escapes() {
        let query =
            q("vf_Region=North,South&vf_Fleet=All&vf_Parameters.Top+N=3&vf_Site=A\\,B&vf_X=");
        let filters = ViewFilters::from_query(&query);
        assert_eq!(filters.values("Region").unwrap(), ["North", "South"]);
        assert_eq!(filters.values("Site").unwrap(), ["A,B"]);
        assert!(filters.values("Fleet").is_none() && filters.values("X").is_none());
        assert_eq!(filters.param("Top N"), Some("3"));
        assert!(filters.allows("Region", "North") && !filters.allows("Region", "East"));
        assert!(filters.allows("Fleet", "A320"));
        let known = filters.known(&["Region"], &[]);
        assert_eq!((known.fields.len(), known.params.len()), (1, 0));
    }

    #[test]
    fn view_filters_do_not_depend_on_parameter_order() {
        let a = ViewFilters::from_query(&q("vf_Region=North&vf_Month=2026-11"));
        let b = ViewFilters::from_query(&q("vf_Month=2026-11&vf_Region=North"));
        assert_eq!(a, b);
    }

    #[test]
    fn image_options_gate_viz_size_on_the_version() {
        let query = q("resolution=high&vizWidth=640&vizHeight=480&maxAge=1");
        assert_eq!(
            ImageOptions::from_query(&query, (3, 23)).unwrap().viz,
            Some((640, 480))
        );
        assert_eq!(ImageOptions::from_query(&query, (3, 22)).unwrap().viz, None);
        assert!(ImageOptions::from_query(&query, (3, 28)).unwrap().high);
        assert!(ImageOptions::from_query(&q("vizWidth=0&vizHeight=3"), (3, 28)).is_err());
        assert!(ImageOptions::from_query(&q("maxAge=soon"), (3, 28)).is_err());
        assert_eq!(
            ImageOptions::from_query(&q("vizWidth=640"), (3, 28))
                .unwrap()
                .viz,
            None
        );
    }

    #[test]
    fn sort_and_fields() {
        let keys = sort_keys(&q("sort=name:desc")).unwrap();
        assert_eq!(compare("a", "B", &keys[0]), Ordering::Greater);
        assert!(sort_keys(&q("sort=name:up")).is_err());
        assert!(full_fields(&q("fields=_all_")) && full_fields(&q("fields=_default_,sheetType")));
        assert!(!full_fields(&q("fields=_default_")));
    }
}
