//! The copy and share script of the overview page: partnerkit's own, allowed by its hash in
//! every page's Content-Security-Policy, never from a kit.

/// The script's text, exactly as it stands between `<script>` and `</script>`.
pub const SCRIPT: &str = include_str!("copy.js");

/// The element that runs it, for templates (`{{{copy_script}}}`).
pub fn element() -> &'static str {
    static ELEMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ELEMENT.get_or_init(|| format!("<script>{SCRIPT}</script>"))
}

/// The scripts every built page may run.
pub const PAGE_SCRIPTS: &[&str] = &[SCRIPT];
