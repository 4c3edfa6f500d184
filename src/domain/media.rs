//! Attachment kinds and the rules files must meet (sizes, types, sticker format).
