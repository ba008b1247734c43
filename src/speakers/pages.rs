//! The speakers area's pages: speakers and their profiles, requests and
//! their life cycle, the matching screen, upcoming events, and the public
//! form through which anyone can ask for a speaker.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::actions::{self, Match, VerbInput};
use super::model::*;
use super::store::{self, RequestFilter, Visible};
use crate::auth::Action;
use crate::common::clock;
use crate::common::input::FieldErrors;
use crate::common::input::{Loose, TextList};
use crate::common::paging::Paging;
use crate::directory::model::Branch;
use crate::directory::store as directory;
use crate::web::error::{form_errors, AppError};
use crate::web::extract::{Form, Id, Query};
use crate::web::{page, page_with_status, see_other, AppState, Ctx};

/// The zone this viewer reads times in.
async fn viewer_zone(app: &AppState, ctx: &Ctx) -> Result<String, AppError> {
    let Some(account) = ctx.account() else {
        return Ok(clock::CAMPAIGN_ZONE.to_owned());
    };
    if let Some(z) = &account.time_zone {
        return Ok(z.clone());
    }
    if account.role == crate::auth::Role::Speaker {
        if let Some(s) = store::speaker_of_user(&app.db, account.id).await? {
            return Ok(s.time_zone);
        }
    }
    Ok(clock::CAMPAIGN_ZONE.to_owned())
}

/// A request as a row in a list, its time already written for the viewer.
pub struct Row {
    pub request: Request,
    pub when: String,
}

fn rows(ctx: &Ctx, zone: &str, ukrainian: bool, requests: Vec<Request>) -> Vec<Row> {
    requests
        .into_iter()
        .map(|r| Row {
            when: clock::for_reader(&ctx.tr, r.starts_at, &r.time_zone, zone, ukrainian),
            request: r,
        })
        .collect()
}

fn is_ukrainian_viewer(ctx: &Ctx) -> bool {
    ctx.lang == crate::i18n::Lang::Uk
}

// ---- speakers ----

#[derive(Template)]
#[template(path = "speakers/list.html")]
struct SpeakersPage {
    ctx: Ctx,
    q: String,
    speakers: Vec<Speaker>,
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    page: Option<String>,
}

pub async fn speakers(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let paging = Paging {
        page: 1,
        per_page: Paging::MAX_PER_PAGE,
    };
    let (speakers, _) = store::list_speakers(&app.db, Some(&query.q), paging).await?;
    page(SpeakersPage {
        ctx,
        q: query.q,
        speakers,
    })
}

#[derive(Template)]
#[template(path = "speakers/profile.html")]
struct ProfilePage {
    ctx: Ctx,
    speaker: Speaker,
    hours: String,
    away: Vec<(String, String)>,
    /// Shown to coordinators and the speaker themself.
    private: Option<(String, Vec<Row>)>,
}

