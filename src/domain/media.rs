//! Attachment kinds and the rules an uploaded file must meet before it is stored (F14): size and
//! type limits, content sniffing (the bytes decide, not the name) and the sticker format.
//!
//! Pure: every function takes the bytes and the settings and returns a decision. The caller
//! stores a file only after [`check_upload`] accepted it, and keeps the [`CheckedFile::mime`] it
//! returned, never the type the client declared.

use std::fmt;
use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader};
use serde::{Deserialize, Serialize};

/// What an attachment is, which decides how it is shown and which types it may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// A file shown as a download: PDF, text, office documents, archives.
    Document,
    /// A sound file played inline.
    Audio,
    /// A video played inline.
    Video,
    /// A picture shown inline.
    Image,
    /// A 512×512 transparent PNG or WebP under 100 KB, shown without a bubble.
    Sticker,
    /// A voice message recorded in the composer.
    Voice,
}

impl AttachmentKind {
    /// Every kind, in display order.
    pub const ALL: [AttachmentKind; 6] = [
        AttachmentKind::Document,
        AttachmentKind::Audio,
        AttachmentKind::Video,
        AttachmentKind::Image,
        AttachmentKind::Sticker,
        AttachmentKind::Voice,
    ];

    /// The kind's name as used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Document => "document",
            AttachmentKind::Audio => "audio",
            AttachmentKind::Video => "video",
            AttachmentKind::Image => "image",
            AttachmentKind::Sticker => "sticker",
            AttachmentKind::Voice => "voice",
        }
    }

    /// Parses a name produced by [`AttachmentKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What files of this kind must be, in words, for error messages.
    fn expects(self) -> &'static str {
        match self {
            AttachmentKind::Document => "documents, not images, audio or video",
            AttachmentKind::Audio => "audio",
            AttachmentKind::Video => "videos",
            AttachmentKind::Image => "images",
            AttachmentKind::Sticker => "PNG or WebP images",
            AttachmentKind::Voice => "audio recordings",
        }
    }

    /// Whether a file of (effective, normalized) type `mime` fits this kind.
    fn accepts(self, mime: &str) -> bool {
        let top = mime.split_once('/').map_or(mime, |(top, _)| top);
        match self {
            AttachmentKind::Document => !matches!(top, "image" | "audio" | "video"),
            AttachmentKind::Audio => top == "audio",
            AttachmentKind::Video => top == "video",
            AttachmentKind::Image => top == "image",
            AttachmentKind::Sticker => matches!(mime, "image/png" | "image/webp"),
            // Browsers record voice as WebM or MP4 and may label the container as video.
            AttachmentKind::Voice => top == "audio" || matches!(mime, "video/webm" | "video/mp4"),
        }
    }
}

impl fmt::Display for AttachmentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Largest attachment accepted by default: 25 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;
/// Side of a sticker in pixels; stickers are square.
pub const STICKER_SIDE: u32 = 512;
/// Stickers must weigh less than this: 100 KB (102,400 bytes).
pub const STICKER_MAX_BYTES: u64 = 100 * 1024;
/// Longest file name kept, in characters.
pub const MAX_FILENAME: usize = 200;

/// The types allowed by default: documents, images, audio (voice included) and video.
pub const DEFAULT_ALLOWED_TYPES: [&str; 23] = [
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/zip",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "audio/webm",
    "audio/mp4",
    "audio/aac",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "video/ogg",
];

/// Configurable size and type limits for attachments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MediaLimits {
    /// Largest accepted file, in bytes.
    pub max_bytes: u64,
    /// Accepted MIME types: exact (`image/png`) or a wildcard (`image/*`, `*/*`).
    pub allowed_types: Vec<String>,
}

impl Default for MediaLimits {
    fn default() -> Self {
        MediaLimits {
            max_bytes: DEFAULT_MAX_BYTES,
            allowed_types: DEFAULT_ALLOWED_TYPES.iter().map(|t| t.to_string()).collect(),
        }
    }
}

