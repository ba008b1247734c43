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
