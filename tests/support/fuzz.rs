//! Random inputs for the parsers people feed directly: a seeded generator
//! of hostile text (digits, separators, currency signs, Cyrillic, markup,
//! control characters, very long runs), so that each property test replays
//! the same cases on every run and a failure names its seed. The properties
//! themselves live beside the code they test.
//!
//! One file serves two test crates (the library's unit tests and the
//! integration tests), each of which uses only some of the pieces.
#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Pieces of amounts as people type them.
pub const MONEY: &[&str] = &[
    "1", "2", "5", "9", "0", "00", "250", "1", "7", ".", ".", ",", ",", " ", "\u{a0}", "£", "€",
    "$", "₴", "грн", "UAH", "GBP", "EUR", "usd", "XYZ", "-", "(", ")", "e5", "+",
];

/// Pieces of Markdown, well and badly meant.
pub const MARKDOWN: &[&str] = &[
    "[a link](https://a.example/x)",
    "[site](/appeals/1)",
    "[mail](mailto:x@y.example)",
    "<https://auto.example>",
    "[bad](javascript:alert(1))",
    "[bad](JaVaScRiPt:alert(1))",
    "[bad](data:text/html,x)",
    "[bad](vbscript:x)",
    "[x](\"onmouseover=alert(1) \")",
    "![pic](https://img.example/a.png)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:x\">y</a>",
    "**bold**",
    "_em_",
    "`code`",
    "\n",
    "\n\n",
    "- item\n",
    "1. one\n",
    "> quote\n",
    "# Title\n",
    "---\n",
    "~~gone~~",
    " ",
    "words",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "&",
    "\"",
    "'",
    "\u{0}",
    "\u{202e}",
    "ї",
];

/// Pieces that matter to our parsers, mixed with arbitrary characters.
pub const ANY: &[&str] = &[
    "0",
    "1",
    "9",
    "00",
    ".",
    ",",
    " ",
    "\u{a0}",
    "-",
    "−",
    "£",
    "$",
    "€",
    "₴",
    "грн",
    "UAH",
    "GBP",
    "usd",
    "XYZ",
    "(",
    ")",
    "e",
    "+",
    "<",
    ">",
    "&",
    "\"",
    "'",
    "<script>",
    "</script>",
    "javascript:",
    "[x](",
    "](javascript:alert(1))",
    "![i](",
    "<img src=x onerror=alert(1)>",
    "**",
    "_",
    "`",
    "\n",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{7}",
    "\u{202e}",
    "# ",
    "> ",
    "- ",
    "1. ",
    "|",
    "<a href=\"",
    "data:text/html,",
    "VBScript:",
    "\u{fffd}",
    "🙂",
    "ї",
    "ґ",
    "=",
    "@",
];

/// `count` random strings from one seed, of up to `max_len` pieces each,
/// mostly from `pieces`, now and then an arbitrary character.
pub fn strings(seed: u64, count: usize, max_len: usize, pieces: &[&str]) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let len = rng.gen_range(0..=max_len);
            let mut s = String::new();
            for _ in 0..len {
                if rng.gen_bool(0.9) {
                    s.push_str(pieces[rng.gen_range(0..pieces.len())]);
                } else {
                    s.push(rng.gen::<char>());
                }
            }
            s
        })
        .collect()
}
