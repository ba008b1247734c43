//! Donations in and out as CSV: the treasurer's bank statement or payment
//! platform export comes in, the ledger goes out.
//!
//! The import streams a file of any size. Rows are validated with the same
//! rules as the forms and written in batches, each batch one transaction
//! with its totals; a row whose reference the appeal already has is skipped,
//! so an import that stopped half-way (a bad row, a killed process) is
//! resumed by running it again.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};

use indicatif::{ProgressBar, ProgressStyle};
use sqlx::Row;

use super::model::*;
use super::store;
use crate::common::input::FieldErrors;
use crate::common::input::Loose;
use crate::db::Db;
use crate::i18n::{Lang, Tr};
use crate::money::Currency;

/// The columns of an import (`appeal`, `amount`, `currency` and `reference`
/// are required) and of an export.
pub const HEADERS: &[&str] = &[
    "appeal",
    "amount",
    "currency",
    "status",
    "received_on",
    "branch_id",
    "donor_name",
    "reference",
    "notes",
];
const REQUIRED: &[&str] = &["appeal", "amount", "currency", "reference"];

/// Rows per transaction, and per `INSERT` statement within it.
const BATCH: usize = 10_000;
const PER_STATEMENT: usize = 2_000;

/// A statement's rows travel as one JSON array bound to one parameter, which
/// the database unpacks. Binding each field instead was slow: the SQLite
/// driver looks every parameter up by name, at a cost growing with the square
/// of the parameters in a statement (at 500 rows, two thirds of an import's
/// time went there). `WHERE true` lets SQLite tell the upsert clause from a
/// join. A row whose (appeal, reference) is already recorded is left out.
const INSERT: &str = "INSERT INTO donations (appeal_id, amount_minor, currency, branch_id,
        donor_name, status, received_on, reference, notes, created_at, updated_at)
    SELECT CAST(j.value ->> 0 AS BIGINT), CAST(j.value ->> 1 AS BIGINT), j.value ->> 2,
        CAST(j.value ->> 3 AS BIGINT), j.value ->> 4, j.value ->> 5, j.value ->> 6,
        j.value ->> 7, j.value ->> 8, $2, $2
    FROM {json_rows} WHERE true
    ON CONFLICT DO NOTHING";

/// Which of a batch's (appeal, reference) pairs are already recorded.
const RECORDED: &str = "SELECT d.appeal_id, d.reference FROM {json_rows}
    JOIN donations d ON d.appeal_id = CAST(j.value ->> 0 AS BIGINT)
        AND d.reference = j.value ->> 1 AND d.reference <> ''";

pub use crate::common::import::{ImportError, Report, RowError};

struct Parsed {
    appeal: AppealId,
    fields: DonationFields,
}