impl MediaLimits {
    /// Whether the normalized type `mime` matches an entry of [`MediaLimits::allowed_types`].
    pub fn allows(&self, mime: &str) -> bool {
        self.allowed_types.iter().filter_map(|entry| normalize(entry)).any(|entry| match entry.strip_suffix("/*") {
            Some("*") => true,
            Some(top) => mime.split_once('/').is_some_and(|(t, _)| t == top),
            None => entry == "*" || entry == mime,
        })
    }
}

/// An accepted upload: its real type and, for PNG and WebP images, its size in pixels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedFile {
    /// The effective MIME type (from the content when it can be recognized).
    pub mime: String,
    /// Width in pixels, for images whose header could be read.
    pub width: Option<u32>,
    /// Height in pixels, for images whose header could be read.
    pub height: Option<u32>,
}

/// Why an upload was refused: one variant per rule, with a message that says what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The file has no content.
    #[error("the file is empty (0 bytes); choose a file with content")]
    Empty,
    /// The file is over [`MediaLimits::max_bytes`].
    #[error("{}", too_large(*.size, *.limit))]
    TooLarge {
        /// Size of the file, in bytes.
        size: u64,
        /// The configured limit, in bytes.
        limit: u64,
    },
    /// No declared type, no known extension and unrecognizable content.
    #[error("cannot tell what type of file \"{filename}\" is; upload it with its Content-Type or a known extension")]
    UnknownType {
        /// The cleaned file name.
        filename: String,
    },
    /// The type is not in [`MediaLimits::allowed_types`].
    #[error("files of type {mime} are not allowed; an administrator can allow them in the attachment settings")]
    TypeNotAllowed {
        /// The effective type.
        mime: String,
    },
    /// The type does not fit the attachment kind (a PDF sent as an image).
    #[error("{kind} attachments must be {}; this file is {mime}", .kind.expects())]
    KindMismatch {
        /// The kind asked for.
        kind: AttachmentKind,
        /// The effective type.
        mime: String,
    },
    /// The declared type contradicts the content.
    #[error("the file is labelled {declared} but its content is {actual}; upload it with its real type")]
    ContentMismatch {
        /// The type the client declared.
        declared: String,
        /// The type recognized from the bytes.
        actual: String,
    },
    /// The declared type is one that can be recognized, but the bytes are not of that type.
    #[error(
        "the file is labelled {declared} but its content is not recognisable as {declared}; it may be damaged or mislabelled"
    )]
    NotRecognized {
        /// The type the client declared.
        declared: String,
    },
    /// Declared as text, but not UTF-8 text.
    #[error(
        "the file is labelled {declared} but is not UTF-8 text (it contains binary data); save it as UTF-8 or upload it as another type"
    )]
    NotText {
        /// The type the client declared.
        declared: String,
    },
    /// A sticker that is not PNG or WebP.
    #[error("stickers must be PNG or WebP; this file is {mime}")]
    StickerFormat {
        /// The effective type.
        mime: String,
    },
    /// A sticker that is not 512×512 pixels.
    #[error("stickers must be exactly 512×512 pixels; this one is {width}×{height}")]
    StickerSize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// A sticker without an alpha channel.
    #[error("stickers need a transparent background (an alpha channel); this {format} has none")]
    StickerNoAlpha {
        /// `PNG` or `WebP`.
        format: &'static str,
    },
    /// A sticker of 100 KB or more.
    #[error("stickers must be under 100 KB; this one is {}", sticker_weight(*.size))]
    StickerTooHeavy {
        /// Size of the file, in bytes.
        size: u64,
    },
    /// An image whose header could not be read.
    #[error("the image could not be read ({0}); it may be damaged")]
    Unreadable(String),
}

impl MediaError {
    /// A stable machine-readable code for the rule that failed, for API clients.
    pub fn rule(&self) -> &'static str {
        match self {
            MediaError::Empty => "empty",
            MediaError::TooLarge { .. } => "too_large",
            MediaError::UnknownType { .. } => "type_unknown",
            MediaError::TypeNotAllowed { .. } => "type_not_allowed",
            MediaError::KindMismatch { .. } => "kind_mismatch",
            MediaError::ContentMismatch { .. } => "content_mismatch",
            MediaError::NotRecognized { .. } => "content_unrecognized",
            MediaError::NotText { .. } => "not_text",
            MediaError::StickerFormat { .. } => "sticker_format",
            MediaError::StickerSize { .. } => "sticker_size",
            MediaError::StickerNoAlpha { .. } => "sticker_no_alpha",
            MediaError::StickerTooHeavy { .. } => "sticker_too_heavy",
            MediaError::Unreadable(_) => "unreadable",
        }
    }
}

