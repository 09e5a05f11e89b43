//! Rendered view images: what a request asks for, its cache key, and the call itself.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::session::{Session, query};
use super::{ApiVersion, TableauError};
use crate::spec::{Resolution, ViewRef};

/// `vizWidth` and `vizHeight` are honoured from REST API 3.23 (Tableau 2024.2).
pub const VIZ_SIZE_SINCE: ApiVersion = ApiVersion::new(3, 23);

/// One render of a view: identical requests are fetched once per run.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageRequest {
    /// The view, as the spec names it.
    pub view: ViewRef,
    /// Render resolution.
    pub resolution: Resolution,
    /// Minutes a render cached by the server (or by us) may be reused.
    pub max_age: Option<u32>,
    /// `vf_<field>=value` filters.
    pub filters: BTreeMap<String, String>,
    /// `vf_Parameters.<name>=value` parameters.
    pub parameters: BTreeMap<String, String>,
    /// Requested render size in pixels.
    pub viz_size: Option<(u32, u32)>,
}

impl ImageRequest {
    /// A stable key for the cache: the server, site, view and everything that changes the
    /// pixels (not `max_age`, which only says how old a render may be).
    pub fn key(&self, server: &str, site: &str) -> String {
        let mut hasher = Sha256::new();
        let view = match &self.view {
            ViewRef::Name {
                workbook,
                view,
                project,
            } => {
                format!(
                    "name\u{0}{}\u{0}{workbook}\u{0}{view}",
                    project.as_deref().unwrap_or("")
                )
            }
            ViewRef::ContentUrl(url) => format!("url\u{0}{url}"),
            ViewRef::Id(id) => format!("id\u{0}{id}"),
        };
        for part in [server, site, &view, &format!("{:?}", self.resolution)] {
            hasher.update(part.as_bytes());
            hasher.update([0xff]);
        }
        for (prefix, map) in [("f", &self.filters), ("p", &self.parameters)] {
            for (k, v) in map {
                hasher.update(format!("{prefix}\u{0}{k}\u{0}{v}").as_bytes());
                hasher.update([0xff]);
            }
        }
        if let Some((w, h)) = self.viz_size {
            hasher.update(format!("viz\u{0}{w}x{h}").as_bytes());
        }
        format!("{:x}", hasher.finalize())
    }

    /// "Workbook/View {Region=North}", for messages.
    pub fn describe(&self) -> String {
        let mut text = self.view.describe();
        let settings: Vec<String> = self
            .filters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .chain(
                self.parameters
                    .iter()
                    .map(|(k, v)| format!("Parameters.{k}={v}")),
            )
            .collect();
        if !settings.is_empty() {
            text.push_str(&format!(" {{{}}}", settings.join(", ")));
        }
        if self.resolution == Resolution::High {
            text.push_str(" (high)");
        }
        text
    }

    /// The query of the image call, for an API `version`.
    pub fn query_pairs(&self, version: ApiVersion) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if self.resolution == Resolution::High {
            pairs.push(("resolution".into(), "high".into()));
        }
        if let Some(minutes) = self.max_age {
            // The docs give 1–240 minutes, with 0 read as 1.
            pairs.push(("maxAge".into(), minutes.clamp(1, 240).to_string()));
        }
        if let Some((width, height)) = self.viz_size
            && version >= VIZ_SIZE_SINCE
        {
            pairs.push(("vizWidth".into(), width.to_string()));
            pairs.push(("vizHeight".into(), height.to_string()));
        }
        for (field, value) in &self.filters {
            pairs.push((format!("vf_{field}"), value.clone()));
        }
        for (name, value) in &self.parameters {
            pairs.push((format!("vf_Parameters.{name}"), value.clone()));
        }
        pairs
    }
}

/// Renders the view with LUID `view_id` as PNG.
pub async fn fetch(
    session: &Session,
    view_id: &str,
    request: &ImageRequest,
) -> Result<Vec<u8>, TableauError> {
    if request.viz_size.is_some() && session.version() < VIZ_SIZE_SINCE {
        tracing::warn!(
            view = %request.view.describe(),
            version = %session.version(),
            "viz_width/viz_height need REST API 3.23; rendering at the dashboard's own size"
        );
    }
    let mut url = session.site_url(&format!("views/{}/image", super::encode(view_id)));
    let pairs = request.query_pairs(session.version());
    if !pairs.is_empty() {
        url = format!("{url}?{}", query(&pairs));
    }
    let answer = session
        .get(&url, &format!("render view `{}`", request.view.describe()))
        .await?;
    if !answer.body.starts_with(b"\x89PNG") {
        return Err(TableauError::failure(format!(
            "render view `{}`: {url} answered something that is not a PNG",
            request.view.describe()
        )));
    }
    Ok(answer.body.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ImageRequest {
        ImageRequest {
            view: ViewRef::Name {
                workbook: "Safety Overview".into(),
                view: "Incidents".into(),
                project: None,
            },
            resolution: Resolution::High,
            max_age: Some(0),
            filters: BTreeMap::from([("Region".into(), "North East".into())]),
            parameters: BTreeMap::from([("Top N".into(), "5".into())]),
            viz_size: Some((1600, 900)),
        }
    }

    #[test]
    fn query_holds_every_setting_and_gates_viz_size_by_version() {
        let new = request().query_pairs(ApiVersion::new(3, 23));
        let keys: Vec<&str> = new.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "resolution",
                "maxAge",
                "vizWidth",
                "vizHeight",
                "vf_Region",
                "vf_Parameters.Top N"
            ]
        );
        assert_eq!(new[1].1, "1");
        let old = request().query_pairs(ApiVersion::new(3, 21));
        assert!(!old.iter().any(|(k, _)| k.starts_with("viz")));
    }

    #[test]
    fn keys_change_with_pixels_but_not_with_max_age() {
        let base = request();
        let key = base.key("https://t", "safety");
        assert_eq!(
            key,
            ImageRequest {
                max_age: Some(60),
                ..request()
            }
            .key("https://t", "safety")
        );
        let mut other = request();
        other.filters.insert("Region".into(), "South".into());
        assert_ne!(key, other.key("https://t", "safety"));
        assert_ne!(key, base.key("https://t", "other"));
        assert_eq!(key.len(), 64);
    }

    #[test]
    fn describe_names_view_and_settings() {
        assert_eq!(
            request().describe(),
            "Safety Overview/Incidents {Region=North East, Parameters.Top N=5} (high)"
        );
    }
}
