//! `manifest.json`: every other file of the pack with its SHA-256, size, source and the
//! barriers and COM-B factors it addresses.

use serde::Serialize;

use crate::artifact::{Artifact, FileMeta, PackContext};

#[derive(Serialize)]
struct Manifest<'a> {
    generator: String,
    campaign: Named<'a>,
    partner: Named<'a>,
    launch: String,
    files: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Named<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Entry<'a> {
    path: &'a str,
    sha256: &'a str,
    size: usize,
    #[serde(flatten)]
    meta: &'a FileMeta,
}

/// Renders the manifest of `files`.
pub fn render(cx: &PackContext<'_>, files: &[Artifact]) -> Artifact {
    let manifest = Manifest {
        generator: format!("partnerkit {}", env!("CARGO_PKG_VERSION")),
        campaign: Named {
            id: &cx.kit.campaign.id,
            name: &cx.kit.campaign.title,
        },
        partner: Named {
            id: &cx.partner.id,
            name: &cx.partner.name,
        },
        launch: cx.kit.campaign.launch.rfc3339(),
        files: files
            .iter()
            .map(|f| Entry {
                path: &f.path,
                sha256: f.sha256(),
                size: f.size() as usize,
                meta: &f.meta,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&manifest).expect("manifest is plain data");
    json.push('\n');
    Artifact {
        path: "manifest.json".into(),
        bytes: json.into_bytes(),
        meta: FileMeta {
            kind: "manifest",
            ..FileMeta::default()
        },
    }
}
