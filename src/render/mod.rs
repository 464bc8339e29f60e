//! Turning kit texts into finished texts: Handlebars (strict) and Markdown.

pub mod copy;
pub mod csp;
pub mod guard;
pub mod markdown;
pub mod templates;