/// Checks an upload against the limits and the rules of its kind, and returns its real type.
///
/// Order: not empty, not over the size limit, declared type consistent with the content, type
/// fits the kind (for stickers: PNG or WebP), type allowed, then for stickers 512×512, alpha
/// channel and under 100 KB. The first failing rule is reported.
pub fn check_upload(
    kind: AttachmentKind,
    declared_mime: Option<&str>,
    filename: &str,
    bytes: &[u8],
    limits: &MediaLimits,
) -> Result<CheckedFile, MediaError> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(MediaError::Empty);
    }
    if size > limits.max_bytes {
        return Err(MediaError::TooLarge { size, limit: limits.max_bytes });
    }
    let mime = effective_type(declared_mime, filename, bytes)?;
    if !kind.accepts(&mime) {
        return Err(match kind {
            AttachmentKind::Sticker => MediaError::StickerFormat { mime },
            _ => MediaError::KindMismatch { kind, mime },
        });
    }
    if !limits.allows(&mime) {
        return Err(MediaError::TypeNotAllowed { mime });
    }
    let header = if mime.starts_with("image/") { read_header(bytes)? } else { None };
    if kind == AttachmentKind::Sticker {
        let Some(h) = header else {
            return Err(MediaError::Unreadable(format!("no {mime} header found")));
        };
        if (h.width, h.height) != (STICKER_SIDE, STICKER_SIDE) {
            return Err(MediaError::StickerSize { width: h.width, height: h.height });
        }
        if !h.alpha {
            let format = if h.format == ImageFormat::Png { "PNG" } else { "WebP" };
            return Err(MediaError::StickerNoAlpha { format });
        }
        if size >= STICKER_MAX_BYTES {
            return Err(MediaError::StickerTooHeavy { size });
        }
    }
    let (width, height) = header.map(|h| (h.width, h.height)).unzip();
    Ok(CheckedFile { mime, width, height })
}

/// Recognizes a file type from its first bytes, for the types Switchboard accepts by default.
/// Text has no signature and is never recognized here.
pub fn sniff_mime(bytes: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    let mime = if at(0, b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if at(0, &[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        "image/gif"
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        "image/webp"
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        "audio/wav"
    } else if at(0, b"%PDF-") {
        "application/pdf"
    } else if at(0, b"PK\x03\x04") || at(0, b"PK\x05\x06") {
        "application/zip"
    } else if at(0, b"OggS") {
        "audio/ogg"
    } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        "video/webm"
    } else if at(4, b"ftyp") {
        match bytes.get(8..12) {
            Some(b"qt  ") => "video/quicktime",
            Some(b"M4A " | b"M4B " | b"M4P ") => "audio/mp4",
            _ => "video/mp4",
        }
    } else if at(0, b"ID3") {
        "audio/mpeg"
    } else {
        return mpeg_frame(bytes);
    };
    Some(mime)
}

/// Cleans a client's file name for display and downloads: drops any path, control and
/// direction-override characters, trims, keeps at most [`MAX_FILENAME`] characters (keeping the
/// extension), and falls back to `file`.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let kept: String = base.chars().filter(|&c| !c.is_control() && !is_bidi_control(c)).collect();
    let name = kept.trim();
    if name.is_empty() || name == "." || name == ".." {
        return "file".to_string();
    }
    if name.chars().count() <= MAX_FILENAME {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 16 => (stem, Some(ext)),
        _ => (name, None),
    };
    let room = MAX_FILENAME - ext.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    match ext {
        Some(ext) => format!("{}.{ext}", stem.trim_end()),
        None => stem.trim_end().to_string(),
    }
}

