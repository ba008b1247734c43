//! CSV import and export of unions, branches and people.
//!
//! Import reads the whole file and checks every row first; if any row is bad
//! it reports each one (line, field, reason) and writes nothing. Otherwise it
//! writes all rows in one transaction, so an import is all or nothing.
//! Records already in the directory (same union name in the same country,
//! same branch name in the same union, same e-mail at the same branch) are
//! skipped, so an interrupted or repeated import can simply be run again.
//!
//! Export writes UTF-8 with a byte-order mark, which spreadsheet programs
//! need to show Cyrillic names correctly, in the same columns import reads.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};

use indicatif::{ProgressBar, ProgressStyle};

use super::model::*;
use super::store::{self, BranchFilter, PersonFilter, UnionFilter};
use crate::auth::Scope;
use crate::common::import::{ImportError, Report, RowError};
use crate::common::input::{FieldErrors, Loose, TextList};
use crate::common::paging::Paging;
use crate::db::{Db, DbError};
use crate::i18n::{Lang, Tr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Unions,
    Branches,
    People,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "unions" => Some(Kind::Unions),
            "branches" => Some(Kind::Branches),
            "people" => Some(Kind::People),
            _ => None,
        }
    }

    fn headers(self) -> &'static [&'static str] {
        match self {
            Kind::Unions => &["id", "name", "name_uk", "country", "kind"],
            Kind::Branches => &[
                "id",
                "union",
                "name",
                "name_uk",
                "region",
                "sector",
                "size_band",
                "languages",
                "wished_region",
                "at_risk",
            ],
            Kind::People => &[
                "id",
                "branch_id",
                "name",
                "email",
                "phone",
                "role",
                "at_risk",
            ],
        }
    }
}

/// Reads a CSV file, skipping a UTF-8 byte-order mark if there is one.
fn reader(mut input: impl Read) -> Result<::csv::Reader<std::io::Cursor<Vec<u8>>>, ImportError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    Ok(::csv::ReaderBuilder::new()
        .flexible(false)
        .trim(::csv::Trim::Fields)
        .from_reader(std::io::Cursor::new(bytes)))
}

struct Columns(HashMap<String, usize>);

impl Columns {
    /// A cell, with the `'` an export put before formula-like text removed.
    fn get<'r>(&self, record: &'r ::csv::StringRecord, name: &str) -> Option<&'r str> {
        self.0
            .get(name)
            .and_then(|&i| record.get(i))
            .map(crate::common::import::import_cell)
    }

    fn text(&self, record: &::csv::StringRecord, name: &str) -> Option<String> {
        self.get(record, name).map(str::to_owned)
    }

    fn require(&self, names: &[&'static str]) -> Result<(), ImportError> {
        match names.iter().find(|n| !self.0.contains_key(**n)) {
            Some(missing) => Err(ImportError::MissingColumn(missing)),
            None => Ok(()),
        }
    }
}

fn progress(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

fn push_errors(report: &mut Report, line: u64, errors: &FieldErrors) {
    let tr = Tr::new(Lang::En);
    for (field, message) in errors.render(&tr) {
        report.errors.push(RowError {
            line,
            field,
            message,
        });
    }
}

pub async fn import(db: &Db, kind: Kind, input: impl Read) -> Result<Report, ImportError> {
    let mut reader = reader(input)?;
    let columns = Columns(
        reader
            .headers()?
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_lowercase(), i))
            .collect(),
    );
    let records: Vec<::csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    match kind {
        Kind::Unions => import_unions(db, &columns, &records).await,
        Kind::Branches => import_branches(db, &columns, &records).await,
        Kind::People => import_people(db, &columns, &records).await,
    }
}

/// The checked rows of one file that will be written, each once by its key.
struct Keep<K, F> {
    /// The keys of the records the directory already has.
    existing: HashSet<K>,
    /// Each key in the file, with the line it was first on.
    seen: HashMap<K, u64>,
    rows: Vec<F>,
}

impl<K: std::hash::Hash + Eq + Clone, F> Keep<K, F> {
    fn new(existing: HashSet<K>) -> Keep<K, F> {
        Keep {
            existing,
            seen: HashMap::new(),
            rows: Vec::new(),
        }
    }

