//! Video items: the film checked by its container header, and its captions parsed, checked and
//! written in both formats.
//!
//! MP4 is read with `mp4parse` (Mozilla's parser, fallible allocation throughout). WebM is read
//! by a small EBML walker written for this: the Matroska crates allocate whatever size an element
//! declares, which a hostile file sets to terabytes; here every size is checked against the
//! bytes that are really there, and only the header elements are visited (never the clusters,
//! so no frame is decoded or even read).

use std::io::Cursor;

use crate::tr;

/// Largest video file accepted. A one-minute film at 1080p with H.264 is 10–30 MB.
pub const MAX_VIDEO_BYTES: u64 = 100 * 1024 * 1024;
/// Most cues in one caption file.
pub const MAX_CUES: usize = 5_000;
/// Most lines a caption may have on screen.
pub const MAX_LINES: usize = 2;
/// Most characters on a caption line.
pub const MAX_LINE_CHARS: usize = 42;
/// Reading speed above which a caption is too fast to read, in characters per second.
pub const MAX_CPS: f64 = 17.0;

/// The container of a video file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// MP4 (ISO base media file format).
    Mp4,
    /// WebM (Matroska).
    WebM,
}

impl Container {
    /// The file extension the pack uses.
    pub fn ext(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::WebM => "webm",
        }
    }

    /// The MIME type for `<source type=…>`.
    pub fn mime(self) -> &'static str {
        match self {
            Container::Mp4 => "video/mp4",
            Container::WebM => "video/webm",
        }
    }
}

/// What the header says about a film.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    /// MP4 or WebM.
    pub container: Container,
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Duration in seconds.
    pub seconds: f64,
}

/// Reads a film's container header: MP4 or WebM, its frame size and duration. The error says
/// what is wrong in plain words.
pub fn probe(bytes: &[u8]) -> Result<Probe, String> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        probe_mp4(bytes)
    } else if bytes.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]) {
        probe_webm(bytes)
    } else {
        Err(tr!(
            "this is not an MP4 or WebM film (its first bytes say neither)",
            "dit is geen MP4- of WebM-film (de eerste bytes zeggen geen van beide)"
        ))
    }
}

fn damaged(why: impl std::fmt::Display) -> String {
    tr!(
        "the film's header cannot be read ({why}); export it again as MP4 (H.264) or WebM",
        "de kop van de film is niet te lezen ({why}); exporteer hem opnieuw als MP4 (H.264) of WebM",
        why = why
    )
}

fn probe_mp4(bytes: &[u8]) -> Result<Probe, String> {
    let ctx = mp4parse::read_mp4(&mut Cursor::new(bytes)).map_err(|e| damaged(format!("{e:?}")))?;
    let track = ctx
        .tracks
        .iter()
        .find(|t| t.track_type == mp4parse::TrackType::Video)
        .ok_or_else(|| {
            tr!(
                "the MP4 file has no video track",
                "het MP4-bestand heeft geen videospoor"
            )
        })?;
    let tkhd = track
        .tkhd
        .as_ref()
        .ok_or_else(|| damaged("no track header"))?;
    let seconds = match (&track.duration, &track.timescale) {
        (Some(d), Some(s)) if s.0 > 0 => d.0 as f64 / s.0 as f64,
        _ => match (&ctx.timescale, tkhd.duration) {
            (Some(s), d) if s.0 > 0 => d as f64 / s.0 as f64,
            _ => return Err(damaged("no duration")),
        },
    };
    Ok(Probe {
        container: Container::Mp4,
        width: tkhd.width >> 16,
        height: tkhd.height >> 16,
        seconds,
    })
}

/// An EBML element: its id, where its data starts and its length (checked against the file).
struct Element {
    id: u32,
    start: usize,
    len: usize,
}

/// Reads an EBML variable-length integer at `at`: (value, length). `marker` keeps the length
/// marker bit (element ids keep it, sizes do not). `None` for "unknown size" (all ones).
fn vint(b: &[u8], at: usize, marker: bool) -> Result<(Option<u64>, usize), String> {
    let first = *b.get(at).ok_or_else(|| damaged("cut short"))?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 || at + len > b.len() {
        return Err(damaged("a bad element size"));
    }
    let mask = if len >= 8 { 0 } else { 0xffu8 >> len };
    let mut v = u64::from(if marker { first } else { first & mask });
    for i in 1..len {
        v = (v << 8) | u64::from(b[at + i]);
    }
    let all_ones = !marker && v == (1u64 << (7 * len)) - 1;
    Ok((if all_ones { None } else { Some(v) }, len))
}

