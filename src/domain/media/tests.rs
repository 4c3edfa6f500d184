//! Unit tests of the upload rules: sniffing, labels, limits, the sticker rules in their order,
//! and file name cleaning. Image fixtures are encoded on the fly with the `image` crate.

use super::*;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, Rgb, RgbImage, Rgba, RgbaImage};

fn check(kind: AttachmentKind, declared: Option<&str>, name: &str, bytes: &[u8]) -> Result<CheckedFile, MediaError> {
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
    // The fixture has transparent corners, so it passes the transparency rule too.
    assert_eq!(disc(512, 512).get_pixel(0, 0).0[3], 0);
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
fn an_opaque_image_with_an_alpha_channel_is_refused() {
    // The channel alone is not enough: at least one pixel must be (partly) transparent.
    let mut opaque = RgbaImage::from_pixel(512, 512, Rgba([9, 9, 9, 255]));
    for bytes in [png(opaque.clone()), webp(opaque.clone())] {
        let err = sticker(&bytes).unwrap_err();
        assert_eq!(err, MediaError::StickerOpaque);
        assert_eq!(err.to_string(), "stickers need a transparent background; every pixel of this one is opaque");
        assert_eq!(err.rule(), "sticker_opaque");
    }
    // One translucent pixel is enough.
    opaque.put_pixel(511, 511, Rgba([9, 9, 9, 254]));
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
