//! An automated accessibility check of the public pages (and the new
//! coordinators' pages) in both languages, against the WCAG 2.1 AA points a
//! machine can check in our own markup: the page's language, one main
//! heading and no skipped heading levels, a label for every field, text for
//! every link, button and image, unique ids, references that resolve, a
//! skip link and a viewport for phones; and the stylesheet's colour pairs
//! against the 4.5:1 contrast ratio.

use std::collections::{HashMap, HashSet};

use reqwest::{Method, StatusCode};
use serde_json::json;
use solidarnist::auth::Role;
use solidarnist::directory::model::Country;

use crate::helpers::db_test;

#[derive(Debug)]
struct Tag {
    name: String,
    closing: bool,
    attrs: HashMap<String, String>,
    /// Text up to the next tag.
    text_after: String,
}

/// A small tokenizer for the HTML we write ourselves (well formed, quoted
/// attributes).
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if rest.starts_with("!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        let end = rest.find('>').expect("a tag ends");
        let inner = &rest[..end];
        rest = &rest[end + 1..];
        if inner.starts_with('!') || inner.starts_with('?') {
            continue;
        }
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/').trim_end_matches('/');
        let name_end = inner
            .find(|c: char| c.is_whitespace())
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_ascii_lowercase();
        let mut attrs = HashMap::new();
        let mut a = inner[name_end..].trim();
        while !a.is_empty() {
            let key_end = a
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(a.len());
            let key = a[..key_end].to_ascii_lowercase();
            a = a[key_end..].trim_start();
            let value = if let Some(v) = a.strip_prefix('=') {
                let v = v.trim_start();
                let quote = v.chars().next().unwrap();
                assert!(
                    quote == '"' || quote == '\'',
                    "unquoted attribute in <{name}>"
                );
                let close = v[1..].find(quote).expect("a closing quote") + 1;
                a = v[close + 1..].trim_start();
                v[1..close].to_owned()
            } else {
                String::new()
            };
            attrs.insert(key, value);
        }
        let text_end = rest.find('<').unwrap_or(rest.len());
        out.push(Tag {
            name,
            closing,
            attrs,
            text_after: rest[..text_end].to_owned(),
        });
    }
    out
}

/// The text inside the element that opens at `tags[i]` (tags nested in it
/// included, as a screen reader reads them, with `alt` and `aria-label`).
fn inner_text(tags: &[Tag], i: usize) -> String {
    let name = &tags[i].name;
    let mut depth = 0;
    let mut text = String::new();
    for (j, t) in tags.iter().enumerate().skip(i) {
        if j > i {
            if let Some(alt) = t.attrs.get("alt").or(t.attrs.get("aria-label")) {
                text.push_str(alt);
            }
        }
        if &t.name == name {
            depth += if t.closing { -1 } else { 1 };
            if depth == 0 {
                break;
            }
        }
        text.push_str(&t.text_after);
    }
    text.trim().to_owned()
}

