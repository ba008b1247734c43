//! What the speakers area's pages and API both do: who may see and change
//! which request, the moves of the life cycle with their e-mails, and the
//! ranked matching of speakers to a request.

use jiff::Timestamp;

use super::mail::{self, Kind, Recipient};
use super::model::*;
use super::store::{self, Visible};
use crate::auth::{Action, Principal, Scope};
use crate::common::input::{long_text, FieldErrors};
use crate::db::{Conn, Db};
use crate::directory::store as directory;
use crate::outbox;
use crate::web::error::AppError;

/// The requests a caller may see.
pub async fn visible_to(db: &Db, who: &Principal) -> Result<Visible, AppError> {
    let Some(account) = who.account() else {
        return Ok(Visible::Nothing);
    };
    if account.role == crate::auth::Role::Speaker {
        return Ok(match store::speaker_of_user(db, account.id).await? {
            Some(s) => Visible::Speaker(s.id),
            None => Visible::Nothing,
        });
    }
    Ok(match who.scope(Action::RequestSpeakers) {
        Scope::All => Visible::All,
        Scope::Branches(ids) => Visible::Branches(ids),
        Scope::Nothing => Visible::Nothing,
    })
}

fn may_see(visible: &Visible, request: &Request) -> bool {
    match visible {
        Visible::All => true,
        Visible::Branches(ids) => request.branch_id.is_some_and(|b| ids.contains(&b)),
        Visible::Speaker(s) => request.speaker_id == Some(*s),
        Visible::Nothing => false,
    }
}

/// A request the caller may see, else "not found".
pub async fn get_request(db: &Db, who: &Principal, id: RequestId) -> Result<Request, AppError> {
    let request = store::get_request(&mut *db.conn().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_see(&visible_to(db, who).await?, &request) {
        Ok(request)
    } else {
        Err(AppError::NotFound)
    }
}

/// A branch officer or coordinator asks for a speaker for a branch.
pub async fn create_request(
    db: &Db,
    who: &Principal,
    input: &RequestInput,
) -> Result<Request, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(Timestamp::now(), &mut errors);
    if let Some(f) = &fields {
        match f.branch_id {
            None => errors.add("branch_id", "err-required"),
            Some(b) if !who.may_at(Action::RequestSpeakers, Some(b)) => {
                errors.add("branch_id", "err-unknown-branch")
            }
            Some(b) if directory::get_branch(db, b).await?.is_none() => {
                errors.add("branch_id", "err-unknown-branch")
            }
            Some(_) => {}
        }
    }
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let by = who.account().map(|a| a.id);
    let mut tx = db.write().await?;
    let id = store::insert_request(&mut tx, &fields, by).await?;
    tx.commit().await?;
    get_request(db, who, id).await
}

