//! Handing packs out: unguessable links per partner, and the embargo until the launch.
//!
//! With `[distribution] private_links = true` each partner's folder and zip carry a token: the
//! first 128 bits of HMAC-SHA-256(key, partner id), in lower-case RFC 4648 base32 (26
//! characters). The key is the adviser's (`--link-key FILE` or `PARTNERKIT_LINK_KEY`), never
//! in the kit and never in the output, so the same key gives the same links on every build and
//! nobody can work out another partner's link from their own.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::diag::Diagnostic;
use crate::kit::{Kit, Partner};
use crate::tr;

/// The environment variable that may hold the link key.
pub const KEY_VARIABLE: &str = "PARTNERKIT_LINK_KEY";

/// A key needs at least this many bytes (256 bits when written as 32 random bytes; 44
/// characters as base64).
pub const MIN_KEY_BYTES: usize = 32;

/// The adviser's secret for private links.
#[derive(Clone)]
pub struct LinkKey(Vec<u8>);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    /// A key from its text (surrounding white space ignored).
    pub fn new(text: &[u8]) -> Result<LinkKey, Diagnostic> {
        let trimmed = text.trim_ascii();
        if trimmed.len() < MIN_KEY_BYTES {
            return Err(Diagnostic::error(
                "link-key",
                tr!(
                    "the link key is {n} bytes; it needs at least {min}",
                    "de linksleutel is {n} bytes; er zijn er minstens {min} nodig",
                    n = trimmed.len(),
                    min = MIN_KEY_BYTES
                ),
            )
            .hint(make_key_hint()));
        }
        Ok(LinkKey(trimmed.to_vec()))
    }

    /// The key from `--link-key FILE`, else from [`KEY_VARIABLE`]; `None` when neither is given.
    pub fn from_args(file: Option<&std::path::Path>) -> Result<Option<LinkKey>, Diagnostic> {
        if let Some(path) = file {
            let bytes = read_key_file(path)?;
            return LinkKey::new(&bytes).map(Some);
        }
        match std::env::var_os(KEY_VARIABLE) {
            Some(v) if !v.is_empty() => LinkKey::new(v.as_encoded_bytes()).map(Some),
            _ => Ok(None),
        }
    }

    /// The token of `partner_id`: 128 bits of HMAC-SHA-256, base32, lower case.
    pub fn token(&self, partner_id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"partnerkit private link v1\0");
        mac.update(partner_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        data_encoding::BASE32_NOPAD
            .encode(&digest[..16])
            .to_ascii_lowercase()
    }
}

fn read_key_file(path: &std::path::Path) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let fail = |why: String| {
        Diagnostic::error(
            "link-key",
            tr!(
                "cannot read the link key `{path}` ({why})",
                "de linksleutel `{path}` is niet te lezen ({why})",
                path = path.display(),
                why = why
            ),
        )
        .hint(make_key_hint())
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail(tr!(
            "it is not a regular file",
            "het is geen gewoon bestand"
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut bytes))
        .map_err(|e| fail(e.to_string()))?;
    Ok(bytes)
}

/// How to make a key, in the kit's language.
pub fn make_key_hint() -> String {
    tr!(
        "make a key once and keep it outside the kit, e.g. `openssl rand -base64 32 > ~/partnerkit-link.key`, then build with `--link-key ~/partnerkit-link.key` (or set {var}); the same key gives the same links every time",
        "maak één keer een sleutel en bewaar die buiten de kit, bijvoorbeeld `openssl rand -base64 32 > ~/partnerkit-link.key`, en bouw met `--link-key ~/partnerkit-link.key` (of zet {var}); dezelfde sleutel geeft steeds dezelfde links",
        var = KEY_VARIABLE
    )
}

/// Where each partner's pack goes: its folder (also used in the pages' links) and its zip.
#[derive(Debug, Clone)]
pub struct Names {
    /// `<partner id>` or `<partner id>-<token>`.
    pub folder: String,
    /// `<campaign>-<partner id>.zip` or `<campaign>-<partner id>-<token>.zip`.
    pub zip: String,
    /// The token, with private links.
    pub token: Option<String>,
}

