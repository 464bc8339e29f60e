//! Turning kit texts into finished texts: Handlebars (strict) and Markdown.

pub mod markdown;
pub mod templates;