    /// A checked row and its key (none: always a new record). A key seen on
    /// an earlier line is refused on `field`; one the directory has is
    /// skipped, so that an import can run again; any other is kept.
    fn offer(&mut self, report: &mut Report, line: u64, field: &str, key: Option<K>, row: F) {
        let Some(key) = key else {
            self.rows.push(row);
            return;
        };
        if let Some(first) = self.seen.insert(key.clone(), line) {
            let mut errors = FieldErrors::new();
            errors.add_with(field, "err-duplicate-row", first);
            push_errors(report, line, &errors);
        } else if self.existing.contains(&key) {
            report.skipped += 1;
        } else {
            self.rows.push(row);
        }
    }
}

impl<K, F: NewRecord> Keep<K, F> {
    /// Writes the kept rows in one transaction, unless any row was wrong.
    async fn write(self, db: &Db, mut report: Report, what: &str) -> Result<Report, ImportError> {
        if report.errors.is_empty() {
            report.inserted = write_rows(db, &self.rows, what).await?;
        }
        Ok(report)
    }
}

fn line_of(index: usize) -> u64 {
    index as u64 + 2
}

async fn import_unions(
    db: &Db,
    columns: &Columns,
    records: &[::csv::StringRecord],
) -> Result<Report, ImportError> {
    columns.require(&["name", "country", "kind"])?;
    let existing: HashSet<(Country, String)> = store::all_unions(db)
        .await?
        .into_iter()
        .map(|u| (u.country, u.name.to_lowercase()))
        .collect();
    let mut report = Report::default();
    let mut keep = Keep::new(existing);
    for (i, record) in records.iter().enumerate() {
        let line = line_of(i);
        let input = UnionInput {
            name: columns.text(record, "name"),
            name_uk: columns.text(record, "name_uk"),
            country: columns.text(record, "country"),
            kind: columns.text(record, "kind"),
            version: None,
        };
        let mut errors = FieldErrors::new();
        let Some(fields) = input.parse(None, &mut errors).filter(|_| errors.is_empty()) else {
            push_errors(&mut report, line, &errors);
            continue;
        };
        let key = (fields.country, fields.name.to_lowercase());
        keep.offer(&mut report, line, "name", Some(key), fields);
    }
    keep.write(db, report, "unions").await
}

async fn import_branches(
    db: &Db,
    columns: &Columns,
    records: &[::csv::StringRecord],
) -> Result<Report, ImportError> {
    columns.require(&["union", "name", "region", "sector", "size_band"])?;
    let unions = store::all_unions(db).await?;
    let mut by_name: HashMap<String, Vec<UnionId>> = HashMap::new();
    for u in &unions {
        by_name.entry(u.name.to_lowercase()).or_default().push(u.id);
    }
    let existing: HashSet<(UnionId, String)> = all_branches(db)
        .await?
        .into_iter()
        .map(|b| (b.union_id, b.name.to_lowercase()))
        .collect();
    let mut report = Report::default();
    let mut keep = Keep::new(existing);
    for (i, record) in records.iter().enumerate() {
        let line = line_of(i);
        let mut errors = FieldErrors::new();
        let union_ref = columns
            .get(record, "union")
            .unwrap_or("")
            .trim()
            .to_lowercase();
        let union_id = match by_name.get(&union_ref).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            Some(_) => {
                errors.add("union", "err-ambiguous-union");
                None
            }
            None => {
                errors.add("union", "err-unknown-union");
                None
            }
        };
        let input = BranchInput {
            union_id: union_id.map(|u| Loose::Int(u.0)),
            name: columns.text(record, "name"),
            name_uk: columns.text(record, "name_uk"),
            region: columns.text(record, "region"),
            sector: columns.text(record, "sector"),
            size_band: columns.text(record, "size_band"),
            languages: columns.text(record, "languages").map(TextList::Text),
            wished_region: columns.text(record, "wished_region"),
            at_risk: columns.text(record, "at_risk").map(Loose::Text),
            version: None,
        };
        let fields = input.parse(None, &mut errors);
        let Some(fields) = fields.filter(|_| errors.is_empty()) else {
            // The union column's own error says it better than union_id's.
            let mut shown = FieldErrors::new();
            for (field, e) in [("union", errors.get("union")), ("name", errors.get("name"))] {
                if let Some(e) = e {
                    shown.add(field, e.key);
                }
            }
            for field in ["name_uk", "region", "sector", "size_band"] {
                if let Some(e) = errors.get(field) {
                    shown.add(field, e.key);
                }
            }
            push_errors(&mut report, line, &shown);
            continue;
        };
        let key = (fields.union_id, fields.name.to_lowercase());
        keep.offer(&mut report, line, "name", Some(key), fields);
    }
    keep.write(db, report, "branches").await
}

