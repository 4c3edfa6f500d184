//! Attachments: uploads checked against the media rules, permission-checked downloads, the
//! library, files on messages, a contact's files, and the upload size limit.

use std::io::Cursor;

use crate::common::Harness;
use crate::common::desk::{Desk, cid};
use poem::http::Method;
use poem::test::{TestForm, TestFormField};
use serde_json::{Value, json};

fn sticker(transparent_corner: bool, rgb: bool) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    if rgb {
        image::RgbImage::from_pixel(512, 512, image::Rgb([200, 30, 30]))
            .write_to(&mut out, image::ImageFormat::Png)
            .expect("png");
    } else {
        let mut img = image::RgbaImage::from_pixel(512, 512, image::Rgba([30, 120, 200, 255]));
        if transparent_corner {
            img.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        }
        img.write_to(&mut out, image::ImageFormat::Png).expect("png");
    }
    out.into_inner()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn upload(
    h: &Harness,
    path: &str,
    token: &str,
    bytes: &[u8],
    name: &str,
    mime: &str,
    kind: &str,
) -> crate::common::Answer {
    let form = TestForm::new()
        .field(TestFormField::bytes(bytes.to_vec()).name("file").filename(name).content_type(mime))
        .text("kind", kind);
    let resp = h.client.post(path).header("Authorization", format!("Bearer {token}")).multipart(form).send().await.0;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.into_body().into_string().await.expect("body");
    crate::common::Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

async fn download(h: &Harness, id: &str, token: &str) -> (u16, Option<String>, Option<String>, Vec<u8>) {
    let resp = h
        .client
        .get(format!("/api/v1/attachments/{id}"))
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await
        .0;
    let header = |n: &str| resp.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (status, ct, cd) = (resp.status().as_u16(), header("content-type"), header("content-disposition"));
    (status, ct, cd, resp.into_body().into_vec().await.expect("body"))
}

#[tokio::test]
async fn stickers_are_checked_rule_by_rule() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let ok =
        upload(&h, "/api/v1/attachments", &d.ana, &sticker(true, false), "smile.png", "image/png", "sticker").await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(
        (ok.body["width"].as_u64(), ok.body["height"].as_u64(), ok.body["mime"].as_str()),
        (Some(512), Some(512), Some("image/png"))
    );
    for (bytes, rule) in
        [(sticker(true, true), "sticker_no_alpha"), (sticker(false, false), "sticker_opaque"), (PDF.to_vec(), "")]
    {
        let a = upload(&h, "/api/v1/attachments", &d.ana, &bytes, "s.png", "image/png", "sticker").await;
        assert_eq!(a.status, 422, "{}", a.text);
        assert_eq!(a.body["errors"][0]["field"], "file");
        assert!(a.detail().contains(rule), "{rule}: {}", a.detail());
    }
}

#[tokio::test]
async fn downloads_follow_the_conversation_and_files_travel_with_messages() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let pdf = upload(&h, "/api/v1/attachments", &d.ana, PDF, "factura 2026.pdf", "application/pdf", "document").await;
    assert_eq!(pdf.status, 201, "{}", pdf.text);
    let att = cid(&pdf.body);
    let (status, ct, cd, bytes) = download(&h, &att, &d.ana).await;
    assert_eq!((status, ct.as_deref()), (200, Some("application/pdf")));
    assert_eq!(bytes, PDF);
    assert_eq!(cd.as_deref(), Some("attachment; filename=\"factura 2026.pdf\"; filename*=UTF-8''factura%202026.pdf"));
    assert_eq!(download(&h, &att, &d.marco).await.0, 404, "someone else's unsent upload");

    let conv = d.handoff(&h, &d.web, "Nora", "send me the invoice").await;
    let id = cid(&conv);
    h.call(Method::POST, &format!("/api/v1/conversations/{id}/assign"), Some(&d.ana), None).await;
    let sent = h.post(&format!("/api/v1/conversations/{id}/messages"), &d.ana, json!({"attachments": [att]})).await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    assert_eq!(sent.body["attachments"], json!([att]));
    assert_eq!(sent.body["text"], "");
    let again = h.post(&format!("/api/v1/conversations/{id}/messages"), &d.ana, json!({"attachments": [att]})).await;
    assert_eq!(again.status, 422, "an upload is sent once");
    assert_eq!(download(&h, &att, &d.sup).await.0, 200, "a supervisor sees the conversation");
    assert_eq!(download(&h, &att, &d.marco).await.0, 404, "Marco does not");
    let contact = conv["contact"]["id"].as_str().expect("contact");
    let files = h.get(&format!("/api/v1/contacts/{contact}/attachments"), &d.sup).await;
    assert_eq!(files.body["items"][0]["filename"], "factura 2026.pdf");
    assert_eq!(h.get(&format!("/api/v1/contacts/{contact}/attachments"), &d.marco).await.body["items"], json!([]));
}