/// Every problem found on one page.
fn problems(page: &str, html: &str) -> Vec<String> {
    let tags = tags(html);
    let mut found = Vec::new();
    let mut fail = |what: String| found.push(format!("{page}: {what}"));
    let open = |name: &'static str| tags.iter().filter(move |t| t.name == name && !t.closing);

    match open("html").next().and_then(|t| t.attrs.get("lang")) {
        Some(l) if l == "en" || l == "uk" => {}
        other => fail(format!("<html lang> is {other:?}")),
    }
    if open("title").next().is_none() {
        fail("no <title>".into());
    }
    if !html.contains("name=\"viewport\"") {
        fail("no viewport for phones".into());
    }
    if !html.contains("href=\"#main\"") || !html.contains("id=\"main\"") {
        fail("no skip link to the main content".into());
    }
    let h1s = open("h1").count();
    if h1s != 1 {
        fail(format!("{h1s} <h1> elements"));
    }
    let mut level = 0;
    for t in tags.iter().filter(|t| !t.closing) {
        if let Some(n) = t.name.strip_prefix('h').and_then(|n| n.parse::<u32>().ok()) {
            if n > level + 1 {
                fail(format!("heading h{n} after h{level}"));
            }
            level = n;
        }
    }
    let mut ids = HashSet::new();
    for t in tags.iter().filter(|t| !t.closing) {
        if let Some(id) = t.attrs.get("id") {
            if !ids.insert(id.clone()) {
                fail(format!("the id {id:?} is used twice"));
            }
        }
    }
    let labelled: HashSet<&String> = open("label").filter_map(|t| t.attrs.get("for")).collect();
    // A field inside its <label> is labelled by it.
    let mut in_label = 0i32;
    for t in &tags {
        if t.name == "label" {
            in_label += if t.closing { -1 } else { 1 };
        }
        if t.closing {
            continue;
        }
        let field = match t.name.as_str() {
            "input" => !matches!(
                t.attrs.get("type").map(String::as_str),
                Some("hidden" | "submit" | "button")
            ),
            "select" | "textarea" => true,
            _ => false,
        };
        let named = in_label > 0
            || t.attrs.contains_key("aria-label")
            || t.attrs.contains_key("aria-labelledby")
            || t.attrs.get("id").is_some_and(|id| labelled.contains(id));
        if field && !named {
            fail(format!("a <{}> without a label: {:?}", t.name, t.attrs));
        }
        for reference in ["aria-describedby", "aria-labelledby", "for"] {
            if let Some(refs) = t.attrs.get(reference) {
                for r in refs.split_whitespace() {
                    if !ids.contains(r) {
                        fail(format!("{reference}={r:?} names no element"));
                    }
                }
            }
        }
    }
    for (i, t) in tags.iter().enumerate() {
        if t.closing {
            continue;
        }
        match t.name.as_str() {
            "img" if !t.attrs.contains_key("alt") => {
                fail(format!("an image without alt: {:?}", t.attrs))
            }
            "a" | "button"
                if inner_text(&tags, i).is_empty() && !t.attrs.contains_key("aria-label") =>
            {
                fail(format!("a <{}> with no text: {:?}", t.name, t.attrs))
            }
            "a" if !t.attrs.contains_key("href") => fail("a link without href".into()),
            "svg" => {
                let hidden = t.attrs.get("aria-hidden").is_some_and(|v| v == "true");
                let named = t.attrs.get("role").is_some_and(|r| r == "img")
                    && (t.attrs.contains_key("aria-label")
                        || t.attrs.contains_key("aria-labelledby"));
                if !hidden && !named {
                    fail(format!(
                        "an <svg> that is neither named nor hidden: {:?}",
                        t.attrs
                    ));
                }
            }
            _ => {}
        }
    }
    found
}

fn hex(color: &str) -> Option<[f64; 3]> {
    let c = color.trim().strip_prefix('#')?;
    let full = match c.len() {
        3 => c.chars().flat_map(|ch| [ch, ch]).collect::<String>(),
        6 => c.to_owned(),
        _ => return None,
    };
    let v = u32::from_str_radix(&full, 16).ok()?;
    Some([(v >> 16) & 255, (v >> 8) & 255, v & 255].map(|x| f64::from(x) / 255.0))
}