/// Unicode direction controls, which can disguise `gpj.exe` as `exe.jpg`.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// An MPEG audio frame header (MP3 without ID3 tag) or an ADTS AAC header.
fn mpeg_frame(bytes: &[u8]) -> Option<&'static str> {
    let &[0xFF, b1, b2, ..] = bytes else { return None };
    let (version, layer) = ((b1 >> 3) & 0b11, (b1 >> 1) & 0b11);
    if b1 & 0xE0 != 0xE0 || version == 0b01 || b2 >> 4 == 0xF {
        return None;
    }
    match layer {
        0b00 if b1 & 0xF6 == 0xF0 => Some("audio/aac"),
        0b00 => None,
        _ if (b2 >> 2) & 0b11 == 0b11 => None,
        _ => Some("audio/mpeg"),
    }
}

/// The types a recognized container may legitimately be declared as (office files are ZIP
/// archives; an MP4 or WebM may hold only audio).
fn family(sniffed: &str) -> &'static [&'static str] {
    match sniffed {
        "application/zip" => &[
            "application/zip",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation",
        ],
        "video/mp4" | "audio/mp4" | "video/quicktime" => &["video/mp4", "audio/mp4", "audio/aac", "video/quicktime"],
        "video/webm" => &["video/webm", "audio/webm"],
        "audio/ogg" => &["audio/ogg", "video/ogg"],
        _ => &[],
    }
}

/// Every type [`sniff_mime`] can return.
const SNIFFED: [&str; 14] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/wav",
    "application/pdf",
    "application/zip",
    "audio/ogg",
    "video/webm",
    "video/quicktime",
    "audio/mp4",
    "video/mp4",
    "audio/mpeg",
    "audio/aac",
];

/// Whether content recognized as `sniffed` may be declared as `declared`.
fn fits_content(declared: &str, sniffed: &str) -> bool {
    declared == sniffed || family(sniffed).contains(&declared)
}

/// Lower-cases a MIME type, drops its parameters and maps common aliases to one name. `None`
/// for an empty type or `application/octet-stream`, which say nothing.
fn normalize(mime: &str) -> Option<String> {
    let mime = mime.split_once(';').map_or(mime, |(t, _)| t).trim().to_ascii_lowercase();
    let canonical = match mime.as_str() {
        "" | "application/octet-stream" => return None,
        "image/jpg" | "image/pjpeg" => "image/jpeg",
        "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => "audio/wav",
        "audio/mp3" | "audio/mpeg3" | "audio/x-mpeg" => "audio/mpeg",
        "audio/x-m4a" | "audio/m4a" => "audio/mp4",
        "audio/x-aac" => "audio/aac",
        "application/x-zip-compressed" | "application/x-zip" => "application/zip",
        "application/ogg" => "audio/ogg",
        "text/x-csv" | "application/csv" | "text/comma-separated-values" => "text/csv",
        _ => return Some(mime),
    };
    Some(canonical.to_string())
}

/// The type a file name's extension suggests, for files sent without a Content-Type.
fn type_from_name(filename: &str) -> Option<&'static str> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" | "log" => "text/plain",
        "csv" => "text/csv",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "m4a" => "audio/mp4",
        "weba" => "audio/webm",
        _ => return None,
    })
}

/// The type to trust: recognized from the content when possible (a declared type must agree
/// with it), else the declared type (or the extension's), checked as far as it can be.
fn effective_type(declared: Option<&str>, filename: &str, bytes: &[u8]) -> Result<String, MediaError> {
    let by_name = type_from_name(filename);
    let declared = match (declared.and_then(normalize), by_name) {
        // Windows browsers label every .csv file as an Excel sheet.
        (Some(d), Some("text/csv")) if d == "application/vnd.ms-excel" => Some("text/csv".to_string()),
        (d, _) => d,
    };
    if let Some(actual) = sniff_mime(bytes) {
        return match declared {
            Some(d) if fits_content(&d, actual) => Ok(d),
            Some(d) => Err(MediaError::ContentMismatch { declared: d, actual: actual.to_string() }),
            // A name is weaker than a label: a misnamed file takes its real type.
            None => Ok(by_name.filter(|n| fits_content(n, actual)).unwrap_or(actual).to_string()),
        };
    }
    let Some(label) = declared.or_else(|| by_name.map(String::from)) else {
        return Err(MediaError::UnknownType { filename: clean_filename(filename) });
    };
    if label.starts_with("text/") {
        let is_text = !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok();
        return if is_text { Ok(label) } else { Err(MediaError::NotText { declared: label }) };
    }
    if SNIFFED.iter().any(|s| fits_content(&label, s)) {
        return Err(MediaError::NotRecognized { declared: label });
    }
    Ok(label)
}

