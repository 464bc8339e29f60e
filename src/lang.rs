//! The language of a kit: every built-in label, message and date follows it. A module of its
//! own, so that messages (`tr`) and formatting (`util`) need nothing of the kit.

/// The language of every built-in label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Dutch.
    Nl,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The regional tag used where a full locale is customary (PDF /Lang).
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Nl => "nl-NL",
            Lang::En => "en-GB",
        }
    }
}