fn luminance(rgb: [f64; 3]) -> f64 {
    let lin = |c: f64| {
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn the_stylesheets_colour_pairs_meet_aa_contrast() {
    let css = include_str!("../../static/style.css");
    let vars: HashMap<String, String> = css
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--"))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| {
            (
                format!("--{}", k.trim()),
                v.trim().trim_end_matches(';').to_owned(),
            )
        })
        .collect();
    let resolve = |value: &str| -> Option<[f64; 3]> {
        let v = value.trim();
        let v = match v.strip_prefix("var(").and_then(|v| v.strip_suffix(')')) {
            Some(name) => vars.get(name.trim())?.as_str(),
            None => v,
        };
        hex(v)
    };
    let (paper, soft, blue) = (
        resolve("var(--paper)").unwrap(),
        resolve("var(--soft)").unwrap(),
        resolve("var(--blue)").unwrap(),
    );
    let mut checked = 0;
    for rule in css.split('}') {
        let Some((selector, body)) = rule.split_once('{') else {
            continue;
        };
        let decl = |name: &str| {
            body.split(';').find_map(|d| {
                let (k, v) = d.split_once(':')?;
                (k.trim() == name).then(|| v.trim().to_owned())
            })
        };
        let Some(fg) = decl("color").as_deref().and_then(resolve) else {
            continue;
        };
        let background =
            decl("background").and_then(|b| resolve(b.split_whitespace().next().unwrap_or("")));
        let on_blue = [
            "header.top",
            ".lang",
            "button.link",
            ".num",
            ".button",
            "button",
        ]
        .iter()
        .any(|s| selector.contains(s));
        let grounds = match background {
            Some(bg) => vec![bg],
            None if on_blue => vec![blue],
            None => vec![paper, soft],
        };
        for bg in grounds {
            let ratio = contrast(fg, bg);
            assert!(ratio >= 4.5, "{} has contrast {ratio:.2}", selector.trim());
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} colour pairs found");
}

db_test!(public_pages_pass_the_accessibility_check, |app| {
    let union = app.union("Union A11y", Country::Gb).await;
    let branch = app.branch(union, "Branch A11y").await;
    let (appeal, _) = app.appeal_with_pledge(branch).await;
    let statement = app.statement().await;
    let (link, _) = app.short_link().await;
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let (status, _) = coordinator
        .json(
            Method::POST,
            "/api/v1/links",
            json!({"slug": "ended-a11y", "target_url": "https://x.example", "expires_on": "2020-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = coordinator
        .json(
            Method::POST,
            "/api/v1/links",
            json!({"slug": "a11y-poster", "target_url": "https://x.example", "appeal_id": appeal}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let public = [
        "/".to_owned(),
        "/appeals".into(),
        format!("/appeals/{appeal}"),
        "/affiliate".into(),
        "/affiliates".into(),
        "/statements".into(),
        format!("/statements/{statement}"),
        "/take-part/national".into(),
        "/take-part/motion".into(),
        "/take-part/network".into(),
        "/request-a-speaker".into(),
        "/needs".into(),
        "/login".into(),
        "/s/ended-a11y".into(),
        "/s/a11y-poster/poster".into(),
        "/no-such-page".into(),
    ];
    let visitor = app.client();
    let staff = app.login_as(Role::Coordinator, &[]).await;
    let mut all = Vec::new();
    for lang in ["en", "uk"] {
        for path in &public {
            let (_, html) = visitor.get_text(&format!("{path}?lang={lang}")).await;
            all.extend(problems(&format!("{path} ({lang})"), &html));
        }
        for path in [
            "/links".to_owned(),
            format!("/links/{link}"),
            "/statements/new".into(),
            format!("/appeals/{appeal}"),
        ] {
            let (status, html) = staff.get_text(&format!("{path}?lang={lang}")).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            all.extend(problems(&format!("{path} (coordinator, {lang})"), &html));
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
});

#[test]
fn the_checker_finds_what_it_looks_for() {
    let bad = "<html><head><title>x</title></head><body><h1>A</h1><h3>B</h3><h1>C</h1>\
        <input id=\"q\" name=\"q\"><img src=\"a.png\"><a href=\"/x\"></a><p id=\"d\"></p><p id=\"d\"></p>\
        <svg viewBox=\"0 0 1 1\"></svg></body></html>";
    let found = problems("bad", bad).join("\n");
    for expected in [
        "<html lang>",
        "viewport",
        "skip link",
        "2 <h1>",
        "h3 after h1",
        "without a label",
        "without alt",
        "with no text",
        "used twice",
        "neither named nor hidden",
    ] {
        assert!(found.contains(expected), "missed {expected}:\n{found}");
    }
}
