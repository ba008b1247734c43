//! The speakers area's queries, written once for both engines.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::*;
use crate::common::clock;
use crate::common::ids::BranchId;
use crate::common::ids::UserId;
use crate::common::input::split_list;
use crate::common::paging::Paging;
use crate::db::sql::{self, Value, Where};
use crate::db::{self, Conn, Db, DbError};
use crate::i18n::Lang;

fn bad(col: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {col} {value:?} in the database").into())
}

fn speaker_from(row: &AnyRow) -> Result<Speaker, sqlx::Error> {
    let lang: String = row.try_get("lang")?;
    Ok(Speaker {
        id: SpeakerId(row.try_get("id")?),
        user_id: row.try_get::<Option<i64>, _>("user_id")?.map(UserId),
        name: row.try_get("name")?,
        email: row
            .try_get::<Option<String>, _>("email")?
            .filter(|e| !e.is_empty()),
        bio: row.try_get("bio")?,
        languages: split_list(&row.try_get::<String, _>("languages")?),
        topics: split_list(&row.try_get::<String, _>("topics")?),
        time_zone: row.try_get("time_zone")?,
        online: row.try_get::<i64, _>("online")? != 0,
        in_person: row.try_get::<i64, _>("in_person")? != 0,
        regions: split_list(&row.try_get::<String, _>("regions")?),
        lang: Lang::from_code(&lang).ok_or_else(|| bad("lang", &lang))?,
        feed_token: row.try_get("feed_token")?,
        version: row.try_get("version")?,
    })
}

const SPEAKER_COLUMNS: &str =
    "id, user_id, name, email, bio, languages, topics, time_zone, online, in_person,
    regions, lang, feed_token, version";

fn speaker_key(f: &SpeakerFields) -> String {
    crate::common::input::search_key(&[Some(&f.name), Some(&f.topics.join(" "))])
}

pub async fn insert_speaker(
    conn: &mut Conn,
    f: &SpeakerFields,
    user: Option<UserId>,
    feed_token: &str,
) -> Result<SpeakerId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO speakers (user_id, name, email, bio, languages, topics, time_zone, online, in_person,
             regions, lang, feed_token, search_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(user.map(|u| u.0))
    .bind(&f.name)
    .bind(f.email.clone())
    .bind(&f.bio)
    .bind(f.languages.join(","))
    .bind(f.topics.join(","))
    .bind(&f.time_zone)
    .bind(db::flag(f.online))
    .bind(db::flag(f.in_person))
    .bind(f.regions.join(","))
    .bind(f.lang.code())
    .bind(feed_token)
    .bind(speaker_key(f))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(SpeakerId(row.try_get("id")?))
}

/// Saves a profile edit made against `version`; `false` when it was stale.
pub async fn update_speaker(
    db: &Db,
    id: SpeakerId,
    version: i64,
    f: &SpeakerFields,
) -> Result<bool, DbError> {
    let done = db.write_one(sqlx::query(
        "UPDATE speakers SET name = $1, email = $2, bio = $3, languages = $4, topics = $5, time_zone = $6,
             online = $7, in_person = $8, regions = $9, lang = $10, search_key = $11,
             version = version + 1, updated_at = $12
         WHERE id = $13 AND version = $14",
    )
    .bind(&f.name)
    .bind(f.email.clone())
    .bind(&f.bio)
    .bind(f.languages.join(","))
    .bind(f.topics.join(","))
    .bind(&f.time_zone)
    .bind(db::flag(f.online))
    .bind(db::flag(f.in_person))
    .bind(f.regions.join(","))
    .bind(f.lang.code())
    .bind(speaker_key(f))
    .bind(clock::now())
    .bind(id.0)
    .bind(version)
    )
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn get_speaker(db: &Db, id: SpeakerId) -> Result<Option<Speaker>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {SPEAKER_COLUMNS} FROM speakers WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(db.read())
    .await?;
    Ok(row.as_ref().map(speaker_from).transpose()?)
}

pub async fn speaker_of_user(db: &Db, user: UserId) -> Result<Option<Speaker>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {SPEAKER_COLUMNS} FROM speakers WHERE user_id = $1"
    ))
    .bind(user.0)
    .fetch_optional(db.read())
    .await?;
    Ok(row.as_ref().map(speaker_from).transpose()?)
}