/// What the header of a PNG or WebP image says.
#[derive(Clone, Copy)]
struct Header {
    format: ImageFormat,
    width: u32,
    height: u32,
    alpha: bool,
}

/// Reads the header (not the pixels) of a PNG or WebP image; `None` for other formats, which
/// this build cannot decode.
fn read_header(bytes: &[u8]) -> Result<Option<Header>, MediaError> {
    let unreadable = |e: &dyn fmt::Display| MediaError::Unreadable(e.to_string());
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| unreadable(&e))?;
    let format = match reader.format() {
        Some(f @ (ImageFormat::Png | ImageFormat::WebP)) => f,
        _ => return Ok(None),
    };
    let decoder = reader.into_decoder().map_err(|e| unreadable(&e))?;
    let (width, height) = decoder.dimensions();
    Ok(Some(Header { format, width, height, alpha: decoder.color_type().has_alpha() }))
}

/// A size in bytes for people: `512 bytes`, `120.0 KB`, `30.2 MB` (1 KB = 1024 bytes).
fn human(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")];
    match UNITS.iter().find(|(scale, _)| n >= *scale) {
        Some((scale, unit)) => format!("{:.1} {unit}", n as f64 / *scale as f64),
        None => format!("{n} bytes"),
    }
}

/// A limit for people: like [`human`] without a useless `.0` (`25 MB`).
fn human_limit(n: u64) -> String {
    human(n).replace(".0 ", " ")
}

/// `26,214,401 bytes`: exact, for when rounding would hide the difference.
fn exact(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out} bytes")
}

/// The message of [`MediaError::TooLarge`].
fn too_large(size: u64, limit: u64) -> String {
    if human(size) == human(limit) {
        format!("the file is {}; the limit is {}", exact(size), exact(limit))
    } else {
        format!("the file is {}; the limit is {}", human(size), human_limit(limit))
    }
}