pub async fn profile(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<SpeakerId>,
) -> Result<Response, AppError> {
    let speaker = store::get_speaker(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let hours = actions::format_windows(&store::windows_of(&app.db, id).await?);
    let away = store::blackouts_of(&app.db, id).await?;
    let own = ctx.account().is_some_and(|a| speaker.user_id == Some(a.id));
    let private = if own || ctx.may(Action::ManageSpeakers) {
        let filter = RequestFilter {
            speaker_id: Some(id),
            after: Some(crate::common::clock::now()),
            ..Default::default()
        };
        let paging = Paging {
            page: 1,
            per_page: 50,
        };
        let (upcoming, _) = store::list_requests(&app.db, &Visible::All, &filter, paging).await?;
        let zone = viewer_zone(&app, &ctx).await?;
        let list = rows(&ctx, &zone, speaker.is_ukrainian() && own, upcoming);
        Some((super::api::calendar_url(&app.base_url, &speaker), list))
    } else {
        None
    };
    page(ProfilePage {
        ctx,
        speaker,
        hours,
        away,
        private,
    })
}

/// A speaker's way to their own profile, from the menu.
pub async fn own_profile(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let account = ctx.account().ok_or(AppError::Unauthenticated)?;
    let speaker = store::speaker_of_user(&app.db, account.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(see_other(&format!("/speakers/{}", speaker.id)))
}

#[derive(Template)]
#[template(path = "speakers/form.html")]
struct SpeakerForm {
    ctx: Ctx,
    action: String,
    editing: bool,
    form: SpeakerFormValues,
    errors: FieldErrors,
}

/// A speaker form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct SpeakerFormValues {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    languages: String,
    #[serde(default)]
    topics: String,
    #[serde(default)]
    time_zone: String,
    online: Option<String>,
    in_person: Option<String>,
    #[serde(default)]
    regions: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    away: String,
    #[serde(default)]
    account_email: String,
    #[serde(default)]
    version: String,
}

impl SpeakerFormValues {
    fn from_speaker(s: &Speaker, hours: String, away: &[(String, String)]) -> SpeakerFormValues {
        SpeakerFormValues {
            name: s.name.clone(),
            email: s.email.clone().unwrap_or_default(),
            bio: s.bio.clone(),
            languages: s.languages.join(", "),
            topics: s.topics.join(", "),
            time_zone: s.time_zone.clone(),
            online: s.online.then(|| "on".to_owned()),
            in_person: s.in_person.then(|| "on".to_owned()),
            regions: s.regions.join(", "),
            lang: s.lang.code().to_owned(),
            hours,
            away: away
                .iter()
                .map(|(a, b)| {
                    if a == b {
                        a.clone()
                    } else {
                        format!("{a} {b}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            account_email: String::new(),
            version: s.version.to_string(),
        }
    }

    fn input(&self) -> SpeakerInput {
        SpeakerInput {
            name: Some(self.name.clone()),
            email: Some(self.email.clone()),
            bio: Some(self.bio.clone()),
            languages: Some(TextList::Text(self.languages.clone())),
            topics: Some(TextList::Text(self.topics.clone())),
            time_zone: Some(self.time_zone.clone()),
            online: Some(Loose::Bool(self.online.is_some())),
            in_person: Some(Loose::Bool(self.in_person.is_some())),
            regions: Some(TextList::Text(self.regions.clone())),
            lang: Some(self.lang.clone()).filter(|l| !l.is_empty()),
            version: Some(Loose::Text(self.version.clone())).filter(|_| !self.version.is_empty()),
        }
    }
}

pub async fn new_speaker(ctx: Ctx) -> Result<Response, AppError> {
    let form = SpeakerFormValues {
        time_zone: clock::KYIV.to_owned(),
        online: Some("on".into()),
        languages: "uk, en".into(),
        ..Default::default()
    };
    page(SpeakerForm {
        ctx,
        action: "/speakers/new".into(),
        editing: false,
        form,
        errors: FieldErrors::new(),
    })
}

pub async fn create_speaker(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<SpeakerFormValues>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let windows = actions::parse_windows(&form.hours, &mut errors);
    let away = actions::parse_blackouts(&form.away, &mut errors);
    let result = if errors.is_empty() {
        actions::create_speaker(&app.db, &form.input(), Some(&form.account_email)).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(speaker) => {
            actions::set_schedule(&app.db, speaker.id, &windows, &away).await?;
            Ok(see_other(&format!("/speakers/{}", speaker.id)))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            page_with_status(
                crate::web::form_status(&errors),
                SpeakerForm {
                    ctx,
                    action: "/speakers/new".into(),
                    editing: false,
                    form,
                    errors,
                },
            )
        }
    }
}

pub async fn edit_speaker_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<SpeakerId>,
) -> Result<Response, AppError> {
    let speaker = actions::speaker_for_edit(&app.db, &ctx.principal, id).await?;
    let hours = actions::format_windows(&store::windows_of(&app.db, id).await?);
    let away = store::blackouts_of(&app.db, id).await?;
    let form = SpeakerFormValues::from_speaker(&speaker, hours, &away);
    page(SpeakerForm {
        ctx,
        action: format!("/speakers/{id}/edit"),
        editing: true,
        form,
        errors: FieldErrors::new(),
    })
}

pub async fn edit_speaker(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<SpeakerId>,
    Form(form): Form<SpeakerFormValues>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let windows = actions::parse_windows(&form.hours, &mut errors);
    let away = actions::parse_blackouts(&form.away, &mut errors);
    let result = if errors.is_empty() {
        actions::edit_speaker(&app.db, &ctx.principal, id, &form.input()).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(_) => {
            actions::set_schedule(&app.db, id, &windows, &away).await?;
            Ok(see_other(&format!("/speakers/{id}")))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            page_with_status(
                crate::web::form_status(&errors),
                SpeakerForm {
                    ctx,
                    action: format!("/speakers/{id}/edit"),
                    editing: true,
                    form,
                    errors,
                },
            )
        }
    }
}

// ---- requests ----

#[derive(Template)]
#[template(path = "speakers/requests.html")]
struct RequestsPage {
    ctx: Ctx,
    status: String,
    rows: Vec<Row>,
    may_request: bool,
    zone: String,
}

impl RequestsPage {
    fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }
}

pub async fn requests(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let visible = actions::visible_to(&app.db, &ctx.principal).await?;
    let filter = RequestFilter {
        status: Status::parse(&query.status),
        ..Default::default()
    };
    let paging = Paging::parse(query.page.as_deref(), Some("100"));
    let (list, _) = store::list_requests(&app.db, &visible, &filter, paging).await?;
    let zone = viewer_zone(&app, &ctx).await?;
    let rows = rows(&ctx, &zone, is_ukrainian_viewer(&ctx), list);
    let may_request = ctx.may(Action::RequestSpeakers);
    page(RequestsPage {
        ctx,
        status: query.status,
        rows,
        may_request,
        zone,
    })
}

#[derive(Template)]
#[template(path = "speakers/events.html")]
struct EventsPage {
    ctx: Ctx,
    days: Vec<(String, Vec<Row>)>,
    zone: String,
}

/// Upcoming offered and confirmed meetings, day by day.
pub async fn events(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let visible = actions::visible_to(&app.db, &ctx.principal).await?;
    let filter = RequestFilter {
        after: Some(crate::common::clock::now()),
        ..Default::default()
    };
    let paging = Paging {
        page: 1,
        per_page: Paging::MAX_PER_PAGE,
    };
    let (list, _) = store::list_requests(&app.db, &visible, &filter, paging).await?;
    let zone = viewer_zone(&app, &ctx).await?;
    let tz = zone_or_utc(&zone);
    let mut days: Vec<(String, Vec<Row>)> = Vec::new();
    for row in rows(&ctx, &zone, is_ukrainian_viewer(&ctx), list) {
        if !row.request.status.holds_speaker() {
            continue;
        }
        let day = jiff::Timestamp::from_second(row.request.starts_at)
            .map(|t| t.to_zoned(tz.clone()).date().to_string())
            .unwrap_or_default();
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(row),
            _ => days.push((day, vec![row])),
        }
    }
    page(EventsPage { ctx, days, zone })
}

fn zone_or_utc(name: &str) -> jiff::tz::TimeZone {
    clock::zone(name).unwrap_or(jiff::tz::TimeZone::UTC)
}

#[derive(Template)]
#[template(path = "speakers/request_form.html")]
struct RequestForm {
    ctx: Ctx,
    action: String,
    public: bool,
    form: RequestFormValues,
    errors: FieldErrors,
    branches: Vec<Branch>,
}

impl RequestForm {
    fn formats(&self) -> &'static [Format] {
        Format::ALL
    }

    fn zones(&self) -> &'static [&'static str] {
        COMMON_ZONES
    }

    /// The time typed happens twice: ask which of the two.
    fn needs_fold(&self) -> bool {
        self.errors
            .get("time")
            .is_some_and(|e| e.key == "err-time-fold")
            || !self.form.fold.is_empty()
    }
}