async fn import_people(
    db: &Db,
    columns: &Columns,
    records: &[::csv::StringRecord],
) -> Result<Report, ImportError> {
    columns.require(&["name", "role"])?;
    let branches: HashSet<BranchId> = all_branches(db).await?.into_iter().map(|b| b.id).collect();
    // A person is the same person by e-mail at the same branch, or, for a
    // row without one (a paper list, or an export that left out an at-risk
    // person's contacts), by name at the same branch: re-importing never
    // makes a second copy.
    let mut existing: HashSet<(Option<BranchId>, String)> = HashSet::new();
    for p in all_people(db).await? {
        existing.insert((p.branch_id, person_name_key(&p.name)));
        if let Some(e) = p.email {
            existing.insert((p.branch_id, format!("email:{e}")));
        }
    }
    let mut report = Report::default();
    let mut keep = Keep::new(existing);
    for (i, record) in records.iter().enumerate() {
        let line = line_of(i);
        let input = PersonInput {
            branch_id: columns.text(record, "branch_id").map(Loose::Text),
            name: columns.text(record, "name"),
            email: columns.text(record, "email"),
            phone: columns.text(record, "phone"),
            role: columns.text(record, "role"),
            at_risk: columns.text(record, "at_risk").map(Loose::Text),
            version: None,
        };
        let mut errors = FieldErrors::new();
        let fields = input.parse(None, &mut errors);
        if let Some(PersonFields {
            branch_id: Some(b), ..
        }) = &fields
        {
            if !branches.contains(b) {
                errors.add("branch_id", "err-unknown-branch");
            }
        }
        let Some(fields) = fields.filter(|_| errors.is_empty()) else {
            push_errors(&mut report, line, &errors);
            continue;
        };
        let (field, key) = match &fields.email {
            Some(e) => ("email", format!("email:{e}")),
            None => ("name", person_name_key(&fields.name)),
        };
        keep.offer(
            &mut report,
            line,
            field,
            Some((fields.branch_id, key)),
            fields,
        );
    }
    keep.write(db, report, "people").await
}

/// How a person without an e-mail address is recognised: their name,
/// without case or extra spaces.
fn person_name_key(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    format!("name:{}", words.join(" ").to_lowercase())
}

/// A checked row, ready to be written.
trait NewRecord {
    async fn insert(&self, conn: &mut crate::db::Conn) -> Result<(), DbError>;
}

impl NewRecord for UnionFields {
    async fn insert(&self, conn: &mut crate::db::Conn) -> Result<(), DbError> {
        store::insert_union(conn, self).await.map(drop)
    }
}

impl NewRecord for BranchFields {
    async fn insert(&self, conn: &mut crate::db::Conn) -> Result<(), DbError> {
        store::insert_branch(conn, self).await.map(drop)
    }
}

impl NewRecord for PersonFields {
    async fn insert(&self, conn: &mut crate::db::Conn) -> Result<(), DbError> {
        store::insert_person(conn, self).await.map(drop)
    }
}

/// Writes every checked row in one transaction: all of them, or none.
async fn write_rows<T: NewRecord>(db: &Db, rows: &[T], what: &str) -> Result<u64, DbError> {
    let bar = progress(rows.len() as u64, what);
    let mut tx = db.write().await?;
    for row in rows {
        row.insert(&mut tx).await?;
        bar.inc(1);
    }
    tx.commit().await?;
    bar.finish();
    Ok(rows.len() as u64)
}

