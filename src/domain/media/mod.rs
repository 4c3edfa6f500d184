//! Attachment kinds and the rules an uploaded file must meet before it is stored (F14): size and
//! type limits, content sniffing (the bytes decide, not the name) and the sticker format.
//!
//! Pure: every function takes the bytes and the settings and returns a decision. The caller
//! stores a file only after [`check_upload`] accepted it, and keeps the [`CheckedFile::mime`] it
//! returned, never the type the client declared.
//!
//! Recognising a type from its bytes and normalising MIME aliases live in `sniff`; the unit
//! tests live in `tests`.

use std::fmt;
use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader};
use serde::{Deserialize, Serialize};

mod sniff;
#[cfg(test)]
mod tests;

pub use sniff::sniff_mime;
use sniff::{effective_type, normalize};

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
    /// A sticker with an alpha channel but no pixel that is even partly transparent.
    #[error("stickers need a transparent background; every pixel of this one is opaque")]
    StickerOpaque,
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
            MediaError::StickerOpaque => "sticker_opaque",
            MediaError::Unreadable(_) => "unreadable",
        }
    }
}

/// Checks an upload against the limits and the rules of its kind, and returns its real type.
///
/// Order: not empty, not over the size limit, declared type consistent with the content, type
/// fits the kind (for stickers: PNG or WebP), type allowed, then for stickers 512×512, alpha
/// channel, under 100 KB and at least one pixel that is not fully opaque (the only rule that
/// decodes the pixels). The first failing rule is reported.
pub fn check_upload(
    kind: AttachmentKind,
    declared_mime: Option<&str>,
    filename: &str,
    bytes: &[u8],
    limits: &MediaLimits,
) -> Result<CheckedFile, MediaError> {
    let head = &bytes[..bytes.len().min(HEAD_BYTES)];
    check_file(kind, declared_mime, filename, bytes.len() as u64, head, limits)
}

/// How much of a file the checks read: the whole of any sticker that can pass (they are under
/// [`STICKER_MAX_BYTES`]), and far more than the headers that sniffing and image checks read.
pub const HEAD_BYTES: usize = 128 * 1024;

const _: () = assert!(HEAD_BYTES as u64 > STICKER_MAX_BYTES, "a sticker is read whole");

/// The checks of [`check_upload`] for a file of `size` bytes that starts with `head` (its
/// first [`HEAD_BYTES`] bytes, or all of it when shorter), so a large upload is checked
/// without being read into memory.
pub fn check_file(
    kind: AttachmentKind,
    declared_mime: Option<&str>,
    filename: &str,
    size: u64,
    head: &[u8],
    limits: &MediaLimits,
) -> Result<CheckedFile, MediaError> {
    let bytes = head;
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
        if !has_transparent_pixel(bytes, h.format)? {
            return Err(MediaError::StickerOpaque);
        }
    }
    let (width, height) = header.map(|h| (h.width, h.height)).unzip();
    Ok(CheckedFile { mime, width, height })
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

/// Whether any pixel of a PNG or WebP image has an alpha below 255. Decodes the whole image, so
/// it is called only once the sticker rules have bounded its size (512×512, under 100 KB).
fn has_transparent_pixel(bytes: &[u8], format: ImageFormat) -> Result<bool, MediaError> {
    let image =
        image::load_from_memory_with_format(bytes, format).map_err(|e| MediaError::Unreadable(e.to_string()))?;
    Ok(image.to_rgba8().pixels().any(|pixel| pixel.0[3] < u8::MAX))
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
