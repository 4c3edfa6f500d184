//! Stored files (F14): metadata of uploads and library items. The bytes live in the
//! content-addressed file store under their SHA-256.

use serde::{Deserialize, Serialize};

use super::Timestamp;
use super::media::AttachmentKind;

/// A file uploaded by a user, or a library item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Opaque id (`att_…`).
    pub id: String,
    /// SHA-256 of the bytes (the file store's name for them).
    pub sha256: String,
    /// Kind.
    pub kind: AttachmentKind,
    /// Cleaned file name.
    pub filename: String,
    /// MIME type, from the content where it can be sniffed.
    pub mime: String,
    /// Size in bytes.
    pub size: u64,
    /// Pixel width, for images.
    pub width: Option<u32>,
    /// Pixel height, for images.
    pub height: Option<u32>,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub created_at: Timestamp,
    /// A library item any agent may send, many times.
    pub library: bool,
    /// The conversation it was sent in (uploads are sent once; library items stay unattached).
    pub conversation_id: Option<String>,
}

/// Whether a browser may show this type inline (images, audio, video we recognised);
/// everything else downloads as a file.
pub fn inline_type(mime: &str) -> bool {
    matches!(mime, "image/png" | "image/jpeg" | "image/gif" | "image/webp")
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_recognised_media_is_inline() {
        assert!(inline_type("image/png"));
        assert!(inline_type("audio/ogg"));
        assert!(!inline_type("image/svg+xml"), "SVG can carry scripts");
        assert!(!inline_type("text/html"));
        assert!(!inline_type("application/pdf"));
    }
}