pub async fn speaker_by_feed(db: &Db, token: &str) -> Result<Option<Speaker>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {SPEAKER_COLUMNS} FROM speakers WHERE feed_token = $1"
    ))
    .bind(token)
    .fetch_optional(db.read())
    .await?;
    Ok(row.as_ref().map(speaker_from).transpose()?)
}

pub async fn list_speakers(
    db: &Db,
    q: Option<&str>,
    paging: Paging,
) -> Result<(Vec<Speaker>, i64), DbError> {
    let mut w = Where::new();
    if let Some(q) = q {
        w.and_contains("search_key", q);
    }
    sql::paged(
        db,
        SPEAKER_COLUMNS,
        " FROM speakers",
        &w,
        "name, id",
        paging,
        speaker_from,
    )
    .await
}

/// Every speaker, for the matching screen.
pub async fn all_speakers(db: &Db) -> Result<Vec<Speaker>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {SPEAKER_COLUMNS} FROM speakers ORDER BY name, id"
    ))
    .fetch_all(db.read())
    .await?;
    Ok(rows.iter().map(speaker_from).collect::<Result<_, _>>()?)
}

pub async fn windows_of(db: &Db, speaker: SpeakerId) -> Result<Vec<Window>, DbError> {
    let rows = sqlx::query(
        "SELECT weekday, start_minute, end_minute FROM speaker_windows WHERE speaker_id = $1
         ORDER BY weekday, start_minute",
    )
    .bind(speaker.0)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Window {
                weekday: r.try_get::<i64, _>("weekday")? as i8,
                start_minute: r.try_get::<i64, _>("start_minute")? as i32,
                end_minute: r.try_get::<i64, _>("end_minute")? as i32,
            })
        })
        .collect()
}

pub async fn replace_windows(
    conn: &mut Conn,
    speaker: SpeakerId,
    windows: &[Window],
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM speaker_windows WHERE speaker_id = $1")
        .bind(speaker.0)
        .execute(&mut *conn)
        .await?;
    for w in windows {
        sqlx::query(
            "INSERT INTO speaker_windows (speaker_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)",
        )
        .bind(speaker.0)
        .bind(i64::from(w.weekday))
        .bind(i64::from(w.start_minute))
        .bind(i64::from(w.end_minute))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn blackouts_of(db: &Db, speaker: SpeakerId) -> Result<Vec<(String, String)>, DbError> {
    let rows = sqlx::query(
        "SELECT first_day, last_day FROM speaker_blackouts WHERE speaker_id = $1 ORDER BY first_day",
    )
    .bind(speaker.0)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("first_day")?, r.try_get("last_day")?)))
        .collect()
}