/// Imports donations; `progress` shows a bar on standard error (the CLI).
pub async fn import(
    db: &Db,
    input: impl Read,
    size: Option<u64>,
    progress: bool,
) -> Result<Report, ImportError> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    // A UTF-8 byte-order mark, as spreadsheets write, is not part of a header.
    if input.fill_buf()?.starts_with(&[0xEF, 0xBB, 0xBF]) {
        input.consume(3);
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(false)
        .trim(::csv::Trim::Fields)
        .from_reader(input);
    let columns: HashMap<String, usize> = reader
        .headers()?
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_lowercase(), i))
        .collect();
    if let Some(missing) = REQUIRED.iter().find(|c| !columns.contains_key(**c)) {
        return Err(ImportError::MissingColumn(missing));
    }
    let col = |name: &str| columns.get(name).copied();
    let (
        c_appeal,
        c_amount,
        c_currency,
        c_status,
        c_received,
        c_branch,
        c_donor,
        c_reference,
        c_notes,
    ) = (
        col("appeal"),
        col("amount"),
        col("currency"),
        col("status"),
        col("received_on"),
        col("branch_id"),
        col("donor_name"),
        col("reference"),
        col("notes"),
    );

    // Appeals by id and by slug, and the branches that exist.
    let mut appeals: HashMap<String, AppealId> = HashMap::new();
    for r in sqlx::query("SELECT id, slug FROM appeals")
        .fetch_all(db.read())
        .await?
    {
        let id: i64 = r.try_get("id")?;
        appeals.insert(id.to_string(), AppealId(id));
        appeals.insert(r.try_get::<String, _>("slug")?.to_lowercase(), AppealId(id));
    }
    let mut branches = std::collections::HashSet::new();
    for r in sqlx::query("SELECT id FROM branches")
        .fetch_all(db.read())
        .await?
    {
        branches.insert(r.try_get::<i64, _>("id")?);
    }

    let bar = if progress {
        ProgressBar::new(size.unwrap_or(0))
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("donations [{bar:40}] {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let tr = Tr::new(Lang::En);
    let today = crate::common::clock::today();
    let mut report = Report::default();
    let mut batch: Vec<Parsed> = Vec::with_capacity(BATCH);
    let mut record = ::csv::StringRecord::new();
    let mut line = 1u64;
    // Rows read into this batch, good or bad: a batch with a bad row is
    // still read to its end, so that every bad row in it is named.
    let mut in_batch = 0usize;
    loop {
        let more = reader.read_record(&mut record)?;
        if more {
            line += 1;
            in_batch += 1;
            let get = |c: Option<usize>| {
                crate::common::import::import_cell(c.and_then(|i| record.get(i)).unwrap_or(""))
            };
            let mut errors = FieldErrors::new();
            let appeal = appeals.get(&get(c_appeal).to_lowercase()).copied();
            if appeal.is_none() {
                errors.add("appeal", "err-unknown-appeal");
            }
            let reference = get(c_reference);
            if reference.is_empty() {
                errors.add("reference", "err-required");
            }
            let input = DonationInput {
                amount: None,
                amount_text: Some(get(c_amount).to_owned()),
                currency: Some(get(c_currency).to_owned()),
                branch_id: Some(Loose::Text(get(c_branch).to_owned())),
                donor_name: Some(get(c_donor).to_owned()),
                // A cancelled pledge is read as the pledge it was, then
                // marked cancelled: it counts in no total.
                status: Some(match get(c_status).to_lowercase().as_str() {
                    "" => "received".to_owned(),
                    "cancelled" => "pledged".to_owned(),
                    s => s.to_owned(),
                }),
                received_on: Some(get(c_received).to_owned()),
                reference: Some(reference.to_owned()),
                notes: Some(get(c_notes).to_owned()),
            };
            let cancelled = get(c_status).eq_ignore_ascii_case("cancelled");
            let fields = input.parse(today, &mut errors).map(|mut f| {
                if cancelled {
                    f.status = DonationStatus::Cancelled;
                }
                f
            });
            if let Some(f) = &fields {
                if f.branch_id.is_some_and(|b| !branches.contains(&b.0)) {
                    errors.add("branch_id", "err-unknown-branch");
                }
            }
            match (errors.is_empty(), appeal, fields) {
                (true, Some(appeal), Some(fields)) => batch.push(Parsed { appeal, fields }),
                _ => {
                    for (field, message) in errors.render(&tr) {
                        report.errors.push(RowError {
                            line,
                            field,
                            message,
                        });
                    }
                }
            }
        }
        if in_batch >= BATCH || !more {
            in_batch = 0;
            if !report.errors.is_empty() {
                // This batch stays out; earlier ones are in and a re-run skips them.
                bar.finish_and_clear();
                return Ok(report);
            }
            let (inserted, skipped) = write_batch(db, &batch).await?;
            report.inserted += inserted;
            report.skipped += skipped;
            batch.clear();
            bar.set_position(reader.position().byte());
        }
        if !more {
            break;
        }
    }
    bar.finish_and_clear();
    Ok(report)
}

/// Writes one batch and its totals in one transaction. Rows whose reference
/// the appeal already has (an earlier run, or earlier in the file) are left
/// out, and only the rows that went in count towards the totals.
///
/// The first try assumes no reference is recorded yet, as on a first run, and
/// checks that assumption by the number of rows the database took; if it took
/// fewer, the batch is rolled back and written again with the recorded
/// references looked up first.
async fn write_batch(db: &Db, rows: &[Parsed]) -> Result<(u64, u64), ImportError> {
    if rows.is_empty() {
        return Ok((0, 0));
    }
    // On PostgreSQL another writer can record a reference between the look-up
    // and the insert; a few tries settle that.
    for look_up in [false, true, true, true] {
        if let Some(done) = try_batch(db, rows, look_up).await? {
            return Ok(done);
        }
    }
    Err(ImportError::Io(std::io::Error::other(
        "other writers kept recording the same references; run the import again",
    )))
}

async fn try_batch(
    db: &Db,
    rows: &[Parsed],
    look_up: bool,
) -> Result<Option<(u64, u64)>, ImportError> {
    let now = crate::common::clock::now();
    let mut tx = db.write().await?;
    let recorded: HashSet<(i64, String)> = if look_up {
        let keys: Vec<(i64, &str)> = rows
            .iter()
            .map(|r| (r.appeal.0, r.fields.reference.as_str()))
            .collect();
        sqlx::query(&db.with_json_rows(RECORDED))
            .bind(json_array(&keys)?)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| Ok((row.try_get("appeal_id")?, row.try_get("reference")?)))
            .collect::<Result<_, sqlx::Error>>()?
    } else {
        HashSet::new()
    };
    let mut seen: HashSet<(i64, &str)> = HashSet::with_capacity(rows.len());
    let fresh: Vec<&Parsed> = rows
        .iter()
        .filter(|r| {
            let key = (r.appeal.0, r.fields.reference.as_str());
            seen.insert(key) && !recorded.contains(&(key.0, key.1.to_owned()))
        })
        .collect();

    let sql = db.with_json_rows(INSERT);
    let mut inserted = 0u64;
    for chunk in fresh.chunks(PER_STATEMENT) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                let f = &r.fields;
                (
                    r.appeal.0,
                    f.amount.amount_minor,
                    f.amount.currency.code(),
                    f.branch_id.map(|b| b.0),
                    &f.donor_name,
                    f.status.code(),
                    f.received_on.map(|d| d.to_string()),
                    &f.reference,
                    &f.notes,
                )
            })
            .collect();
        let done = sqlx::query(&sql)
            .bind(json_array(&values)?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        inserted += done.rows_affected();
    }
    if inserted != fresh.len() as u64 {
        return Ok(None);
    }

    let mut totals: HashMap<(AppealId, Currency), TotalsDelta> = HashMap::new();
    for r in &fresh {
        let f = &r.fields;
        let d = delta(None, f.status, f.amount.amount_minor);
        let t = totals.entry((r.appeal, f.amount.currency)).or_default();
        t.pledged_minor += d.pledged_minor;
        t.received_minor += d.received_minor;
        t.count += d.count;
    }
    for ((appeal, currency), d) in totals {
        store::apply_delta(&mut tx, appeal, currency, d).await?;
    }
    tx.commit().await?;
    Ok(Some((inserted, rows.len() as u64 - inserted)))
}

