//! Markdown for the texts coordinators write (appeal descriptions): the
//! everyday formatting (paragraphs, emphasis, lists, headings, links,
//! quotes) and nothing that could run in a reader's browser. HTML written
//! into the text is shown as text; links go only to web and mail addresses;
//! images become their description.

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Whether a link may be followed: web and mail addresses and the site's
/// own paths, never `javascript:`, `data:` and the like.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#')
}

/// Renders Markdown to HTML that is safe to put in a page as it is.
pub fn render(text: &str) -> String {
    let mut in_image = 0usize;
    // A link that was refused keeps its words, without the link.
    let mut refused_links: Vec<bool> = Vec::new();
    let events =
        Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).filter_map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
            Event::Start(Tag::Image { .. }) => {
                in_image += 1;
                None
            }
            Event::End(TagEnd::Image) => {
                in_image = in_image.saturating_sub(1);
                None
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let ok = safe_url(&dest_url) && in_image == 0;
                refused_links.push(!ok);
                ok.then(|| {
                    let link_type = if link_type == LinkType::Email {
                        LinkType::Email
                    } else {
                        LinkType::Inline
                    };
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id: id.clone(),
                    })
                })
            }
            Event::End(TagEnd::Link) => {
                (!refused_links.pop().unwrap_or(true)).then_some(Event::End(TagEnd::Link))
            }
            Event::Text(t) if in_image > 0 => Some(Event::Text(t)),
            Event::FootnoteReference(r) => Some(Event::Text(CowStr::from(format!("[^{r}]")))),
            other => Some(other),
        });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn random_markdown_never_panics_and_never_carries_script() {
        const ALLOWED: &[&str] = &[
            "p",
            "em",
            "strong",
            "del",
            "ul",
            "ol",
            "li",
            "a",
            "code",
            "pre",
            "blockquote",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "br",
            "hr",
        ];
        let mut links = 0;
        for (i, text) in crate::fuzz::strings(0x03a4_d0c5, 20_000, 12, crate::fuzz::MARKDOWN)
            .iter()
            .enumerate()
        {
            let html = super::render(text);
            links += html.matches("<a href").count();
            // Every tag is one we allow, with no attribute but a safe href
            // (or an ordered list's start).
            for tag in html.split('<').skip(1) {
                let tag = &tag[..tag
                    .find('>')
                    .unwrap_or_else(|| panic!("case {i}: unclosed tag in {html}"))];
                let tag = tag.trim_start_matches('/');
                let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
                assert!(ALLOWED.contains(&name), "case {i}: {text:?} made <{tag}>");
                let attrs = attrs.trim().trim_end_matches('/').trim();
                if attrs.is_empty() {
                    continue;
                }
                let safe = match name {
                    "a" => attrs.strip_prefix("href=\"").is_some_and(|href| {
                        ["http://", "https://", "mailto:", "/", "#"]
                            .iter()
                            .any(|p| href.to_ascii_lowercase().starts_with(p))
                            && href.ends_with('"')
                            && !href[..href.len() - 1].contains('"')
                    }),
                    "ol" => attrs.starts_with("start=\""),
                    _ => false,
                };
                assert!(safe, "case {i}: {text:?} made <{tag}>");
            }
        }
        assert!(
            links > 50,
            "only {links} links were made: the inputs miss the point"
        );
    }

    use super::render;

    #[test]
    fn everyday_formatting_renders() {
        let html = render("Rescue workers need **generators**.\n\n- thermal imagers\n- helmets\n\n[Their union](https://example.org)");
        assert!(html.contains("<strong>generators</strong>"));
        assert!(html.contains("<li>thermal imagers</li>"));
        assert!(html.contains(r#"<a href="https://example.org">Their union</a>"#));
    }

    #[test]
    fn nothing_written_can_run_in_a_browser() {
        for text in [
            "<script>alert(1)</script>",
            "hello <img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[data](data:text/html;base64,PHNjcmlwdD4=)",
            "![x](https://tracker.example/pixel.gif)",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[a](//evil.example)",
            "<iframe src=https://evil.example></iframe>",
        ] {
            let html = render(text);
            let lower = html.to_lowercase();
            assert!(
                !lower.contains("<script") && !lower.contains("<img") && !lower.contains("<iframe"),
                "{text} -> {html}"
            );
            assert!(
                !lower.contains("<a href=\"javascript")
                    && !lower.contains("<a href=\"data")
                    && !lower.contains("<a href=\"//"),
                "{text} -> {html}"
            );
        }
        assert!(
            render("[click](javascript:alert(1))").contains("click"),
            "the words stay"
        );
        assert!(render("![a photo of the team](x.png)").contains("a photo of the team"));
    }
}