/// The zones the form offers first; any IANA name can be typed instead.
const COMMON_ZONES: &[&str] = &[
    "Europe/London",
    "Europe/Kyiv",
    "Europe/Dublin",
    "Europe/Warsaw",
    "Europe/Berlin",
];

/// A request form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct RequestFormValues {
    #[serde(default)]
    branch_id: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    fold: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    meeting_link: String,
    #[serde(default)]
    audience: String,
    interpretation: Option<String>,
    #[serde(default)]
    topics: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    branch_text: String,
    /// Left empty by people; filled by robots that fill every field.
    #[serde(default)]
    website: String,
}

impl RequestFormValues {
    fn input(&self) -> RequestInput {
        let text = |s: &String| Some(s.clone());
        RequestInput {
            branch_id: Some(Loose::Text(self.branch_id.clone())),
            starts_at: None,
            date: text(&self.date),
            time: text(&self.time),
            time_zone: text(&self.time_zone),
            fold: text(&self.fold),
            duration_minutes: Some(Loose::Text(self.duration_minutes.clone()))
                .filter(|_| !self.duration_minutes.trim().is_empty()),
            format: text(&self.format),
            place: text(&self.place),
            meeting_link: text(&self.meeting_link),
            audience: Some(Loose::Text(self.audience.clone())),
            interpretation: Some(Loose::Bool(self.interpretation.is_some())),
            topics: Some(TextList::Text(self.topics.clone())),
            notes: text(&self.notes),
            contact_name: text(&self.contact_name),
            contact_email: text(&self.contact_email),
            branch_text: text(&self.branch_text),
        }
    }