/// The elements directly inside `b[from..to]`, each checked to lie within it. An element of
/// unknown size (live streams) runs to the end of its parent.
fn children(b: &[u8], from: usize, to: usize) -> Result<Vec<Element>, String> {
    let mut out = Vec::new();
    let mut at = from;
    while at < to {
        let (id, id_len) = vint(b, at, true)?;
        let (size, size_len) = vint(b, at + id_len, false)?;
        let start = at + id_len + size_len;
        let len = match size {
            Some(s) if s <= (to.saturating_sub(start)) as u64 => s as usize,
            Some(_) => return Err(damaged("an element runs past the end of the file")),
            None => to.saturating_sub(start),
        };
        out.push(Element {
            id: id.unwrap_or(0) as u32,
            start,
            len,
        });
        at = start + len;
        if out.len() > 100_000 {
            return Err(damaged("too many elements"));
        }
    }
    Ok(out)
}

fn uint(b: &[u8], e: &Element) -> u64 {
    b[e.start..e.start + e.len.min(8)]
        .iter()
        .fold(0, |v, x| (v << 8) | u64::from(*x))
}

fn float(b: &[u8], e: &Element) -> Option<f64> {
    let d = &b[e.start..e.start + e.len];
    match d.len() {
        4 => Some(f64::from(f32::from_be_bytes(d.try_into().ok()?))),
        8 => Some(f64::from_be_bytes(d.try_into().ok()?)),
        _ => None,
    }
}

fn probe_webm(b: &[u8]) -> Result<Probe, String> {
    const EBML: u32 = 0x1A45_DFA3;
    const DOC_TYPE: u32 = 0x4282;
    const SEGMENT: u32 = 0x1853_8067;
    const INFO: u32 = 0x1549_A966;
    const TIMECODE_SCALE: u32 = 0x2A_D7B1;
    const DURATION: u32 = 0x4489;
    const TRACKS: u32 = 0x1654_AE6B;
    const TRACK_ENTRY: u32 = 0xAE;
    const VIDEO: u32 = 0xE0;
    const PIXEL_WIDTH: u32 = 0xB0;
    const PIXEL_HEIGHT: u32 = 0xBA;
    let top = children(b, 0, b.len())?;
    let header = top
        .iter()
        .find(|e| e.id == EBML)
        .ok_or_else(|| damaged("no EBML header"))?;
    let doc_type = children(b, header.start, header.start + header.len)?
        .into_iter()
        .find(|e| e.id == DOC_TYPE)
        .map(|e| {
            String::from_utf8_lossy(&b[e.start..e.start + e.len])
                .trim_end_matches('\0')
                .to_string()
        })
        .unwrap_or_default();
    if doc_type != "webm" {
        return Err(tr!(
            "this Matroska file is `{doc}`, not WebM; export the film as MP4 (H.264) or WebM",
            "dit Matroska-bestand is `{doc}`, geen WebM; exporteer de film als MP4 (H.264) of WebM",
            doc = doc_type
        ));
    }
    let segment = top
        .iter()
        .find(|e| e.id == SEGMENT)
        .ok_or_else(|| damaged("no segment"))?;
    let mut scale = 1_000_000u64;
    let mut duration = None;
    let mut size = None;
    // Only the segment's header elements: Info and Tracks come before the clusters, and a
    // cluster is skipped by its size without being read.
    for e in children(b, segment.start, segment.start + segment.len)? {
        match e.id {
            INFO => {
                for i in children(b, e.start, e.start + e.len)? {
                    match i.id {
                        TIMECODE_SCALE => scale = uint(b, &i).max(1),
                        DURATION => duration = float(b, &i),
                        _ => {}
                    }
                }
            }
            TRACKS => {
                for t in children(b, e.start, e.start + e.len)? {
                    if t.id != TRACK_ENTRY || size.is_some() {
                        continue;
                    }
                    for v in children(b, t.start, t.start + t.len)? {
                        if v.id == VIDEO {
                            let mut w = 0;
                            let mut h = 0;
                            for p in children(b, v.start, v.start + v.len)? {
                                match p.id {
                                    PIXEL_WIDTH => w = uint(b, &p),
                                    PIXEL_HEIGHT => h = uint(b, &p),
                                    _ => {}
                                }
                            }
                            size = Some((w, h));
                        }
                    }
                }
            }
            _ => {}
        }
        if duration.is_some() && size.is_some() {
            break;
        }
    }
    let (width, height) = size.ok_or_else(|| {
        tr!(
            "the WebM file has no video track",
            "het WebM-bestand heeft geen videospoor"
        )
    })?;
    let seconds = duration
        .filter(|d| d.is_finite() && *d >= 0.0)
        .map(|d| d * scale as f64 / 1e9)
        .ok_or_else(|| damaged("no duration"))?;
    Ok(Probe {
        container: Container::WebM,
        width: u32::try_from(width).unwrap_or(u32::MAX),
        height: u32::try_from(height).unwrap_or(u32::MAX),
        seconds,
    })
}

