//! What a CSV import reports, the same for every kind of file: the rows
//! written, the rows already there, and each wrong row by line and field.

/// One wrong row.
#[derive(Debug, PartialEq, Eq)]
pub struct RowError {
    /// The line in the file, counting the header as line 1.
    pub line: u64,
    pub field: String,
    pub message: String,
}

/// What an import did: rows written, rows already present (skipped), and
/// the rows that were wrong (nothing of their batch was written).
#[derive(Debug, Default)]
pub struct Report {
    pub inserted: u64,
    pub skipped: u64,
    pub errors: Vec<RowError>,
}

/// The first characters that make a spreadsheet run a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as an export writes it: one a spreadsheet would run as a
/// formula (`=HYPERLINK(…)`, `+44…`, `-1+1`, `@SUM(…)`) gets a leading `'`,
/// which spreadsheets read as "this is text" and do not show.
pub fn export_cell(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A text cell as an import reads it: the `'` an export put before a
/// formula-like cell is taken off again, so an export imports as itself.
pub fn import_cell(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => text,
    }
}

/// Why an import could not be read or written at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not valid CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("the file has no column {0:?}")]
    MissingColumn(&'static str),
    /// The database refused or failed (see `db::DbError`).
    #[error(transparent)]
    Db(Box<dyn std::error::Error + Send + Sync>),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_written_as_text_and_read_back_as_themselves() {
        for text in [
            "=HYPERLINK(\"http://x\")",
            "+44 20 7946 0000",
            "-1+1",
            "@SUM(A1)",
            "\tx",
        ] {
            let written = export_cell(text);
            assert!(written.starts_with('\''), "{text}");
            assert_eq!(import_cell(&written), text);
        }
        for text in ["Olena", "'quoted' already", "", "5"] {
            assert_eq!(export_cell(text), text);
            assert_eq!(import_cell(text), text);
        }
    }
}