    fn fresh() -> RequestFormValues {
        RequestFormValues {
            time: "19:00".into(),
            time_zone: clock::CAMPAIGN_ZONE.into(),
            duration_minutes: "60".into(),
            format: Format::Online.code().into(),
            ..Default::default()
        }
    }
}

async fn request_form(
    app: &AppState,
    ctx: Ctx,
    form: RequestFormValues,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let scope = ctx.principal.scope(Action::RequestSpeakers);
    let branches = directory::branches_by_scope(&app.db, &scope).await?;
    let status = crate::web::form_status(&errors);
    page_with_status(
        status,
        RequestForm {
            ctx,
            action: "/speaker-requests/new".into(),
            public: false,
            form,
            errors,
            branches,
        },
    )
}

pub async fn new_request(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    request_form(&app, ctx, RequestFormValues::fresh(), FieldErrors::new()).await
}

pub async fn create_request(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<RequestFormValues>,
) -> Result<Response, AppError> {
    match actions::create_request(&app.db, &ctx.principal, &form.input()).await {
        Ok(r) => Ok(see_other(&format!("/speaker-requests/{}", r.id))),
        Err(e) => {
            let errors = form_errors(e)?;
            request_form(&app, ctx, form, errors).await
        }
    }
}

pub async fn public_form(ctx: Ctx) -> Result<Response, AppError> {
    let form = RequestFormValues::fresh();
    page(RequestForm {
        ctx,
        action: "/request-a-speaker".into(),
        public: true,
        form,
        errors: FieldErrors::new(),
        branches: Vec::new(),
    })
}

/// Visitors' requests: a branch secretary asking for a few meetings is
/// normal; dozens an hour from one address is not.
const PUBLIC_REQUESTS: crate::web::throttle::Limit = crate::web::throttle::Limit {
    form: "request-a-speaker",
    max: 5,
    window_secs: 60 * 60,
};

#[derive(Template)]
#[template(path = "speakers/thanks.html")]
struct ThanksPage {
    ctx: Ctx,
}