#[tokio::test]
async fn the_library_is_managed_by_supervisors_and_sendable_by_everyone() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let png = sticker(true, false);
    assert_eq!(upload(&h, "/api/v1/library", &d.ana, &png, "hi.png", "image/png", "sticker").await.status, 403);
    let item = upload(&h, "/api/v1/library", &d.sup, &png, "hi.png", "image/png", "sticker").await;
    assert_eq!((item.status, item.body["library"].as_bool()), (201, Some(true)), "{}", item.text);
    let lib = h.get("/api/v1/library", &d.ana).await;
    assert_eq!(lib.body["items"].as_array().map(Vec::len), Some(1));
    let id = cid(&d.handoff(&h, &d.web, "Ola", "hej").await);
    h.call(Method::POST, &format!("/api/v1/conversations/{id}/assign"), Some(&d.marco), None).await;
    for _ in 0..2 {
        let sent = h
            .post(&format!("/api/v1/conversations/{id}/messages"), &d.marco, json!({"attachments": [cid(&item.body)]}))
            .await;
        assert_eq!(sent.status, 201, "library items may be sent again and again: {}", sent.text);
    }
    let (status, ct, cd, _) = download(&h, &cid(&item.body), &d.lucia).await;
    assert_eq!((status, ct.as_deref()), (200, Some("image/png")));
    assert!(cd.is_some_and(|c| c.starts_with("inline")));
}

#[tokio::test]
async fn uploads_over_the_workspace_limit_are_413() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    h.call(Method::PATCH, "/api/v1/settings", Some(&d.admin), Some(json!({"max_upload_bytes": 1024}))).await;
    let big = vec![b'a'; 2048];
    let a = upload(&h, "/api/v1/attachments", &d.ana, &big, "notes.txt", "text/plain", "document").await;
    assert_eq!(a.status, 413, "{}", a.text);
    assert!(a.detail().contains("limit"), "{}", a.detail());
    assert_eq!(
        upload(&h, "/api/v1/attachments", &d.ana, &big[..1000], "notes.txt", "text/plain", "document").await.status,
        201
    );
    // Types are configurable too: without text/plain, the same file is refused, naming the rule.
    let only_pdf = h
        .call(
            Method::PATCH,
            "/api/v1/settings",
            Some(&d.admin),
            Some(json!({"allowed_upload_types": ["application/pdf", "image/*"]})),
        )
        .await;
    assert_eq!(only_pdf.status, 200, "{}", only_pdf.text);
    let refused = upload(&h, "/api/v1/attachments", &d.ana, &big[..1000], "notes.txt", "text/plain", "document").await;
    assert_eq!(refused.status, 422);
    assert!(refused.detail().contains("type_not_allowed"), "{}", refused.detail());
    let bad =
        h.call(Method::PATCH, "/api/v1/settings", Some(&d.admin), Some(json!({"allowed_upload_types": ["pdf"]}))).await;
    assert_eq!(bad.status, 422);
}

/// Issue 15, item 7: an upload over the workspace's limit is refused while it arrives: the
/// server stops reading soon after the limit, never holding the rest in memory or on disk;
/// an upload within it is stored from its temporary file a block at a time, byte for byte.
#[tokio::test]
async fn an_oversized_upload_is_refused_while_it_arrives() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let limit = 1024 * 1024;
    h.call(Method::PATCH, "/api/v1/settings", Some(&d.admin), Some(json!({"max_upload_bytes": limit}))).await;
    const CHUNK: usize = 64 * 1024;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let head = "--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndocument\r\n--XyZ\r\n\
                Content-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\
                Content-Type: text/plain\r\n\r\n";
    // 20 MiB of text, sent chunked (no Content-Length), 64 KiB at a time.
    let chunks = std::iter::once(head.as_bytes().to_vec())
        .chain((0..320).map(|_| vec![b'a'; CHUNK]))
        .chain(std::iter::once(b"\r\n--XyZ--\r\n".to_vec()));
    let stream = futures_util::stream::iter(chunks.map(move |c| {
        counter.fetch_add(1, Ordering::Relaxed);
        Ok::<_, std::io::Error>(c)
    }));
    let resp = h
        .client
        .post("/api/v1/attachments")
        .header("Authorization", format!("Bearer {}", d.ana))
        .content_type("multipart/form-data; boundary=XyZ")
        .body(poem::Body::from_bytes_stream(stream))
        .send()
        .await
        .0;
    assert_eq!(resp.status().as_u16(), 413);
    let text = resp.into_body().into_string().await.expect("body");
    assert!(text.contains("upload limit"), "{text}");
    let read = pulled.load(Ordering::Relaxed);
    assert!(read <= limit / CHUNK + 3, "the server read {read} chunks of 64 KiB for a 1 MiB limit");

    // Within the limit: stored whole and identical.
    let content: Vec<u8> = (0..900_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let ok = upload(&h, "/api/v1/attachments", &d.ana, &content, "fine.txt", "text/plain", "document").await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(ok.body["size"], 900_000);
    let (status, _, _, bytes) = download(&h, ok.body["id"].as_str().expect("id"), &d.ana).await;
    assert_eq!((status, bytes.len()), (200, content.len()));
    assert!(bytes == content, "the stored file is the uploaded one");
}