const EXPORT_PAGE: i64 = 200;

/// Pages through a list query to the end.
async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, DbError>
where
    F: FnMut(Paging) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, i64), DbError>>,
{
    let mut out = Vec::new();
    for page in 1.. {
        let (items, total) = fetch(Paging {
            page,
            per_page: EXPORT_PAGE,
        })
        .await?;
        let done = items.is_empty() || (page * EXPORT_PAGE) >= total;
        out.extend(items);
        if done {
            break;
        }
    }
    Ok(out)
}

async fn all_branches(db: &Db) -> Result<Vec<Branch>, DbError> {
    let filter = BranchFilter::default();
    all_pages(|p| store::list_branches(db, &filter, p)).await
}

async fn all_people(db: &Db) -> Result<Vec<Person>, DbError> {
    let filter = PersonFilter::default();
    all_pages(|p| store::list_people(db, &Scope::All, &filter, p)).await
}

/// Writes one row, each text cell safe from spreadsheets running it as a
/// formula (a person named `=HYPERLINK(…)` is written as text).
fn write_row<W: Write>(
    writer: &mut ::csv::Writer<W>,
    cells: impl IntoIterator<Item = String>,
) -> Result<(), ::csv::Error> {
    writer.write_record(
        cells
            .into_iter()
            .map(|c| crate::common::import::export_cell(&c)),
    )
}

/// Writes every record of a kind. People marked at risk are exported without
/// their e-mail address and phone number unless `include_at_risk` is set;
/// every at-risk record written with its details (such a person's contacts,
/// an at-risk branch's name and region) is in the audit log as
/// `export_at_risk`.
pub async fn export(
    db: &Db,
    kind: Kind,
    output: impl Write,
    include_at_risk: bool,
) -> Result<u64, ImportError> {
    let mut output = output;
    output.write_all(&[0xEF, 0xBB, 0xBF])?;
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(output);
    writer.write_record(kind.headers())?;
    let mut count = 0;
    let mut exported_at_risk: Vec<String> = Vec::new();
    match kind {
        Kind::Unions => {
            let filter = UnionFilter::default();
            let unions = all_pages(|p| store::list_unions(db, &filter, p)).await?;
            for u in unions {
                write_row(
                    &mut writer,
                    [
                        u.id.to_string(),
                        u.name,
                        u.name_uk.unwrap_or_default(),
                        u.country.code().to_owned(),
                        u.kind.code().to_owned(),
                    ],
                )?;
                count += 1;
            }
        }
        Kind::Branches => {
            for b in all_branches(db).await? {
                if b.at_risk {
                    exported_at_risk.push(format!("branch={} via=cli", b.id));
                }
                write_row(
                    &mut writer,
                    [
                        b.id.to_string(),
                        b.union_name,
                        b.name,
                        b.name_uk.unwrap_or_default(),
                        b.region,
                        b.sector.code().to_owned(),
                        b.size_band.code().to_owned(),
                        b.languages.join(","),
                        b.wished_region,
                        b.at_risk.to_string(),
                    ],
                )?;
                count += 1;
            }
        }
        Kind::People => {
            for p in all_people(db).await? {
                let hide = p.protected() && !include_at_risk;
                if p.protected() && !hide {
                    exported_at_risk.push(format!("person={} via=cli", p.id));
                }
                write_row(
                    &mut writer,
                    [
                        p.id.to_string(),
                        p.branch_id.map(|b| b.to_string()).unwrap_or_default(),
                        p.name,
                        if hide {
                            String::new()
                        } else {
                            p.email.unwrap_or_default()
                        },
                        if hide {
                            String::new()
                        } else {
                            p.phone.unwrap_or_default()
                        },
                        p.role.code().to_owned(),
                        p.at_risk.to_string(),
                    ],
                )?;
                count += 1;
            }
        }
    }
    writer.flush()?;
    crate::auth::store::audit_each(db, None, "export_at_risk", &exported_at_risk).await?;
    Ok(count)
}