pub async fn public_submit(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<RequestFormValues>,
) -> Result<Response, AppError> {
    if !form.website.is_empty() {
        // A robot filled the hidden field: thank it and keep nothing.
        return page(ThanksPage { ctx });
    }
    if !crate::web::throttle::allow(&app.db, &PUBLIC_REQUESTS, ctx.client_ip).await? {
        tracing::warn!(route = "/request-a-speaker", ip = ?ctx.client_ip, "public form refused: too many submissions");
        let mut errors = FieldErrors::new();
        errors.add("form", "err-rate-limited");
        return page_with_status(
            StatusCode::TOO_MANY_REQUESTS,
            RequestForm {
                ctx,
                action: "/request-a-speaker".into(),
                public: true,
                form,
                errors,
                branches: Vec::new(),
            },
        );
    }
    match actions::public_request(&app.db, &form.input(), &app.base_url).await {
        Ok(_) => page(ThanksPage { ctx }),
        Err(e) => {
            let errors = form_errors(e)?;
            let status = crate::web::form_status(&errors);
            page_with_status(
                status,
                RequestForm {
                    ctx,
                    action: "/request-a-speaker".into(),
                    public: true,
                    form,
                    errors,
                    branches: Vec::new(),
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "speakers/request.html")]
struct RequestPage {
    ctx: Ctx,
    request: Request,
    when: String,
    verbs: Vec<Verb>,
    matches: Vec<Match>,
    branches: Vec<Branch>,
    errors: FieldErrors,
}

impl RequestPage {
    fn may_offer(&self) -> bool {
        self.verbs.contains(&Verb::Offer)
    }

    fn reason(&self, r: &Reason) -> String {
        match &r.arg {
            Some(arg) => self.ctx.tr.t1(r.key, "arg", arg),
            None => self.ctx.tr.t(r.key),
        }
    }
}

/// The verbs this caller could use on this request now.
fn verbs_for(ctx: &Ctx, request: &Request, own_speaker: bool) -> Vec<Verb> {
    Verb::ALL
        .iter()
        .copied()
        .filter(|&v| transition(request.status, v).is_some())
        .filter(|&v| match v {
            Verb::Offer | Verb::Confirm => ctx.may(Action::MatchSpeakers),
            Verb::Accept | Verb::Decline => own_speaker,
            Verb::Cancel | Verb::Hold | Verb::Report => ctx
                .principal
                .may_at(Action::ChangeBookings, request.branch_id),
        })
        .filter(|&v| v != Verb::Hold || request.starts_at <= crate::common::clock::now())
        .collect()
}

async fn request_page(
    app: &AppState,
    ctx: Ctx,
    request: Request,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let zone = viewer_zone(app, &ctx).await?;
    let own_speaker = match (ctx.account(), request.speaker_id) {
        (Some(a), Some(s)) => store::get_speaker(&app.db, s)
            .await?
            .is_some_and(|s| s.user_id == Some(a.id)),
        _ => false,
    };
    let ukrainian = own_speaker || is_ukrainian_viewer(&ctx);
    let when = clock::for_reader(
        &ctx.tr,
        request.starts_at,
        &request.time_zone,
        &zone,
        ukrainian,
    );
    let verbs = verbs_for(&ctx, &request, own_speaker);
    let matches = if verbs.contains(&Verb::Offer) {
        actions::matches(&app.db, &request).await?
    } else {
        Vec::new()
    };
    let branches = if request.branch_id.is_none() && ctx.may(Action::MatchSpeakers) {
        directory::branches_by_scope(&app.db, &crate::auth::Scope::All).await?
    } else {
        Vec::new()
    };
    let status = crate::web::form_status(&errors);
    page_with_status(
        status,
        RequestPage {
            ctx,
            request,
            when,
            verbs,
            matches,
            branches,
            errors,
        },
    )
}

pub async fn request(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<RequestId>,
) -> Result<Response, AppError> {
    let request = actions::get_request(&app.db, &ctx.principal, id).await?;
    request_page(&app, ctx, request, FieldErrors::new()).await
}

/// The form behind each verb button.
#[derive(Deserialize, Default)]
pub struct VerbForm {
    #[serde(default)]
    speaker_id: String,
    #[serde(default)]
    branch_id: String,
    #[serde(default)]
    attendance: String,
    #[serde(default)]
    report: String,
}

async fn verb_page(
    app: AppState,
    ctx: Ctx,
    id: RequestId,
    verb: Verb,
    form: VerbForm,
) -> Result<Response, AppError> {
    let input = VerbInput {
        speaker_id: Some(Loose::Text(form.speaker_id)).filter(|_| verb == Verb::Offer),
        branch_id: Some(Loose::Text(form.branch_id)).filter(|b| !b.as_text().is_empty()),
        attendance: Some(Loose::Text(form.attendance)),
        report: Some(form.report),
    };
    match actions::act(&app.db, &ctx.principal, id, verb, &input, &app.base_url).await {
        Ok(_) => Ok(see_other(&format!("/speaker-requests/{id}"))),
        Err(e) => {
            let errors = form_errors(e)?;
            let request = actions::get_request(&app.db, &ctx.principal, id).await?;
            request_page(&app, ctx, request, errors).await
        }
    }
}

macro_rules! verb_page {
    ($name:ident, $verb:expr) => {
        pub async fn $name(
            State(app): State<AppState>,
            ctx: Ctx,
            Id(id): Id<RequestId>,
            Form(form): Form<VerbForm>,
        ) -> Result<Response, AppError> {
            verb_page(app, ctx, id, $verb, form).await
        }
    };
}

verb_page!(offer, Verb::Offer);
verb_page!(accept, Verb::Accept);
verb_page!(decline, Verb::Decline);
verb_page!(confirm, Verb::Confirm);
verb_page!(cancel, Verb::Cancel);
verb_page!(hold, Verb::Hold);
verb_page!(report, Verb::Report);