/// Rows as one JSON array of arrays, to bind as a single parameter.
fn json_array<T: serde::Serialize>(rows: &[T]) -> Result<String, ImportError> {
    serde_json::to_string(rows).map_err(|e| ImportError::Io(std::io::Error::other(e)))
}

/// A cell a spreadsheet would run as a formula is written as text.
fn cell(text: &str) -> String {
    crate::common::import::export_cell(text)
}

/// Writes every donation (of one appeal, when given), oldest first, in the
/// import's columns, so that an export imports back as itself.
pub async fn export(
    db: &Db,
    appeal: Option<AppealId>,
    output: impl Write,
) -> Result<u64, ImportError> {
    let mut output = output;
    output.write_all(&[0xEF, 0xBB, 0xBF])?;
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(output);
    writer.write_record(HEADERS)?;
    let mut after = 0i64;
    let mut count = 0u64;
    loop {
        let rows = sqlx::query(
            "SELECT d.id, a.slug, d.amount_minor, d.currency, d.status, d.received_on, d.branch_id, d.donor_name,
                    d.reference, d.notes
             FROM donations d JOIN appeals a ON a.id = d.appeal_id
             WHERE d.id > $1 AND ($2 = 0 OR d.appeal_id = $2)
             ORDER BY d.id LIMIT 5000",
        )
        .bind(after)
        .bind(appeal.map_or(0, |a| a.0))
        .fetch_all(db.read())
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for r in &rows {
            let code: String = r.try_get("currency")?;
            let amount = Currency::parse(&code)
                .map(|currency| {
                    crate::money::Money {
                        amount_minor: r.try_get("amount_minor").unwrap_or(0),
                        currency,
                    }
                    .major_text()
                    .replace(',', "")
                })
                .unwrap_or_default();
            writer.write_record([
                r.try_get::<String, _>("slug")?,
                amount,
                code,
                r.try_get::<String, _>("status")?,
                r.try_get::<Option<String>, _>("received_on")?
                    .unwrap_or_default(),
                r.try_get::<Option<i64>, _>("branch_id")?
                    .map(|b| b.to_string())
                    .unwrap_or_default(),
                cell(&r.try_get::<String, _>("donor_name")?),
                // A donation recorded without a reference (a pledge at a
                // meeting) gets one from its id, the same every time, so
                // that the file imports back, and once only.
                cell(&match r.try_get::<String, _>("reference")? {
                    none if none.is_empty() => {
                        format!("solidarnist-{}", r.try_get::<i64, _>("id")?)
                    }
                    reference => reference,
                }),
                cell(&r.try_get::<String, _>("notes")?),
            ])?;
            count += 1;
        }
    }
    writer.flush()?;
    Ok(count)
}
