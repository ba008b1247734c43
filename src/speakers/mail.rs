//! The e-mails a booking sends, each in its recipient's language and with
//! times in the recipient's zone.

use super::model::{Request, Speaker};
use crate::common::clock;
use crate::i18n::{Lang, Tr};
use crate::outbox::Mail;

/// Why an e-mail goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// To the speaker: a booking is offered to you.
    Offer,
    /// To the branch (and the speaker): the booking is confirmed.
    Confirmed,
    /// To the coordinators: the speaker declined.
    Declined,
    /// To everyone involved: the booking is cancelled.
    Cancelled,
    /// Two days before, to the speaker and the branch.
    Reminder,
    /// After the meeting, to the branch: how did it go?
    ReportRequest,
    /// To the coordinators: a visitor asked for a speaker.
    NewRequest,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Offer => "offer",
            Kind::Confirmed => "confirmed",
            Kind::Declined => "declined",
            Kind::Cancelled => "cancelled",
            Kind::Reminder => "reminder",
            Kind::ReportRequest => "report_request",
            Kind::NewRequest => "new_request",
        }
    }

    fn keys(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::Offer => (
                "mail-offer-subject",
                "mail-offer-intro",
                "mail-offer-action",
            ),
            Kind::Confirmed => (
                "mail-confirmed-subject",
                "mail-confirmed-intro",
                "mail-view-action",
            ),
            Kind::Declined => (
                "mail-declined-subject",
                "mail-declined-intro",
                "mail-match-action",
            ),
            Kind::Cancelled => (
                "mail-cancelled-subject",
                "mail-cancelled-intro",
                "mail-view-action",
            ),
            Kind::Reminder => (
                "mail-reminder-subject",
                "mail-reminder-intro",
                "mail-view-action",
            ),
            Kind::ReportRequest => (
                "mail-report-subject",
                "mail-report-intro",
                "mail-report-action",
            ),
            Kind::NewRequest => (
                "mail-new-request-subject",
                "mail-new-request-intro",
                "mail-match-action",
            ),
        }
    }
}

/// Someone an e-mail goes to.
#[derive(Clone, Debug)]
pub struct Recipient {
    pub address: String,
    pub lang: Lang,
    /// The zone they read times in.
    pub zone: String,
    /// Ukrainian readers see Kyiv time too.
    pub ukrainian: bool,
}

impl Recipient {
    pub fn speaker(s: &Speaker) -> Option<Recipient> {
        Some(Recipient {
            address: s.email.clone()?,
            lang: s.lang,
            zone: s.time_zone.clone(),
            ukrainian: s.is_ukrainian(),
        })
    }

    /// A branch's officer or contact reads times in the meeting's own zone.
    pub fn at_branch(address: String, lang: Option<Lang>, request: &Request) -> Recipient {
        let lang = lang.unwrap_or(Lang::En);
        Recipient {
            address,
            lang,
            zone: request.time_zone.clone(),
            ukrainian: lang == Lang::Uk,
        }
    }
}

/// Writes one e-mail about a booking.
pub fn compose(
    kind: Kind,
    to: &Recipient,
    request: &Request,
    speaker: Option<&str>,
    base_url: &str,
) -> Mail {
    let tr = Tr::new(to.lang);
    let (subject_key, intro_key, action_key) = kind.keys();
    let branch = request
        .branch_name
        .as_deref()
        .map(|n| tr.pick(n, &request.branch_name_uk).to_owned())
        .unwrap_or_else(|| request.branch_text.clone());
    let when = clock::for_reader(
        &tr,
        request.starts_at,
        &request.time_zone,
        &to.zone,
        to.ukrainian,
    );
    let args = [
        ("branch", branch.clone()),
        ("when", when.clone()),
        ("speaker", speaker.unwrap_or("").to_owned()),
    ];
    let link = format!(
        "{}/speaker-requests/{}",
        base_url.trim_end_matches('/'),
        request.id
    );
    let mut lines = vec![
        tr.with(intro_key, &args),
        String::new(),
        tr.t1("mail-when", "arg", &when),
        tr.t1("mail-length", "arg", request.duration_minutes),
        tr.t1("mail-format", "arg", tr.t(request.format.label_key())),
    ];
    if !request.place.is_empty() {
        lines.push(tr.t1("mail-place", "arg", &request.place));
    }
    if !request.meeting_link.is_empty() {
        lines.push(tr.t1("mail-link", "arg", &request.meeting_link));
    }
    if !request.topics.is_empty() {
        lines.push(tr.t1("mail-topics", "arg", request.topics.join(", ")));
    }
    if request.interpretation {
        lines.push(tr.t("mail-interpretation"));
    }
    if let Some(name) = speaker {
        lines.push(tr.t1("mail-speaker", "arg", name));
    }
    lines.push(String::new());
    lines.push(tr.t1(action_key, "arg", &link));
    lines.push(String::new());
    lines.push(tr.t("mail-signature"));
    Mail {
        kind: kind.code(),
        to: to.address.clone(),
        lang: to.lang,
        subject: tr.with(subject_key, &args),
        body: lines.join("\n"),
    }
}
