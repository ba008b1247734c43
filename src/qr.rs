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

/// How a QR code for print or a screen is drawn: the whole image `size`
/// pixels wide (as near as whole pixels per module allow) with `margin`
/// light modules around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drawing {
    pub size: u32,
    pub margin: u32,
}

impl Drawing {
    pub const MIN_SIZE: u32 = 64;
    pub const MAX_SIZE: u32 = 4096;
    pub const MAX_MARGIN: u32 = 16;
    /// Four modules of margin is what the standard asks of readers.
    pub const DEFAULT: Drawing = Drawing {
        size: 512,
        margin: 4,
    };
}

/// The modules of a code with high error correction (a leaflet survives a
/// fold or a coffee stain), dark as `true`, row by row.
struct Modules {
    width: usize,
    dark: Vec<bool>,
}

fn modules(text: &str) -> Option<Modules> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::H).ok()?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Some(Modules { width, dark })
}

/// A QR code of `text` as a stand-alone SVG file, or `None` if too long.
pub fn svg_file(text: &str, drawing: Drawing) -> Option<String> {
    let m = modules(text)?;
    let margin = drawing.margin as usize;
    let side = m.width + 2 * margin;
    let mut path = String::new();
    for y in 0..m.width {
        let row = &m.dark[y * m.width..(y + 1) * m.width];
        let mut x = 0;
        while x < m.width {
            if row[x] {
                let start = x;
                while x < m.width && row[x] {
                    x += 1;
                }
                path.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + margin,
                    y + margin,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>\n",
        size = drawing.size,
    ))
}

/// A QR code of `text` as a black-and-white PNG file (one bit a pixel,
/// compressed), or `None` if too long to encode.
pub fn png(text: &str, drawing: Drawing) -> Option<Vec<u8>> {
    let m = modules(text)?;
    let margin = drawing.margin as usize;
    let side_modules = m.width + 2 * margin;
    let scale = (drawing.size as usize / side_modules).max(1);
    let side = side_modules * scale;
    // Rows of packed pixels, eight to a byte, 1 for white.
    let row_bytes = side.div_ceil(8);
    let mut pixels = Vec::with_capacity(row_bytes * side);
    for py in 0..side {
        let my = (py / scale).checked_sub(margin).filter(|&y| y < m.width);
        let mut byte = 0u8;
        for px in 0..side {
            let mx = (px / scale).checked_sub(margin).filter(|&x| x < m.width);
            let dark = matches!((mx, my), (Some(x), Some(y)) if m.dark[y * m.width + x]);
            byte = (byte << 1) | u8::from(!dark);
            if px % 8 == 7 {
                pixels.push(byte);
                byte = 0;
            }
        }
        if side % 8 != 0 {
            pixels.push(byte << (8 - side % 8));
        }
    }
    let side = u32::try_from(side).ok()?;
    let mut out = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut out, side, side);
    encoder.set_color(::png::ColorType::Grayscale);
    encoder.set_depth(::png::BitDepth::One);
    encoder.set_compression(::png::Compression::Balanced);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
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

    #[test]
    fn png_files_are_small_and_read_back_as_the_code() {
        let drawing = super::Drawing {
            size: 300,
            margin: 4,
        };
        let bytes = super::png("https://example.org/s/donate", drawing).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        assert_eq!(info.bit_depth, png::BitDepth::One);
        assert!(info.width <= 300 && info.width > 200, "{}", info.width);
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut pixels).unwrap();
        // The quiet zone is white, and there is black in the middle.
        assert_eq!(pixels[0] >> 7, 1);
        assert!(pixels.iter().any(|&b| b != 0xff));
        // The largest drawing anyone may ask for stays small on the wire.
        let largest = super::Drawing {
            size: super::Drawing::MAX_SIZE,
            margin: 4,
        };
        let big = super::png("https://example.org/s/donate", largest).unwrap();
        assert!(big.len() < 64 * 1024, "{} bytes", big.len());
        let svg = super::svg_file("https://example.org/s/donate", drawing).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\""));
    }
}
