//! QR codes of links, as SVG to put straight into a page or a printed
//! leaflet, so that people at a branch meeting can give from their phones.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG QR code of `url`, or `None` if it is too long to encode.
pub fn svg(url: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The renderer writes an XML declaration and no accessible name; the page
    // wants an inline image that says what it is.
    let start = image.find("<svg")?;
    let escaped = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    Some(image[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{escaped}\""),
        1,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_link_becomes_an_accessible_svg() {
        let svg = super::svg(
            "https://donate.example/donetsk-rescue-workers",
            "QR \"code\" <x>",
        )
        .unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"QR &quot;code&quot; &lt;x>\""));
        assert!(svg.contains("<path") || svg.contains("<rect"));
        assert!(super::svg(&"x".repeat(5_000), "too long").is_none());
    }
}
