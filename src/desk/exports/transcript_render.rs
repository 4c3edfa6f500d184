//! A transcript as plain text, and as a self-contained printable HTML page (inline CSS, no
//! external resources, every text written by a person escaped).

use std::fmt::Write;

use super::Transcript;
use crate::domain::conversation::MessageKind;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Transcript {
    /// The header facts as (label, value) pairs, in print order.
    fn facts(&self) -> Vec<(&'static str, String)> {
        let mut contact = self.contact_name.clone();
        if let Some(e) = &self.contact_email {
            contact.push_str(&format!(" <{e}>"));
        }
        if let Some(p) = &self.contact_phone {
            contact.push_str(&format!(", {p}"));
        }
        let mut facts = vec![("Contact", contact), ("Inbox", self.inbox.clone()), ("Status", self.status.to_string())];
        if let Some(a) = &self.assignee {
            facts.push(("Assignee", a.clone()));
        }
        facts.push(("Created", self.zone.readable(self.created_at)));
        if let Some(c) = self.closed_at {
            facts.push(("Closed", self.zone.readable(c)));
        }
        facts.push(("Exported", self.zone.readable(self.exported_at)));
        facts
    }

    fn title(&self) -> String {
        if self.subject.is_empty() {
            format!("Conversation #{}", self.number)
        } else {
            format!("Conversation #{}: {}", self.number, self.subject)
        }
    }

    /// Plain text: the header, then each entry with its time and author; internal notes are
    /// marked `INTERNAL NOTE`, system events start with `*`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}\n{}\n", self.title(), self.workspace);
        for (label, value) in self.facts() {
            let _ = writeln!(out, "{:<10}{value}", format!("{label}:"));
        }
        for e in &self.entries {
            let at = self.zone.readable(e.at);
            out.push('\n');
            match e.kind {
                MessageKind::System => {
                    let _ = writeln!(out, "[{at}] * {}", e.text);
                    continue;
                }
                MessageKind::Note => {
                    let _ = writeln!(out, "[{at}] INTERNAL NOTE by {} (not shown to the customer):", e.author);
                }
                _ => {
                    let _ = writeln!(out, "[{at}] {} ({}):", e.author, e.role);
                }
            }
            for line in e.text.lines() {
                let _ = writeln!(out, "    {line}");
            }
            for f in &e.files {
                let _ = writeln!(out, "    [file: {f}]");
            }
        }
        out
    }

    /// A printable HTML page; every text a person wrote is escaped.
    pub fn to_html(&self) -> String {
        let title = escape_html(&self.title());
        let mut out = String::with_capacity(4096 + self.entries.iter().map(|e| e.text.len() + 300).sum::<usize>());
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<p class=\"workspace\">{}</p>\n<h1>{title}</h1>\n</header>\n<dl class=\"facts\">\n",
            escape_html(&self.workspace)
        );
        for (label, value) in self.facts() {
            let _ = writeln!(out, "<dt>{label}</dt><dd>{}</dd>", escape_html(&value));
        }
        out.push_str("</dl>\n<ol class=\"timeline\">\n");
        for e in &self.entries {
            let (class, at) = (e.role.replace(' ', "-"), self.zone.readable(e.at));
            let iso = self.zone.iso(e.at);
            if e.kind == MessageKind::System {
                let _ = writeln!(
                    out,
                    "<li class=\"entry system\"><time datetime=\"{iso}\">{at}</time> {}</li>",
                    escape_html(&e.text)
                );
                continue;
            }
            let (tag, role) = if e.kind == MessageKind::Note {
                ("<span class=\"tag\">Internal note</span> ", "")
            } else {
                ("", e.role)
            };
            let _ = write!(
                out,
                "<li class=\"entry {class}\">\n<div class=\"meta\"><span>{tag}<span class=\"who\">{}</span> <span class=\"kind\">{}</span></span><time datetime=\"{iso}\">{at}</time></div>\n<div class=\"text\">{}</div>\n",
                escape_html(&e.author),
                role,
                escape_html(&e.text)
            );
            if !e.files.is_empty() {
                out.push_str("<ul class=\"files\">");
                for f in &e.files {
                    let _ = write!(out, "<li>{}</li>", escape_html(f));
                }
                out.push_str("</ul>\n");
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</body>\n</html>\n");
        out
    }
}

const STYLE: &str = "
:root{color-scheme:light}
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#fff;max-width:820px;margin:2rem auto;padding:0 1.25rem}
.workspace{margin:0;color:#59636e;font-size:.85rem;text-transform:uppercase;letter-spacing:.04em}
h1{font-size:1.45rem;margin:.2rem 0 1rem;overflow-wrap:anywhere}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1.25rem;margin:0 0 1.75rem;padding:.9rem 1rem;border:1px solid #d1d9e0;border-radius:8px;background:#f6f8fa}
.facts dt{color:#59636e}
.facts dd{margin:0;overflow-wrap:anywhere}
.timeline{list-style:none;margin:0;padding:0}
.entry{margin:0 0 .7rem;padding:.65rem .9rem;border:1px solid #d1d9e0;border-radius:8px;break-inside:avoid}
.meta{display:flex;justify-content:space-between;gap:1rem;font-size:.82rem;color:#59636e}
.who{font-weight:600;color:#1f2328}
.text{margin-top:.3rem;white-space:pre-wrap;overflow-wrap:anywhere}
.customer,.bot{background:#f6f8fa}
.agent{border-color:#9ec5fe;background:#f3f8ff}
.internal-note{border:1px dashed #bf8700;background:#fff8c5}
.tag{display:inline-block;margin-right:.35rem;padding:0 .4rem;border-radius:4px;background:#bf8700;color:#fff;font-size:.72rem;font-weight:600;text-transform:uppercase}
.system{border:none;padding:.15rem .9rem;font-size:.82rem;color:#59636e;text-align:center}
.system time{margin-right:.4rem}
.files{margin:.4rem 0 0;padding-left:1.2rem;font-size:.85rem}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10.5pt}
.facts,.customer,.bot,.agent,.internal-note{background:none}
.entry{border-color:#999}
.internal-note{border-style:dashed}
.tag{background:none;color:#000;border:1px solid #000}
@page{margin:1.6cm}
}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
