//! Build benchmark: load and render whole kits in memory (no disk writes), and the parts that
//! dominate: share images and card PDFs. Run with `cargo bench`; prints min / median per case.
//!
//! A plain harness on `std::time` keeps the dependency list short; each case runs a fixed
//! number of times after one warm-up.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use partnerkit::pipeline::Campaign;

fn kits() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut kits = vec![root.join("tests/fixtures/gelijke-kansen")];
    let mut own: Vec<PathBuf> = std::fs::read_dir(root.join("kits"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    own.sort();
    kits.extend(own);
    kits.into_iter()
        .filter(|k| k.join("kit.toml").is_file())
        .collect()
}

fn measure(name: &str, runs: usize, mut f: impl FnMut()) {
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{name:<48} min {:>8.1} ms   median {:>8.1} ms   ({runs} runs)",
        times[0].as_secs_f64() * 1e3,
        times[runs / 2].as_secs_f64() * 1e3
    );
}

/// One share image per platform, and the card PDFs of one deck, for one partner.
fn parts(kit_dir: &Path) {
    use partnerkit::render::templates::{ContentTemplates, PageTemplates};
    let Campaign { kit, .. } = Campaign::load(kit_dir).expect("kit loads");
    let content = ContentTemplates::compile(&kit).expect("templates compile");
    let pages = PageTemplates::new(&kit).expect("pages compile");
    let partner = kit
        .partners
        .iter()
        .max_by_key(|p| p.platforms.len())
        .expect("a partner");
    let (items, decks) = partnerkit::pack::plan(&kit, partner);
    let rendered =
        partnerkit::pack::render_texts(&kit, partner, &content, &items).expect("texts render");
    let cx = partnerkit::pack::PackContext {
        kit: &kit,
        partner,
        items: rendered,
        decks,
        pages: &pages,
        folder: String::new(),
        draw: true,
        release: None,
        previous: None,
        cache: None,
        partner_logo: Default::default(),
        inputs: Default::default(),
    };
    if let Some(item) = cx.items.iter().find(|r| !r.posts.is_empty()) {
        for post in &item.posts {
            let (w, h) = post.platform.image;
            measure(
                &format!("share image {} {w}×{h}", post.platform.id),
                20,
                || {
                    let mut records = partnerkit::outputs::share::Records::load(&cx);
                    partnerkit::outputs::share::render(&cx, item, post.platform, &mut records)
                        .expect("image renders");
                },
            );
        }
    }
    measure(
        &format!(
            "card PDFs + previews, {} deck(s), partner {}",
            cx.decks.len(),
            partner.id
        ),
        10,
        || {
            use partnerkit::outputs::Output;
            partnerkit::outputs::cards::Cards
                .render(&cx)
                .expect("cards render");
        },
    );
}

fn main() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("partnerkit build benchmark, {threads} threads");
    parts(&kits()[0]);
    for k in kits() {
        let name = k.file_name().unwrap().to_string_lossy().into_owned();
        measure(&format!("load + validate {name}"), 10, || {
            Campaign::load(&k).expect("kit loads");
        });
        let campaign = Campaign::load(&k).expect("kit loads");
        measure(
            &format!(
                "build in memory {name} ({} packs)",
                campaign.kit.partners.len()
            ),
            5,
            || {
                campaign
                    .build_in_memory(&Default::default())
                    .expect("kit builds");
            },
        );
        let built = campaign.build_in_memory(&Default::default()).unwrap();
        for (stage, d) in &built.timings {
            println!("    stage {stage:<10} {:>8.1} ms", d.as_secs_f64() * 1e3);
        }
        let pngs = built
            .files
            .iter()
            .filter(|(p, _)| p.contains("/social/") && p.ends_with(".png"))
            .count();
        let pdfs = built
            .files
            .iter()
            .filter(|(p, _)| p.ends_with(".pdf"))
            .count();
        println!(
            "    {} files, {pngs} share images, {pdfs} card PDFs",
            built.files.len()
        );
    }
}