pub async fn replace_blackouts(
    conn: &mut Conn,
    speaker: SpeakerId,
    days: &[(String, String)],
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM speaker_blackouts WHERE speaker_id = $1")
        .bind(speaker.0)
        .execute(&mut *conn)
        .await?;
    for (first, last) in days {
        sqlx::query(
            "INSERT INTO speaker_blackouts (speaker_id, first_day, last_day) VALUES ($1, $2, $3)",
        )
        .bind(speaker.0)
        .bind(first)
        .bind(last)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

// ---- requests ----

const REQUEST_COLUMNS: &str =
    "r.id, r.branch_id, b.name AS branch_name, b.name_uk AS branch_name_uk,
    r.requested_by, r.contact_name, r.contact_email, r.branch_text, r.starts_at, r.time_zone,
    r.duration_minutes, r.format, r.place, r.meeting_link, r.audience, r.interpretation, r.topics,
    r.notes, r.status, r.speaker_id, s.name AS speaker_name, r.attendance, r.report, r.version";
const REQUEST_FROM: &str = " FROM speaker_requests r
    LEFT JOIN branches b ON b.id = r.branch_id
    LEFT JOIN speakers s ON s.id = r.speaker_id";

fn request_from(row: &AnyRow) -> Result<Request, sqlx::Error> {
    let format: String = row.try_get("format")?;
    let status: String = row.try_get("status")?;
    Ok(Request {
        id: RequestId(row.try_get("id")?),
        branch_id: row.try_get::<Option<i64>, _>("branch_id")?.map(BranchId),
        branch_name: row.try_get("branch_name")?,
        branch_name_uk: row
            .try_get::<Option<String>, _>("branch_name_uk")?
            .filter(|s| !s.is_empty()),
        requested_by: row.try_get::<Option<i64>, _>("requested_by")?.map(UserId),
        contact_name: row.try_get("contact_name")?,
        contact_email: row.try_get("contact_email")?,
        branch_text: row.try_get("branch_text")?,
        starts_at: row.try_get("starts_at")?,
        time_zone: row.try_get("time_zone")?,
        duration_minutes: row.try_get("duration_minutes")?,
        format: Format::parse(&format).ok_or_else(|| bad("format", &format))?,
        place: row.try_get("place")?,
        meeting_link: row.try_get("meeting_link")?,
        audience: row.try_get("audience")?,
        interpretation: row.try_get::<i64, _>("interpretation")? != 0,
        topics: split_list(&row.try_get::<String, _>("topics")?),
        notes: row.try_get("notes")?,
        status: Status::parse(&status).ok_or_else(|| bad("status", &status))?,
        speaker_id: row.try_get::<Option<i64>, _>("speaker_id")?.map(SpeakerId),
        speaker_name: row.try_get("speaker_name")?,
        attendance: row.try_get("attendance")?,
        report: row.try_get("report")?,
        version: row.try_get("version")?,
    })
}

pub async fn insert_request(
    conn: &mut Conn,
    f: &RequestFields,
    by: Option<UserId>,
) -> Result<RequestId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO speaker_requests (branch_id, requested_by, contact_name, contact_email, branch_text,
             starts_at, time_zone, duration_minutes, format, place, meeting_link, audience, interpretation,
             topics, notes, status, report, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'requested', '', $16, $16)
         RETURNING id",
    )
    .bind(f.branch_id.map(|b| b.0))
    .bind(by.map(|u| u.0))
    .bind(&f.contact_name)
    .bind(f.contact_email.clone())
    .bind(&f.branch_text)
    .bind(f.planned.starts_at.as_second())
    .bind(&f.planned.zone_name)
    .bind(f.planned.duration_minutes)
    .bind(f.format.code())
    .bind(&f.place)
    .bind(&f.meeting_link)
    .bind(f.audience)
    .bind(db::flag(f.interpretation))
    .bind(f.topics.join(","))
    .bind(&f.notes)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(RequestId(row.try_get("id")?))
}

pub async fn get_request(conn: &mut Conn, id: RequestId) -> Result<Option<Request>, DbError> {
    let sql = format!("SELECT {REQUEST_COLUMNS}{REQUEST_FROM} WHERE r.id = $1");
    let row = sqlx::query(&sql)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.as_ref().map(request_from).transpose()?)
}

/// Which requests a caller may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visible {
    All,
    Branches(Vec<BranchId>),
    Speaker(SpeakerId),
    Nothing,
}

#[derive(Clone, Debug, Default)]
pub struct RequestFilter {
    pub status: Option<Status>,
    pub branch_id: Option<BranchId>,
    pub speaker_id: Option<SpeakerId>,
    /// Only those ending after this instant (UTC seconds).
    pub after: Option<i64>,
}

fn visible(w: &mut Where, visible: &Visible) {
    match visible {
        Visible::All => {}
        Visible::Branches(ids) => {
            w.and_in("r.branch_id", &ids.iter().map(|b| b.0).collect::<Vec<_>>());
        }
        Visible::Speaker(s) => {
            w.and("r.speaker_id = ?", [Value::Int(s.0)]);
        }
        Visible::Nothing => {
            w.and_in("r.id", &[]);
        }
    }
}

pub async fn list_requests(
    db: &Db,
    who: &Visible,
    filter: &RequestFilter,
    paging: Paging,
) -> Result<(Vec<Request>, i64), DbError> {
    let mut w = Where::new();
    visible(&mut w, who);
    if let Some(s) = filter.status {
        w.and("r.status = ?", [Value::Text(s.code().into())]);
    }
    if let Some(b) = filter.branch_id {
        w.and("r.branch_id = ?", [Value::Int(b.0)]);
    }
    if let Some(s) = filter.speaker_id {
        w.and("r.speaker_id = ?", [Value::Int(s.0)]);
    }
    if let Some(after) = filter.after {
        w.and(
            "r.starts_at + r.duration_minutes * 60 > ?",
            [Value::Int(after)],
        );
    }
    sql::paged(
        db,
        REQUEST_COLUMNS,
        REQUEST_FROM,
        &w,
        "r.starts_at, r.id",
        paging,
        request_from,
    )
    .await
}

