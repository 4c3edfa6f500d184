//! Recognising a file's type from its bytes (magic numbers), normalising MIME aliases and
//! deciding which type to trust when the label, the name and the content disagree.
//!
//! Pure like the rest of [`super`]: only [`sniff_mime`] is public; the rest serves
//! [`super::check_upload`].

use super::{MediaError, clean_filename};

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
pub(super) fn normalize(mime: &str) -> Option<String> {
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
pub(super) fn effective_type(declared: Option<&str>, filename: &str, bytes: &[u8]) -> Result<String, MediaError> {
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
