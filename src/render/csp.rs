//! The Content-Security-Policy every page carries.
//!
//! Pages are static files that partners open from disk or from the adviser's web host. A kit's
//! own page template or stylesheet must not be able to run script in them, so every page gets a
//! policy as the first element of its `<head>` (a policy applies only to what follows it):
//! no script except partnerkit's own, identified by hash; no inline event handlers (a policy
//! with hashes and without `'unsafe-inline'` blocks them); images and media from the page's own
//! folder or embedded; nothing else loaded from anywhere.

use sha2::{Digest, Sha256};

/// The policy for a page whose only scripts are `scripts` (their exact texts).
pub fn policy(scripts: &[&str]) -> String {
    let script_src = if scripts.is_empty() {
        "'none'".to_string()
    } else {
        scripts
            .iter()
            .map(|s| format!("'sha256-{}'", hash(s)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self'; \
         base-uri 'none'; form-action 'none'"
    )
}

/// The CSP hash source of a script text (base64 of its SHA-256).
pub fn hash(script: &str) -> String {
    crate::util::base64(&Sha256::digest(script.as_bytes()))
}

/// The policy of a page shown by `serve`: its live-reload script, which listens to the server.
pub fn meta_live(scripts: &[&str]) -> String {
    let p = policy(scripts).replacen(
        "default-src 'none';",
        "default-src 'none'; connect-src 'self';",
        1,
    );
    format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{p}\">")
}

/// The `<meta>` element carrying [`policy`].
pub fn meta(scripts: &[&str]) -> String {
    format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        policy(scripts)
    )
}

/// Inserts the policy right after the page's `<head>` tag. Only a doctype, comments, white space
/// and the `<html>` tag may come before `<head>`: anything else could run before the policy.
/// In place: a large page (the download page of a thousand partners) is not copied.
pub fn insert(mut html: String, scripts: &[&str]) -> Result<String, String> {
    let at = head_end(&html).ok_or_else(|| {
        crate::tr!(
            "the page has no <head> near its start, so partnerkit cannot protect it",
            "de pagina heeft geen <head> vlak bij het begin, dus partnerkit kan haar niet beschermen"
        )
    })?;
    html.insert_str(at, &meta(scripts));
    Ok(html)
}

/// The byte offset just after `<head …>`, if only harmless markup precedes it.
fn head_end(html: &str) -> Option<usize> {
    let b = html.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let rest = &html[i..];
        let starts = |p: &str| {
            rest.len() >= p.len() && rest.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        };
        if starts("<!--") {
            i += rest.find("-->")? + 3;
        } else if starts("<!doctype")
            || (starts("<html")
                && rest
                    .as_bytes()
                    .get(5)
                    .is_some_and(|c| c.is_ascii_whitespace() || *c == b'>'))
        {
            i += rest.find('>')? + 1;
        } else if starts("<head")
            && rest
                .as_bytes()
                .get(5)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'>')
        {
            return Some(i + rest.find('>')? + 1);
        } else {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_in_head() {
        let page = "<!DOCTYPE html>\n<!-- x -->\n<html lang=\"nl\">\n<head>\n<title>t</title>";
        let out = insert(page.to_string(), &[]).unwrap();
        assert!(out.starts_with("<!DOCTYPE html>\n<!-- x -->\n<html lang=\"nl\">\n<head><meta http-equiv=\"Content-Security-Policy\""));
        assert!(out.contains("script-src 'none'"));
        for bad in [
            "<script>alert(1)</script><html><head>",
            "<!DOCTYPE html><body><head>",
            "no head at all",
            "<html><headx>",
        ] {
            assert!(insert(bad.to_string(), &[]).is_err(), "{bad}");
        }
    }

    #[test]
    fn hashes_scripts() {
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            hash("alert(1)"),
            "bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI="
        );
        assert!(policy(&["alert(1)"])
            .contains("script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"));
    }
}