/// The weight of a refused sticker, exact when it rounds to the limit.
fn sticker_weight(size: u64) -> String {
    if human(size) == human(STICKER_MAX_BYTES) {
        format!("{} (100 KB is {})", exact(size), exact(STICKER_MAX_BYTES))
    } else {
        human(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::webp::WebPEncoder;
    use image::{DynamicImage, Rgb, RgbImage, Rgba, RgbaImage};

    fn check(
        kind: AttachmentKind,
        declared: Option<&str>,
        name: &str,
        bytes: &[u8],
    ) -> Result<CheckedFile, MediaError> {
        check_upload(kind, declared, name, bytes, &MediaLimits::default())
    }

    fn sticker(bytes: &[u8]) -> Result<CheckedFile, MediaError> {
        check(AttachmentKind::Sticker, None, "sticker", bytes)
    }

    fn png(img: impl Into<DynamicImage>) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.into().write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn webp(img: impl Into<DynamicImage>) -> Vec<u8> {
        let mut out = Vec::new();
        img.into().write_with_encoder(WebPEncoder::new_lossless(&mut out)).unwrap();
        out
    }

    /// A transparent square with an opaque disc in the middle.
    fn disc(width: u32, height: u32) -> RgbaImage {
        RgbaImage::from_fn(width, height, |x, y| {
            let (dx, dy) = (i64::from(x) - 256, i64::from(y) - 256);
            if dx * dx + dy * dy < 200 * 200 { Rgba([230, 40, 90, 255]) } else { Rgba([0, 0, 0, 0]) }
        })
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }

    /// A hand-made 512×512 1-bit palette PNG, all pixels index 0, with or without a tRNS chunk
    /// making index 0 transparent (the image crate cannot encode palette images).
    fn palette_png(trns: bool) -> Vec<u8> {
        let raw = vec![0u8; (1 + 512 / 8) * 512];
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in &raw {
            a = (a + u32::from(byte)) % 65521;
            b = (b + a) % 65521;
        }
        let len = u16::try_from(raw.len()).unwrap();
        let mut zlib = vec![0x78, 0x01, 0x01];
        zlib.extend(len.to_le_bytes());
        zlib.extend((!len).to_le_bytes());
        zlib.extend(&raw);
        zlib.extend(((b << 16) | a).to_be_bytes());
        let mut ihdr = [512u32.to_be_bytes(), 512u32.to_be_bytes()].concat();
        ihdr.extend([1, 3, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            out.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
            let body = [kind, data].concat();
            out.extend(&body);
            out.extend(crc32(&body).to_be_bytes());
        };
        chunk(b"IHDR", &ihdr);
        chunk(b"PLTE", &[0, 0, 0, 255, 255, 255]);
        if trns {
            chunk(b"tRNS", &[0]);
        }
        chunk(b"IDAT", &zlib);
        chunk(b"IEND", &[]);
        out
    }

    #[test]
    fn kinds_round_trip_through_their_names_and_serde() {
        for kind in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(AttachmentKind::parse("Sticker"), None);
    }

    #[test]
    fn rgba_png_and_webp_stickers_pass() {
        for bytes in [png(disc(512, 512)), webp(disc(512, 512))] {
            let file = sticker(&bytes).unwrap();
            assert_eq!((file.width, file.height), (Some(512), Some(512)));
        }
        assert_eq!(sticker(&webp(disc(512, 512))).unwrap().mime, "image/webp");
    }

    #[test]
    fn sticker_rules_give_exact_messages_in_order() {
        let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], b"\0\x10JFIF\0", &[0; 64]].concat();
        let err = sticker(&jpeg).unwrap_err();
        assert_eq!(err, MediaError::StickerFormat { mime: "image/jpeg".into() });
        assert_eq!(err.to_string(), "stickers must be PNG or WebP; this file is image/jpeg");
        assert_eq!(err.rule(), "sticker_format");

        // Wrong size and no alpha: the size is reported first.
        let err = sticker(&png(RgbImage::new(513, 512))).unwrap_err();
        assert_eq!(err, MediaError::StickerSize { width: 513, height: 512 });
        assert_eq!(err.to_string(), "stickers must be exactly 512×512 pixels; this one is 513×512");
        assert_eq!(err.rule(), "sticker_size");

        let err = sticker(&png(RgbImage::from_pixel(512, 512, Rgb([1, 2, 3])))).unwrap_err();
        assert_eq!(err, MediaError::StickerNoAlpha { format: "PNG" });
        assert_eq!(err.to_string(), "stickers need a transparent background (an alpha channel); this PNG has none");
        assert_eq!(err.rule(), "sticker_no_alpha");

        let err = sticker(&webp(RgbImage::new(512, 512))).unwrap_err();
        assert_eq!(err.to_string(), "stickers need a transparent background (an alpha channel); this WebP has none");
    }

    #[test]
    fn a_heavy_sticker_is_refused_with_its_weight() {
        let mut img = disc(512, 512);
        let mut seed = 0x2545_F491_u32;
        let mut bytes = Vec::new();
        for rows in (8..=512).step_by(8) {
            for pixel in img.rows_mut().take(rows).flatten() {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                *pixel = Rgba(seed.to_le_bytes());
            }
            bytes = png(img.clone());
            if bytes.len() >= 102_400 {
                break;
            }
        }
        assert!((102_400..200_000).contains(&bytes.len()), "encoded size {}", bytes.len());
        let err = sticker(&bytes).unwrap_err();
        assert_eq!(err, MediaError::StickerTooHeavy { size: bytes.len() as u64 });
        assert_eq!(err.rule(), "sticker_too_heavy");
        let expected = format!("stickers must be under 100 KB; this one is {:.1} KB", bytes.len() as f64 / 1024.0);
        assert_eq!(err.to_string(), expected);
        assert_eq!(
            MediaError::StickerTooHeavy { size: 122_880 }.to_string(),
            "stickers must be under 100 KB; this one is 120.0 KB"
        );
        assert_eq!(
            MediaError::StickerTooHeavy { size: 102_401 }.to_string(),
            "stickers must be under 100 KB; this one is 102,401 bytes (100 KB is 102,400 bytes)"
        );
    }

    #[test]
    fn palette_pngs_have_alpha_only_with_a_trns_chunk() {
        let file = sticker(&palette_png(true)).unwrap();
        assert_eq!(file.mime, "image/png");
        assert_eq!(sticker(&palette_png(false)).unwrap_err(), MediaError::StickerNoAlpha { format: "PNG" });
    }

    #[test]
    fn an_opaque_image_with_an_alpha_channel_passes() {
        // Only the channel is checked (from the header), not whether any pixel is transparent.
        let opaque = RgbaImage::from_pixel(512, 512, Rgba([9, 9, 9, 255]));
        assert!(sticker(&png(opaque.clone())).is_ok());
        assert!(sticker(&webp(opaque)).is_ok());
    }

    #[test]
    fn images_get_their_dimensions_when_the_format_is_built_in() {
        let file = check(AttachmentKind::Image, Some("image/png"), "a.png", &png(RgbImage::new(40, 30))).unwrap();
        assert_eq!(file, CheckedFile { mime: "image/png".into(), width: Some(40), height: Some(30) });
        let jpeg = [&[0xFF, 0xD8, 0xFF, 0xDB][..], &[0; 32]].concat();
        let file = check(AttachmentKind::Image, Some("image/jpg"), "a.jpg", &jpeg).unwrap();
        assert_eq!(file, CheckedFile { mime: "image/jpeg".into(), width: None, height: None });
        let broken = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDRbroken";
        assert_eq!(check(AttachmentKind::Image, None, "b.png", broken).unwrap_err().rule(), "unreadable");
    }

    #[test]
    fn a_label_that_contradicts_the_content_is_refused_naming_both() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";
        let err = check(AttachmentKind::Image, Some("image/png"), "x.png", pdf).unwrap_err();
        assert_eq!(err, MediaError::ContentMismatch { declared: "image/png".into(), actual: "application/pdf".into() });
        assert_eq!(
            err.to_string(),
            "the file is labelled image/png but its content is application/pdf; upload it with its real type"
        );
        let err = check(AttachmentKind::Image, Some("image/png"), "x.png", b"just some words").unwrap_err();
        assert_eq!(err.rule(), "content_unrecognized");
    }

    #[test]
    fn containers_accept_the_specific_types_they_carry() {
        let zip = b"PK\x03\x04\x14\0\0\0\x08\0";
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        assert_eq!(check(AttachmentKind::Document, Some(docx), "a.docx", zip).unwrap().mime, docx);
        assert_eq!(check(AttachmentKind::Document, None, "a.docx", zip).unwrap().mime, docx);
        assert_eq!(check(AttachmentKind::Document, None, "a.bin", zip).unwrap().mime, "application/zip");
        let webm = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81];
        let voice = check(AttachmentKind::Voice, Some("audio/webm;codecs=opus"), "v.webm", &webm).unwrap();
        assert_eq!(voice.mime, "audio/webm");
        assert_eq!(check(AttachmentKind::Voice, None, "v", &webm).unwrap().mime, "video/webm");
        let mp4 = b"\0\0\0\x20ftypisom\0\0\x02\0";
        assert_eq!(check(AttachmentKind::Voice, Some("audio/mp4"), "v.m4a", mp4).unwrap().mime, "audio/mp4");
        let err = check(AttachmentKind::Audio, None, "clip.mp4", mp4).unwrap_err();
        assert_eq!(err.to_string(), "audio attachments must be audio; this file is video/mp4");
    }

    #[test]
    fn sniffing_recognizes_every_signature() {
        let cases: [(&[u8], Option<&str>); 14] = [
            (b"GIF89a\x01\0", Some("image/gif")),
            (b"RIFF\x24\0\0\0WEBPVP8L", Some("image/webp")),
            (b"RIFF\x24\0\0\0WAVEfmt ", Some("audio/wav")),
            (b"OggS\0\x02", Some("audio/ogg")),
            (b"ID3\x04\0\0", Some("audio/mpeg")),
            (&[0xFF, 0xFB, 0x90, 0x64], Some("audio/mpeg")),
            (&[0xFF, 0xF1, 0x50, 0x80], Some("audio/aac")),
            (&[0xFF, 0xFB, 0xF0, 0x64], None),
            (b"\0\0\0\x14ftypqt  \0\0", Some("video/quicktime")),
            (b"\0\0\0\x1cftypM4A \0\0", Some("audio/mp4")),
            (b"\0\0\0\x1cftypmp42\0\0", Some("video/mp4")),
            (b"PK\x05\x06\0\0", Some("application/zip")),
            (b"hello", None),
            (b"", None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff_mime(bytes), expected, "{bytes:?}");
        }
    }

    #[test]
    fn text_is_trusted_only_when_it_is_utf8_without_nul() {
        let file = check(AttachmentKind::Document, Some("text/plain; charset=utf-8"), "n.txt", "città\n".as_bytes());
        assert_eq!(file.unwrap().mime, "text/plain");
        let csv = check(AttachmentKind::Document, Some("application/vnd.ms-excel"), "r.csv", b"a,b\n1,2\n");
        assert_eq!(csv.unwrap().mime, "text/csv");
        let err = check(AttachmentKind::Document, Some("text/plain"), "n.txt", b"abc\0def").unwrap_err();
        assert_eq!(err, MediaError::NotText { declared: "text/plain".into() });
        assert_eq!(check(AttachmentKind::Document, None, "n.txt", b"\xff\xfe").unwrap_err().rule(), "not_text");
        let err = check(AttachmentKind::Document, None, "mystery", b"\x01\x02").unwrap_err();
        assert_eq!(err.rule(), "type_unknown");
    }

    #[test]
    fn size_and_type_limits_are_enforced() {
        assert_eq!(check(AttachmentKind::Document, None, "e.txt", b"").unwrap_err(), MediaError::Empty);
        let limits = MediaLimits { max_bytes: 1 << 20, ..MediaLimits::default() };
        let big = vec![b'a'; 3 << 19];
        let err = check_upload(AttachmentKind::Document, Some("text/plain"), "a.txt", &big, &limits).unwrap_err();
        assert_eq!(err, MediaError::TooLarge { size: 3 << 19, limit: 1 << 20 });
        assert_eq!(err.to_string(), "the file is 1.5 MB; the limit is 1 MB");
        let err = MediaError::TooLarge { size: 31_667_815, limit: DEFAULT_MAX_BYTES };
        assert_eq!(err.to_string(), "the file is 30.2 MB; the limit is 25 MB");
        let err = MediaError::TooLarge { size: DEFAULT_MAX_BYTES + 1, limit: DEFAULT_MAX_BYTES };
        assert_eq!(err.to_string(), "the file is 26,214,401 bytes; the limit is 26,214,400 bytes");

        let only_images = MediaLimits { allowed_types: vec!["IMAGE/*".into()], ..MediaLimits::default() };
        let pdf = b"%PDF-1.4\n";
        let err = check_upload(AttachmentKind::Document, None, "a.pdf", pdf, &only_images).unwrap_err();
        assert_eq!(err, MediaError::TypeNotAllowed { mime: "application/pdf".into() });
        assert!(only_images.allows("image/gif") && !only_images.allows("audio/ogg"));
        let err = check(AttachmentKind::Document, Some("application/x-msdownload"), "a.exe", b"MZ\x90\0").unwrap_err();
        assert_eq!(err.rule(), "type_not_allowed");
        let err = check(AttachmentKind::Document, None, "p.png", &png(RgbImage::new(2, 2))).unwrap_err();
        assert_eq!(err.rule(), "kind_mismatch");
    }

    #[test]
    fn filenames_are_cleaned() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(clean_filename("  café\u{0}\n ☕.txt  "), "café ☕.txt");
        assert_eq!(clean_filename("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        for empty in ["", "  ", "a/", "..", "x/..", "\u{7}"] {
            assert_eq!(clean_filename(empty), "file");
        }
        let long = format!("{}.pdf", "é".repeat(300));
        let cleaned = clean_filename(&long);
        assert_eq!(cleaned.chars().count(), MAX_FILENAME);
        assert!(cleaned.ends_with("é.pdf"));
    }
}