/// A visitor asks for a speaker through the public form; the request waits
/// for a coordinator to link it to a branch.
pub async fn public_request(
    db: &Db,
    input: &RequestInput,
    base_url: &str,
) -> Result<RequestId, AppError> {
    let mut errors = FieldErrors::new();
    let input = RequestInput {
        branch_id: None,
        ..input.clone()
    };
    let fields = input.parse(Timestamp::now(), &mut errors);
    if input
        .contact_name
        .as_deref()
        .unwrap_or("")
        .trim()
        .is_empty()
    {
        errors.add("contact_name", "err-required");
    }
    if input
        .contact_email
        .as_deref()
        .unwrap_or("")
        .trim()
        .is_empty()
    {
        errors.add("contact_email", "err-required");
    }
    if input.branch_text.as_deref().unwrap_or("").trim().is_empty() {
        errors.add("branch_text", "err-required");
    }
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    let id = store::insert_request(&mut tx, &fields, None).await?;
    // Coordinators hear of it at once.
    let request = store::get_request(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    for (address, lang) in crate::auth::store::coordinators(&mut tx).await? {
        let to = Recipient::at_branch(address, lang, &request);
        outbox::enqueue(
            &mut tx,
            &mail::compose(Kind::NewRequest, &to, &request, None, base_url),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The body of a state change: whom to offer to, or what to report.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct VerbInput {
    /// For `offer`.
    pub speaker_id: Option<crate::common::input::Loose>,
    /// For `report`.
    pub attendance: Option<crate::common::input::Loose>,
    /// For `report`.
    pub report: Option<String>,
    /// For a coordinator linking a visitor's request to a branch on offer.
    pub branch_id: Option<crate::common::input::Loose>,
}

fn not_allowed(from: Status) -> AppError {
    let _ = from;
    AppError::conflict("not_allowed_now", "err-transition")
}

/// May this caller use this verb on this request at all?
fn may_act(who: &Principal, verb: Verb, request: &Request, own_speaker: Option<SpeakerId>) -> bool {
    match verb {
        Verb::Offer | Verb::Confirm => who.may(Action::MatchSpeakers),
        Verb::Accept | Verb::Decline => {
            who.may(Action::AnswerOffers)
                && own_speaker.is_some()
                && request.speaker_id == own_speaker
        }
        Verb::Cancel | Verb::Hold | Verb::Report => {
            who.may_at(Action::ChangeBookings, request.branch_id)
        }
    }
}

/// Moves a request along its life cycle: checks who may, what the state
/// allows and, for an offer, that the speaker is free — all inside one
/// transaction that also queues the e-mails.
pub async fn act(
    db: &Db,
    who: &Principal,
    id: RequestId,
    verb: Verb,
    input: &VerbInput,
    base_url: &str,
) -> Result<Request, AppError> {
    let request = get_request(db, who, id).await?;
    let own_speaker = match who.account() {
        Some(a) if a.role == crate::auth::Role::Speaker => {
            store::speaker_of_user(db, a.id).await?.map(|s| s.id)
        }
        _ => None,
    };
    if !may_act(who, verb, &request, own_speaker) {
        return Err(AppError::Forbidden);
    }
    let Some(to) = transition(request.status, verb) else {
        return Err(not_allowed(request.status));
    };
    let mut errors = FieldErrors::new();
    let speaker_id = match verb {
        Verb::Offer => {
            let chosen = crate::common::input::id(
                input.speaker_id.as_ref(),
                "speaker_id",
                "err-unknown-speaker",
                &mut errors,
            );
            if chosen.is_none() {
                errors.add("speaker_id", "err-required");
            }
            chosen
        }
        _ => request.speaker_id,
    };
    let report = if verb == Verb::Report {
        let attendance = match input
            .attendance
            .as_ref()
            .map(|a| a.as_text().trim().parse::<i64>())
        {
            Some(Ok(n)) if (0..=100_000).contains(&n) => n,
            _ => {
                errors.add_with("attendance", "err-range", "0–100000");
                0
            }
        };
        let text = long_text(input.report.as_deref(), None, "report", 4000, &mut errors);
        Some((attendance, text))
    } else {
        None
    };
    if verb == Verb::Hold && request.starts_at > crate::common::clock::now() {
        errors.add("status", "err-not-yet-held");
    }
    if verb == Verb::Offer && request.starts_at <= crate::common::clock::now() {
        errors.add("starts_at", "err-in-the-past");
    }
    let branch_link = match (verb, &input.branch_id) {
        (Verb::Offer, Some(b)) if request.branch_id.is_none() => match b.as_text().trim().parse() {
            Ok(b) if directory::get_branch(db, b).await?.is_some() => Some(b),
            _ => {
                errors.add("branch_id", "err-unknown-branch");
                None
            }
        },
        _ => None,
    };
    let speaker = match speaker_id {
        Some(s) => match store::get_speaker(db, s).await? {
            Some(s) => Some(s),
            None => {
                errors.add("speaker_id", "err-unknown-speaker");
                None
            }
        },
        None => None,
    };
    errors.into_result()?;
    if let Some(branch) = branch_link {
        store::set_request_branch(db, id, branch).await?;
    }

    let mut tx = db.write().await?;
    if verb == Verb::Offer {
        let speaker = speaker
            .as_ref()
            .ok_or(AppError::Internal("offer without a speaker".into()))?;
        // The lock first: a second offer of this speaker waits here until
        // the first has committed, then sees its booking below.
        store::lock_speaker(&mut tx, speaker.id).await?;
        let clash = store::holding_slots(&mut tx, speaker.id, Some(id))
            .await?
            .iter()
            .any(|b| b.clashes_with(&request.slot()));
        if clash {
            return Err(AppError::conflict("speaker_not_free", "err-speaker-busy"));
        }
    }
    let report_ref = report.as_ref().map(|(n, t)| (*n, t.as_str()));
    let new_speaker = if verb == Verb::Offer {
        speaker_id
    } else {
        None
    };
    if !store::move_request(&mut tx, id, request.status, to, new_speaker, report_ref).await? {
        // Someone moved it between our read and our write.
        return Err(AppError::conflict("changed", "err-stale"));
    }
    let moved = store::get_request(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    queue_mails(
        &mut tx,
        verb,
        request.status,
        &moved,
        speaker.as_ref(),
        base_url,
    )
    .await?;
    tx.commit().await?;
    Ok(moved)
}

async fn queue_mails(
    tx: &mut Conn,
    verb: Verb,
    from: Status,
    request: &Request,
    speaker: Option<&Speaker>,
    base_url: &str,
) -> Result<(), AppError> {
    let speaker_name = speaker.map(|s| s.name.as_str());
    let mut recipients: Vec<(Kind, Recipient)> = Vec::new();
    match verb {
        Verb::Offer => recipients.extend(
            speaker
                .and_then(Recipient::speaker)
                .map(|r| (Kind::Offer, r)),
        ),
        Verb::Accept | Verb::Confirm => {
            for r in branch_recipients(tx, request).await? {
                recipients.push((Kind::Confirmed, r));
            }
            recipients.extend(
                speaker
                    .and_then(Recipient::speaker)
                    .map(|r| (Kind::Confirmed, r)),
            );
        }
        Verb::Decline => {
            for (address, lang) in crate::auth::store::coordinators(tx).await? {
                recipients.push((Kind::Declined, Recipient::at_branch(address, lang, request)));
            }
        }
        Verb::Cancel => {
            for r in branch_recipients(tx, request).await? {
                recipients.push((Kind::Cancelled, r));
            }
            if from.holds_speaker() {
                recipients.extend(
                    speaker
                        .and_then(Recipient::speaker)
                        .map(|r| (Kind::Cancelled, r)),
                );
            }
        }
        Verb::Hold | Verb::Report => {}
    }
    for (kind, to) in recipients {
        let m = mail::compose(kind, &to, request, speaker_name, base_url);
        outbox::enqueue(tx, &m).await?;
    }
    Ok(())
}

/// A branch's officers, and the person who asked if they gave an address.
pub async fn branch_recipients(
    tx: &mut Conn,
    request: &Request,
) -> Result<Vec<Recipient>, AppError> {
    let mut out: Vec<Recipient> = Vec::new();
    if let Some(b) = request.branch_id {
        for (address, lang) in crate::auth::store::branch_officers(tx, b).await? {
            out.push(Recipient::at_branch(address, lang, request));
        }
    }
    if let Some(contact) = &request.contact_email {
        if !out.iter().any(|r| &r.address == contact) {
            out.push(Recipient::at_branch(contact.clone(), None, request));
        }
    }
    Ok(out)
}

/// A speaker and how well they fit a request.
pub struct Match {
    pub speaker: Speaker,
    pub fit: Fit,
}

/// Every speaker, the available ones first and best first, with reasons.
pub async fn matches(db: &Db, request: &Request) -> Result<Vec<Match>, AppError> {
    let region = match request.branch_id {
        Some(b) => directory::get_branch(db, b).await?.map(|b| b.region),
        None => None,
    };
    let wanted = Wanted {
        slot: request.slot(),
        topics: request.topics.clone(),
        region,
        interpretation: request.interpretation,
    };
    let mut out = Vec::new();
    let mut conn = db.conn().await?;
    for speaker in store::all_speakers(db).await? {
        let windows = store::windows_of(db, speaker.id).await?;
        let blackouts = store::blackouts_of(db, speaker.id)
            .await?
            .into_iter()
            .filter_map(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .collect();
        let bookings = store::holding_slots(&mut conn, speaker.id, Some(request.id)).await?;
        let candidate = Candidate {
            languages: speaker.languages.clone(),
            topics: speaker.topics.clone(),
            home_zone: crate::common::clock::zone(&speaker.time_zone)
                .unwrap_or(jiff::tz::TimeZone::UTC),
            online: speaker.online,
            in_person: speaker.in_person,
            regions: speaker.regions.clone(),
            windows,
            blackouts,
            bookings,
        };
        let fit = fit(&candidate, &wanted);
        out.push(Match { speaker, fit });
    }
    out.sort_by(|a, b| {
        b.fit
            .available
            .cmp(&a.fit.available)
            .then(b.fit.score.cmp(&a.fit.score))
            .then(a.speaker.name.cmp(&b.speaker.name))
    });
    Ok(out)
}

/// Adds a speaker (coordinators), optionally linked to the account with
/// `account_email` so that they can log in and answer offers.
pub async fn create_speaker(
    db: &Db,
    input: &SpeakerInput,
    account_email: Option<&str>,
) -> Result<Speaker, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(None, &mut errors);
    let user = match account_email
        .map(crate::common::input::normalise_email)
        .filter(|e| !e.is_empty())
    {
        Some(email) => match crate::auth::store::find_id_by_email(db, &email).await? {
            Some(u) => Some(u),
            None => {
                errors.add("account_email", "err-no-account");
                None
            }
        },
        None => None,
    };
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    let id = store::insert_speaker(&mut tx, &fields, user, &crate::auth::random_hex(16))
        .await
        .map_err(AppError::duplicate_of(
            "account_email",
            "err-account-exists",
        ))?;
    tx.commit().await?;
    store::get_speaker(db, id).await?.ok_or(AppError::NotFound)
}

/// Coordinators edit any profile, a speaker their own.
pub async fn edit_speaker(
    db: &Db,
    who: &Principal,
    id: SpeakerId,
    input: &SpeakerInput,
) -> Result<Speaker, AppError> {
    let current = speaker_for_edit(db, who, id).await?;
    let mut errors = FieldErrors::new();
    let version = crate::common::input::parse_version(input.version.as_ref(), &mut errors)
        .unwrap_or(current.version);
    let fields = input.parse(Some(&current), &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    if !store::update_speaker(db, id, version, &fields).await? {
        return Err(AppError::stale());
    }
    store::get_speaker(db, id).await?.ok_or(AppError::NotFound)
}

/// The profile, if this caller may edit it.
pub async fn speaker_for_edit(
    db: &Db,
    who: &Principal,
    id: SpeakerId,
) -> Result<Speaker, AppError> {
    let speaker = store::get_speaker(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let own = who.account().is_some_and(|a| speaker.user_id == Some(a.id));
    if who.may(Action::ManageSpeakers) || own {
        Ok(speaker)
    } else {
        Err(AppError::NotFound)
    }
}

/// Parses weekly hours typed as lines like "Tue 18:00-21:00".
pub fn parse_windows(text: &str, errors: &mut FieldErrors) -> Vec<Window> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match parse_window(line) {
            Some(w) => out.push(w),
            None => {
                errors.add_with("hours", "err-hours", line);
                break;
            }
        }
    }
    out
}

fn parse_window(line: &str) -> Option<Window> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let (day, span) = line.split_once(char::is_whitespace)?;
    let weekday = DAYS
        .iter()
        .position(|d| day.to_lowercase().starts_with(d))? as i8
        + 1;
    let (from, to) = span.trim().split_once('-')?;
    let minutes = |t: &str| -> Option<i32> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
        ((0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 24 * 60)
            .then_some(h * 60 + m)
    };
    let (start_minute, end_minute) = (minutes(from)?, minutes(to)?);
    (start_minute < end_minute).then_some(Window {
        weekday,
        start_minute,
        end_minute,
    })
}

/// Shows weekly hours the way they are typed.
pub fn format_windows(windows: &[Window]) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    windows
        .iter()
        .map(|w| {
            format!(
                "{} {:02}:{:02}-{:02}:{:02}",
                DAYS[(w.weekday - 1).clamp(0, 6) as usize],
                w.start_minute / 60,
                w.start_minute % 60,
                w.end_minute / 60,
                w.end_minute % 60
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses days away typed as lines like "2026-12-20 2027-01-03" (or one date).
pub fn parse_blackouts(text: &str, errors: &mut FieldErrors) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split_whitespace();
        let first = parts
            .next()
            .and_then(|d| d.parse::<jiff::civil::Date>().ok());
        let last = parts
            .next()
            .map_or(first, |d| d.parse::<jiff::civil::Date>().ok());
        match (first, last) {
            (Some(a), Some(b)) if a <= b => out.push((a.to_string(), b.to_string())),
            _ => {
                errors.add_with("away", "err-away", line);
                break;
            }
        }
    }
    out
}

/// Saves a speaker's weekly hours and days away (both replace what was
/// there), as read by [`parse_windows`] and [`parse_blackouts`].
pub async fn set_schedule(
    db: &Db,
    id: SpeakerId,
    windows: &[Window],
    away: &[(String, String)],
) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    store::replace_windows(&mut tx, id, windows).await?;
    store::replace_blackouts(&mut tx, id, away).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_hours_round_trip() {
        let mut e = FieldErrors::new();
        let w = parse_windows("Tue 18:00-21:00\n\nsaturday 10:00-12:30", &mut e);
        assert!(e.is_empty());
        assert_eq!(w.len(), 2);
        assert_eq!(w[1].weekday, 6);
        assert_eq!(format_windows(&w), "Tue 18:00-21:00\nSat 10:00-12:30");
        parse_windows("Tue 21:00-18:00", &mut e);
        assert!(e.has("hours"));
    }

    #[test]
    fn days_away_are_ranges_of_dates() {
        let mut e = FieldErrors::new();
        let d = parse_blackouts("2026-12-20 2027-01-03\n2026-11-11", &mut e);
        assert!(e.is_empty());
        assert_eq!(d[1], ("2026-11-11".to_owned(), "2026-11-11".to_owned()));
        parse_blackouts("2027-01-03 2026-12-20", &mut e);
        assert!(e.has("away"));
    }
}
