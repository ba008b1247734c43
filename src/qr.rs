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

/// A QR code of `text` as a black-and-white PNG file, or `None` if too long.
pub fn png(text: &str, drawing: Drawing) -> Option<Vec<u8>> {
    let m = modules(text)?;
    let margin = drawing.margin as usize;
    let side_modules = m.width + 2 * margin;
    let scale = (drawing.size as usize / side_modules).max(1);
    let side = side_modules * scale;
    let row_bytes = side.div_ceil(8);
    // One filter byte ("none") and the packed pixels per row; 1 is white.
    let mut raw = Vec::with_capacity((row_bytes + 1) * side);
    for py in 0..side {
        raw.push(0u8);
        let my = (py / scale).checked_sub(margin).filter(|&y| y < m.width);
        let mut byte = 0u8;
        for px in 0..side {
            let mx = (px / scale).checked_sub(margin).filter(|&x| x < m.width);
            let dark = matches!((mx, my), (Some(x), Some(y)) if m.dark[y * m.width + x]);
            byte = (byte << 1) | u8::from(!dark);
            if px % 8 == 7 {
                raw.push(byte);
                byte = 0;
            }
        }
        if side % 8 != 0 {
            raw.push(byte << (8 - side % 8));
        }
    }
    let side = u32::try_from(side).ok()?;
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&side.to_be_bytes());
    // Bit depth 1, greyscale, deflate, adaptive filtering, no interlace.
    header.extend_from_slice(&[1, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    Some(out)
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of uncompressed ("stored") deflate blocks: a QR code is a
/// few kilobytes, and this keeps a compressor out of the build.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
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
    fn png_files_are_well_formed() {
        // The standard's check value for CRC-32 and Adler-32.
        assert_eq!(super::crc32(b"123456789"), 0xcbf4_3926);
        let z = super::zlib_stored(b"Wikipedia");
        assert_eq!(&z[z.len() - 4..], &0x11e6_0398u32.to_be_bytes());
        let drawing = super::Drawing {
            size: 300,
            margin: 4,
        };
        let png = super::png("https://example.org/s/donate", drawing).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(png.ends_with(&[0xae, 0x42, 0x60, 0x82]), "IEND's CRC");
        let side = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert!(side <= 300 && side > 200, "{side}");
        let svg = super::svg_file("https://example.org/s/donate", drawing).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\""));
    }
}