/// One caption: from and to in milliseconds, its lines, and the line of the caption file it
/// starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Start, ms.
    pub start: u64,
    /// End, ms.
    pub end: u64,
    /// The text, one entry per line on screen.
    pub lines: Vec<String>,
    /// 1-based line of the timing line in the caption file.
    pub line: usize,
}

/// A problem in a caption file: the line, whether it only warns, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptionProblem {
    /// 1-based line in the caption file.
    pub line: usize,
    /// A warning (too fast to read) rather than an error.
    pub warning: bool,
    /// What is wrong, with what would be right.
    pub message: String,
}

/// `00:01:02,345` (SRT) or `00:01:02.345` / `01:02.345` (WebVTT) in milliseconds.
fn timestamp(s: &str) -> Option<u64> {
    let s = s.trim();
    let (hms, ms) = s.rsplit_once([',', '.'])?;
    if ms.len() != 3 || !ms.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let nums: Vec<u64> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (h, m, sec) = match nums[..] {
        [h, m, s] => (h, m, s),
        [m, s] => (0, m, s),
        _ => return None,
    };
    if m > 59 || sec > 59 || h > 99 {
        return None;
    }
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms.parse::<u64>().ok()?)
}

/// The visible text of a caption line: WebVTT tags (`<i>`, `<c.x>`, `<v Name>`) and SRT's
/// `<i>` / `{\an8}` taken out, entities read.
fn visible(line: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut in_brace = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '{' if !in_tag => in_brace = true,
            '}' if in_brace => in_brace = false,
            c if !in_tag && !in_brace => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

/// Parses an SRT or WebVTT file (by its `WEBVTT` header) and checks every cue: times readable,
/// in order, not overlapping, at most [`MAX_LINES`] lines of [`MAX_LINE_CHARS`] characters;
/// a warning above [`MAX_CPS`] characters per second.
pub fn parse_captions(text: &str) -> (Vec<Cue>, Vec<CaptionProblem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let vtt = text.starts_with("WEBVTT");
    let lines: Vec<&str> = text.lines().collect();
    let mut cues = Vec::new();
    let mut problems = Vec::new();
    let err = |line: usize, message: String| CaptionProblem {
        line,
        warning: false,
        message,
    };
    let mut i = 0;
    if vtt {
        // The header block.
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
    }
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        // A block: optional identifier (a number in SRT), the timing line, the text.
        let block_start = i;
        let mut j = i;
        while j < lines.len() && !lines[j].trim().is_empty() {
            j += 1;
        }
        let block = &lines[i..j];
        i = j;
        if vtt
            && (block[0].starts_with("NOTE")
                || block[0].starts_with("STYLE")
                || block[0].starts_with("REGION"))
        {
            continue;
        }
        let Some(t) = block.iter().position(|l| l.contains("-->")) else {
            problems.push(err(
                block_start + 1,
                tr!(
                    "this block has no timing line (`00:00:01,000 --> 00:00:03,000`)",
                    "dit blok heeft geen tijdregel (`00:00:01,000 --> 00:00:03,000`)"
                ),
            ));
            continue;
        };
        let line_no = block_start + t + 1;
        let timing = block[t];
        let (from, rest) = timing.split_once("-->").unwrap_or((timing, ""));
        let to = rest.split_whitespace().next().unwrap_or("");
        let (Some(start), Some(end)) = (timestamp(from), timestamp(to)) else {
            problems.push(err(
                line_no,
                tr!(
                    "`{timing}` is not a timing line; write it as {example}",
                    "`{timing}` is geen tijdregel; schrijf hem als {example}",
                    timing = timing.trim(),
                    example = if vtt {
                        "00:00:01.000 --> 00:00:03.500"
                    } else {
                        "00:00:01,000 --> 00:00:03,500"
                    }
                ),
            ));
            continue;
        };
        let text: Vec<String> = block[t + 1..]
            .iter()
            .map(|l| visible(l).trim().to_string())
            .collect();
        if end <= start {
            problems.push(err(
                line_no,
                tr!(
                    "this caption ends before it starts",
                    "deze ondertitel eindigt voordat hij begint"
                ),
            ));
        }
        if let Some(prev) = cues.last().map(|c: &Cue| (c.start, c.end)) {
            if start < prev.0 {
                problems.push(err(
                    line_no,
                    tr!(
                        "this caption starts before the one above it; captions go in time order",
                        "deze ondertitel begint vóór die erboven; ondertitels staan op volgorde van tijd"
                    ),
                ));
            } else if start < prev.1 {
                problems.push(err(
                    line_no,
                    tr!(
                        "this caption starts before the one above it ends ({ms} ms overlap); let one end before the next starts",
                        "deze ondertitel begint voordat die erboven eindigt ({ms} ms overlap); laat de ene eindigen voor de volgende begint",
                        ms = prev.1 - start
                    ),
                ));
            }
        }
        if text.is_empty() || text.iter().all(String::is_empty) {
            problems.push(err(
                line_no,
                tr!(
                    "this caption has no text",
                    "deze ondertitel heeft geen tekst"
                ),
            ));
        }
        if text.len() > MAX_LINES {
            problems.push(err(
                line_no + MAX_LINES + 1,
                tr!(
                    "this caption has {n} lines; at most {max} fit on screen",
                    "deze ondertitel heeft {n} regels; er passen er hoogstens {max} in beeld",
                    n = text.len(),
                    max = MAX_LINES
                ),
            ));
        }
        for (k, l) in text.iter().enumerate() {
            let n = l.chars().count();
            if n > MAX_LINE_CHARS {
                problems.push(err(
                    line_no + k + 1,
                    tr!(
                        "this caption line has {n} characters; at most {max} are readable (split it over two lines or two captions)",
                        "deze ondertitelregel heeft {n} tekens; hoogstens {max} zijn leesbaar (verdeel hem over twee regels of twee ondertitels)",
                        n = n,
                        max = MAX_LINE_CHARS
                    ),
                ));
            }
        }
        if end > start {
            let chars: usize = text.iter().map(|l| l.chars().count()).sum();
            let cps = chars as f64 / ((end - start) as f64 / 1000.0);
            if cps > MAX_CPS {
                problems.push(CaptionProblem {
                    line: line_no,
                    warning: true,
                    message: tr!(
                        "this caption asks for {cps} characters a second; above {max} most viewers cannot finish reading it",
                        "deze ondertitel vraagt {cps} tekens per seconde; boven {max} kunnen de meeste kijkers hem niet uitlezen",
                        cps = crate::util::decimal(cps, 1),
                        max = MAX_CPS
                    ),
                });
            }
        }
        cues.push(Cue {
            start,
            end,
            lines: text,
            line: line_no,
        });
        if cues.len() > MAX_CUES {
            problems.push(err(
                line_no,
                tr!(
                    "more than {max} captions; partnerkit reads no further",
                    "meer dan {max} ondertitels; partnerkit leest niet verder",
                    max = MAX_CUES
                ),
            ));
            break;
        }
    }
    (cues, problems)
}