/// The folder and zip names of `partner`. With private links and no key, `check` and the
/// preview use a placeholder token; `build` refuses (see [`require_key`]).
pub fn names(kit: &Kit, partner: &Partner, key: Option<&LinkKey>) -> Names {
    let token = kit.distribution.private_links.then(|| match key {
        Some(k) => k.token(&partner.id),
        None => "voorbeeld".to_string(),
    });
    match &token {
        Some(t) => Names {
            folder: format!("{}-{t}", partner.id),
            zip: format!("{}-{}-{t}.zip", kit.campaign.id, partner.id),
            token,
        },
        None => Names {
            folder: partner.id.clone(),
            zip: format!("{}-{}.zip", kit.campaign.id, partner.id),
            token: None,
        },
    }
}

/// `build` of a kit with private links needs the key.
pub fn require_key(kit: &Kit, key: Option<&LinkKey>) -> Result<(), Diagnostic> {
    if kit.distribution.private_links && key.is_none() {
        return Err(Diagnostic::error(
            "link-key",
            tr!(
                "this kit has private links (`private_links = true` in [distribution]), so the build needs the link key",
                "deze kit heeft privélinks (`private_links = true` in [distribution]), dus de build heeft de linksleutel nodig",
            ),
        )
        .in_file("kit.toml")
        .hint(make_key_hint()));
    }
    Ok(())
}

/// Seconds since 1970 that count as "now" for the embargo: `SOURCE_DATE_EPOCH` when set (for
/// reproducible builds), else the clock.
pub fn now_unix() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
}

/// Whether the build is made before the launch: its pages then say so and ask search engines
/// to stay away.
pub fn embargoed(kit: &Kit) -> bool {
    now_unix() < kit.campaign.launch.unix
}

/// Marks a rendered page: a `noindex` robots tag in its head (before the launch, and always on
/// the adviser's page with private links), and before the launch an embargo line at the top of
/// the body unless the page says it there already. Every search stops near the top of the page:
/// this runs for every page of every partner.
pub fn mark_page(html: String, kit: &Kit, adviser_page: bool) -> String {
    let embargo = embargoed(kit);
    if !embargo && !adviser_page {
        return html;
    }
    let mut html = html;
    let robots = "<meta name=\"robots\" content=\"noindex, nofollow\">";
    // At the end of the head: the Content-Security-Policy stays the first thing in it.
    let Some(head_end) = find_ci(&html, "</head") else {
        return html;
    };
    if html[..head_end].contains(robots) {
        return html;
    }
    html.insert_str(head_end, robots);
    let t = crate::i18n::labels(kit.campaign.language);
    if let (true, Some(body)) = (embargo, find_ci(&html, "<body")) {
        let mut end = html.len().min(body + 8192);
        while !html.is_char_boundary(end) {
            end -= 1;
        }
        if !html[body..end].contains(t.not_before) {
            let line = format!(
                "<p class=\"embargo\" role=\"note\"><strong>{} {}</strong></p>",
                t.embargo_until,
                crate::util::escape_html(&kit.campaign.launch.human(kit.campaign.language))
            );
            if let Some(end) = html[body..].find('>') {
                html.insert_str(body + end + 1, &line);
            }
        }
    }
    html
}

/// The first place of `needle` (ASCII) in `s`, in any case. Templates write tags in lower
/// case, so the fast exact search comes first; other spellings are looked for only without it.
fn find_ci(s: &str, needle: &str) -> Option<usize> {
    s.find(needle).or_else(|| {
        s.as_bytes()
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_keyed_and_128_bits() {
        let a = LinkKey::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let b = LinkKey::new(b"0123456789abcdef0123456789abcdeX").unwrap();
        assert_eq!(a.token("ser"), a.token("ser"));
        assert_ne!(a.token("ser"), a.token("awvn"));
        assert_ne!(a.token("ser"), b.token("ser"));
        assert_eq!(a.token("ser").len(), 26);
        assert!(a
            .token("ser")
            .chars()
            .all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c)));
        assert!(LinkKey::new(b"short").is_err());
    }
}