/// Takes the lock that serialises changes to one speaker's bookings (see the
/// migration's note on `booking_lock`). Must be the first write of the
/// transaction. `false` if there is no such speaker.
pub async fn lock_speaker(conn: &mut Conn, speaker: SpeakerId) -> Result<bool, DbError> {
    let done = sqlx::query("UPDATE speakers SET booking_lock = booking_lock + 1 WHERE id = $1")
        .bind(speaker.0)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A speaker's offered and confirmed bookings, other than `except`.
pub async fn holding_slots(
    conn: &mut Conn,
    speaker: SpeakerId,
    except: Option<RequestId>,
) -> Result<Vec<Slot>, DbError> {
    let rows = sqlx::query(
        "SELECT starts_at, duration_minutes, format FROM speaker_requests
         WHERE speaker_id = $1 AND status IN ('offered', 'confirmed') AND id <> $2",
    )
    .bind(speaker.0)
    .bind(except.map_or(0, |r| r.0))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let starts_at: i64 = r.try_get("starts_at")?;
            let format: String = r.try_get("format")?;
            Ok(Slot {
                starts_at,
                ends_at: starts_at + r.try_get::<i64, _>("duration_minutes")? * 60,
                format: Format::parse(&format).ok_or_else(|| bad("format", &format))?,
            })
        })
        .collect()
}

/// Moves a request from one state to the next, if nobody moved it first.
/// `speaker` is set on an offer; attendance and report on a report.
pub async fn move_request(
    conn: &mut Conn,
    id: RequestId,
    from: Status,
    to: Status,
    speaker: Option<SpeakerId>,
    report: Option<(i64, &str)>,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE speaker_requests SET status = $1,
             speaker_id = CASE WHEN $2 > 0 THEN $2 ELSE speaker_id END,
             attendance = CASE WHEN $3 >= 0 THEN $3 ELSE attendance END,
             report = CASE WHEN $3 >= 0 THEN $4 ELSE report END,
             version = version + 1, updated_at = $5
         WHERE id = $6 AND status = $7",
    )
    .bind(to.code())
    .bind(speaker.map_or(0, |s| s.0))
    .bind(report.map_or(-1, |r| r.0))
    .bind(report.map_or("", |r| r.1))
    .bind(clock::now())
    .bind(id.0)
    .bind(from.code())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Links a visitor's request to a branch.
pub async fn set_request_branch(db: &Db, id: RequestId, branch: BranchId) -> Result<bool, DbError> {
    let done = db.write_one(sqlx::query(
        "UPDATE speaker_requests SET branch_id = $1, version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(branch.0)
    .bind(clock::now())
    .bind(id.0)
    )
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Confirmed meetings starting within `window` seconds from `now` whose
/// reminder has not been queued; and meetings that have ended without a
/// request for a report.
pub async fn due_for_reminder(
    conn: &mut Conn,
    now: i64,
    window: i64,
) -> Result<Vec<Request>, DbError> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS}{REQUEST_FROM}
         WHERE r.status = 'confirmed' AND r.reminder_sent = 0 AND r.starts_at > $1 AND r.starts_at <= $2"
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(now + window)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(request_from).collect::<Result<_, _>>()?)
}

pub async fn due_for_report(conn: &mut Conn, now: i64) -> Result<Vec<Request>, DbError> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS}{REQUEST_FROM}
         WHERE r.status IN ('confirmed', 'held') AND r.report_asked = 0
           AND r.starts_at + r.duration_minutes * 60 <= $1"
    );
    let rows = sqlx::query(&sql).bind(now).fetch_all(&mut *conn).await?;
    Ok(rows.iter().map(request_from).collect::<Result<_, _>>()?)
}

/// Records that a reminder (or a report request) was queued; `false` when
/// another worker got there first.
pub async fn mark_reminded(
    conn: &mut Conn,
    id: RequestId,
    column_is_report: bool,
) -> Result<bool, DbError> {
    let sql = if column_is_report {
        "UPDATE speaker_requests SET report_asked = 1 WHERE id = $1 AND report_asked = 0"
    } else {
        "UPDATE speaker_requests SET reminder_sent = 1 WHERE id = $1 AND reminder_sent = 0"
    };
    let done = sqlx::query(sql).bind(id.0).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}