fn clock(ms: u64, sep: char) -> String {
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}{sep}{f:03}")
}

/// The cues as SRT.
pub fn to_srt(cues: &[Cue]) -> String {
    let mut out = String::new();
    for (i, c) in cues.iter().enumerate() {
        out.push_str(&format!(
            "{}\r\n{} --> {}\r\n{}\r\n\r\n",
            i + 1,
            clock(c.start, ','),
            clock(c.end, ','),
            c.lines.join("\r\n")
        ));
    }
    out
}

/// The cues as WebVTT (text escaped, so a caption is never read as markup).
pub fn to_vtt(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for c in cues {
        let text: Vec<String> = c
            .lines
            .iter()
            .map(|l| {
                l.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            })
            .collect();
        out.push_str(&format!(
            "{} --> {}\n{}\n\n",
            clock(c.start, '.'),
            clock(c.end, '.'),
            text.join("\n")
        ));
    }
    out
}

/// The captions as a transcript: paragraphs broken where the speech pauses for 2 s or more.
pub fn transcript(cues: &[Cue]) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut last_end = None;
    for c in cues {
        let text = c.lines.join(" ");
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match (paragraphs.last_mut(), last_end) {
            (Some(p), Some(end)) if c.start.saturating_sub(end) < 2000 => {
                p.push(' ');
                p.push_str(text);
            }
            _ => paragraphs.push(text.to_string()),
        }
        last_end = Some(c.end);
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_srt_and_vtt_alike_and_writes_both() {
        let srt = "1\n00:00:01,000 --> 00:00:03,500\nIk ben niet\nde uitzondering.\n\n2\n00:00:04,000 --> 00:00:06,000\n<i>Echt niet.</i>\n";
        let vtt = "WEBVTT\n\nNOTE a note\n\n00:01.000 --> 00:03.500 align:start\nIk ben niet\nde uitzondering.\n\nx\n00:00:04.000 --> 00:00:06.000\n<v Esther>Echt niet.\n";
        let (a, pa) = parse_captions(srt);
        let (b, pb) = parse_captions(vtt);
        assert!(pa.is_empty() && pb.is_empty(), "{pa:?} {pb:?}");
        assert_eq!(
            a.iter()
                .map(|c| (c.start, c.end, c.lines.clone()))
                .collect::<Vec<_>>(),
            b.iter()
                .map(|c| (c.start, c.end, c.lines.clone()))
                .collect::<Vec<_>>()
        );
        assert_eq!(parse_captions(&to_srt(&a)).0.len(), 2);
        assert_eq!(parse_captions(&to_vtt(&a)).0, parse_captions(&to_vtt(&b)).0);
        assert!(to_vtt(&a).starts_with("WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n"));
        assert_eq!(
            transcript(&a),
            vec!["Ik ben niet de uitzondering. Echt niet."]
        );
    }

    #[test]
    fn names_every_problem_at_its_line() {
        let srt = "1\n00:00:05,000 --> 00:00:04,000\nterug\n\n2\n00:00:04,500 --> 00:00:09,000\nRegel een\nRegel twee\nRegel drie\n\n3\n00:00:08,000 --> 00:00:09,000\nDeze regel is veel te lang om in één keer te lezen, echt waar\n\n4\nniet een tijd\nx\n";
        let (_, problems) = parse_captions(srt);
        let at: Vec<(usize, bool)> = problems.iter().map(|p| (p.line, p.warning)).collect();
        assert!(
            at.contains(&(2, false)),
            "ends before it starts: {problems:?}"
        );
        assert!(
            at.contains(&(6, false)),
            "before the one above: {problems:?}"
        );
        assert!(at.contains(&(9, false)), "three lines: {problems:?}");
        assert!(at.contains(&(12, false)), "overlap: {problems:?}");
        assert!(at.contains(&(13, false)), "too long a line: {problems:?}");
        assert!(at.contains(&(12, true)), "too fast: {problems:?}");
        assert!(
            at.iter().any(|(l, _)| *l == 15),
            "no timing line: {problems:?}"
        );
    }

    #[test]
    fn refuses_what_is_not_a_film_and_bounds_every_size() {
        assert!(probe(b"hello, this is text").is_err());
        // An EBML header that declares an element of 2^55 bytes.
        let mut evil = vec![
            0x1a, 0x45, 0xdf, 0xa3, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        ];
        evil.extend_from_slice(&[0u8; 16]);
        assert!(probe(&evil).is_err());
        // An MP4 that is only a file-type box.
        let mut mp4 = vec![0, 0, 0, 16];
        mp4.extend_from_slice(b"ftypisom\0\0\0\0");
        assert!(probe(&mp4).is_err());
    }
}
