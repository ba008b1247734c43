//! Twinning: the link between a British and a Ukrainian branch, its life
//! cycle, its activity log, the needs Ukrainian branches post, and the
//! ranking of counterparts with its reasons. Pure: no I/O.

use serde::Deserialize;

use crate::auth::{Action, Principal};
use crate::common::ids::{BranchId, UnionId};
use crate::common::input::{
    choice, id, line, long_text, money, past_date, vocabulary, FieldErrors, Loose,
};
use crate::directory::model::{withheld_name, Country, Sector, SizeBand};
use crate::money::Money;

pub use crate::common::ids::{ActivityId, NeedId, TwinningId};

/// A link with no logged activity for this long turns dormant by itself.
pub const DORMANT_AFTER_DAYS: i64 = 90;

vocabulary!(
    /// A side of a link: the British branch, or the Ukrainian one.
    Side, "side-", { Gb => "gb", Ua => "ua" }
);

vocabulary!(
    /// Where a link stands.
    LinkStatus, "link-", {
        Proposed => "proposed",
        Introduced => "introduced",
        Agreed => "agreed",
        Active => "active",
        Dormant => "dormant",
        Ended => "ended",
    }
);

vocabulary!(
    /// What moves a link: the `{verb}` of `POST /api/v1/twinnings/{id}/{verb}`.
    LinkVerb, "link-verb-", {
        Introduce => "introduce",
        Agree => "agree",
        Activate => "activate",
        Pause => "pause",
        End => "end",
    }
);

vocabulary!(
    ActivityKind, "activity-", {
        Meeting => "meeting",
        Message => "message",
        AidSent => "aid_sent",
        Visit => "visit",
        JointStatement => "joint_statement",
    }
);

vocabulary!(
    Urgency, "urgency-", {
        Urgent => "urgent",
        Soon => "soon",
        Whenever => "whenever",
    }
);

vocabulary!(
    NeedStatus, "need-", {
        Open => "open",
        Adopted => "adopted",
        Delivered => "delivered",
    }
);

impl LinkStatus {
    /// Links that count towards a branch's load, and that give a GB branch's
    /// officers sight of their twin's contacts.
    pub fn is_live(self) -> bool {
        !matches!(self, LinkStatus::Ended)
    }
}

/// The life cycle, in one place. `activate` also revives a dormant link.
pub fn link_transition(from: LinkStatus, verb: LinkVerb) -> Option<LinkStatus> {
    use LinkStatus::*;
    use LinkVerb::*;
    match (from, verb) {
        (Proposed, Introduce) => Some(Introduced),
        (Introduced, Agree) => Some(Agreed),
        (Agreed | Dormant, Activate) => Some(Active),
        (Active, Pause) => Some(Dormant),
        (Proposed | Introduced | Agreed | Active | Dormant, End) => Some(Ended),
        _ => None,
    }
}

/// Whether an active link has gone quiet long enough to turn dormant.
pub fn is_due_dormant(status: LinkStatus, last_activity_at: i64, now: i64) -> bool {
    status == LinkStatus::Active && now - last_activity_at >= DORMANT_AFTER_DAYS * 24 * 60 * 60
}

/// A branch as the ranking sees it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: BranchId,
    pub union_id: UnionId,
    pub country: Country,
    pub sector: Sector,
    pub size_band: SizeBand,
    pub region: String,
    /// Languages its officers work in (lower-case codes).
    pub languages: Vec<String>,
    /// A region this branch would like its twin to be in (empty: none).
    pub wished_region: String,
    /// Live links it already has.
    pub links: u32,
}

/// One reason, as a message id and an argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub key: &'static str,
    pub arg: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Suggestion {
    pub branch: BranchId,
    pub score: i64,
    pub reasons: Vec<Reason>,
}

/// Points, from most to least weight: the same sector matters most, then
/// a similar size, a shared language, the region either side wished for;
/// and a branch that already has links is pushed down a little for each,
/// so that popular Ukrainian branches are not swamped and none is forgotten.
pub const SAME_SECTOR: i64 = 100;
pub const SAME_SIZE: i64 = 30;
pub const NEAR_SIZE: i64 = 15;
pub const SHARED_LANGUAGE: i64 = 20;
pub const WISHED_REGION: i64 = 25;
pub const NO_TWIN_YET: i64 = 30;
pub const PER_EXISTING_LINK: i64 = 10;

fn size_rank(s: SizeBand) -> i64 {
    SizeBand::ALL.iter().position(|b| *b == s).unwrap_or(0) as i64
}

/// Scores one counterpart for a branch.
pub fn score(
    for_branch: &Candidate,
    other: &Candidate,
    sector_label: &dyn Fn(Sector) -> String,
) -> Suggestion {
    let mut score = 0;
    let mut reasons = Vec::new();
    if for_branch.sector == other.sector {
        score += SAME_SECTOR;
        reasons.push(Reason {
            key: "why-same-sector",
            arg: Some(sector_label(other.sector)),
        });
    }
    match (size_rank(for_branch.size_band) - size_rank(other.size_band)).abs() {
        0 => {
            score += SAME_SIZE;
            reasons.push(Reason {
                key: "why-same-size",
                arg: None,
            });
        }
        1 => {
            score += NEAR_SIZE;
            reasons.push(Reason {
                key: "why-near-size",
                arg: None,
            });
        }
        _ => {}
    }
    if let Some(shared) = for_branch
        .languages
        .iter()
        .find(|l| other.languages.contains(l))
    {
        score += SHARED_LANGUAGE;
        reasons.push(Reason {
            key: "why-language",
            arg: Some(shared.clone()),
        });
    }
    let wish_met = |wisher: &Candidate, place: &Candidate| {
        !wisher.wished_region.trim().is_empty()
            && wisher
                .wished_region
                .trim()
                .eq_ignore_ascii_case(place.region.trim())
    };
    if wish_met(for_branch, other) || wish_met(other, for_branch) {
        score += WISHED_REGION;
        let region = if wish_met(for_branch, other) {
            &other.region
        } else {
            &for_branch.region
        };
        reasons.push(Reason {
            key: "why-region",
            arg: Some(region.clone()),
        });
    }
    if other.links == 0 {
        score += NO_TWIN_YET;
        reasons.push(Reason {
            key: "why-no-twin",
            arg: None,
        });
    } else {
        score -= PER_EXISTING_LINK * i64::from(other.links);
        reasons.push(Reason {
            key: "why-has-links",
            arg: Some(other.links.to_string()),
        });
    }
    Suggestion {
        branch: other.id,
        score,
        reasons,
    }
}

/// Ranks the other side's branches for `for_branch`, best first, leaving
/// out those it is already linked with. Ties go to the lower id, so the
/// order is stable.
pub fn suggestions(
    for_branch: &Candidate,
    others: &[Candidate],
    already: &[BranchId],
    limit: usize,
    sector_label: &dyn Fn(Sector) -> String,
) -> Vec<Suggestion> {
    let mut ranked: Vec<Suggestion> = others
        .iter()
        .filter(|o| o.country != for_branch.country && !already.contains(&o.id))
        .map(|o| score(for_branch, o, sector_label))
        .collect();
    ranked.sort_by(|a, b| b.score.cmp(&a.score).then(a.branch.cmp(&b.branch)));
    ranked.truncate(limit);
    ranked
}

/// A link as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Twinning {
    pub id: TwinningId,
    pub gb_branch_id: BranchId,
    pub gb_branch_name: String,
    pub ua_branch_id: BranchId,
    pub ua_branch_name: String,
    pub ua_branch_name_uk: Option<String>,
    pub status: LinkStatus,
    /// When each side agreed to twin (Unix seconds); none while it has not.
    pub gb_agreed_at: Option<i64>,
    pub ua_agreed_at: Option<i64>,
    pub last_activity_at: i64,
    pub version: i64,
    /// Each branch's union and whether it is at risk, to withhold who an
    /// at-risk branch is from a reader who may not know (see [`Twinning::seen_by`]).
    pub gb_union_name: String,
    pub gb_at_risk: bool,
    pub ua_union_name: String,
    pub ua_union_name_uk: Option<String>,
    pub ua_at_risk: bool,
}

impl Twinning {
    /// The at-risk branches of this link whose identity the reader may know.
    pub fn at_risk_shown(&self, who: &Principal) -> Vec<BranchId> {
        [
            (self.gb_branch_id, self.gb_at_risk),
            (self.ua_branch_id, self.ua_at_risk),
        ]
        .into_iter()
        .filter(|&(b, at_risk)| at_risk && who.may_at(Action::ViewAtRisk, Some(b)))
        .map(|(b, _)| b)
        .collect()
    }

    /// The link as this reader may see it: an at-risk branch they may not
    /// know (until both sides agree, the other side's officers may not) is
    /// named only as "a branch of <union> (details withheld)".
    pub fn seen_by(self, who: &Principal) -> Twinning {
        let hidden =
            |b: BranchId, at_risk: bool| at_risk && !who.may_at(Action::ViewAtRisk, Some(b));
        let mut link = self;
        if hidden(link.gb_branch_id, link.gb_at_risk) {
            link.gb_branch_name = withheld_name(&link.gb_union_name, None).0;
        }
        if hidden(link.ua_branch_id, link.ua_at_risk) {
            let (en, uk) = withheld_name(&link.ua_union_name, link.ua_union_name_uk.as_deref());
            link.ua_branch_name = en;
            link.ua_branch_name_uk = Some(uk);
        }
        link
    }

    pub fn branch(&self, side: Side) -> BranchId {
        match side {
            Side::Gb => self.gb_branch_id,
            Side::Ua => self.ua_branch_id,
        }
    }

    pub fn agreed_at(&self, side: Side) -> Option<i64> {
        match side {
            Side::Gb => self.gb_agreed_at,
            Side::Ua => self.ua_agreed_at,
        }
    }

    /// Whether each branch's officers may read the other's people: only
    /// once both sides have agreed, and until the link ends.
    pub fn contacts_open(&self) -> bool {
        self.gb_agreed_at.is_some()
            && self.ua_agreed_at.is_some()
            && self.status != LinkStatus::Ended
    }
}

/// Why a side's agreement is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgreeRefusal {
    /// Only an introduced link is waiting for agreement.
    NotNow,
    /// That side has agreed already.
    AlreadyAgreed,
}

/// One side agrees to twin. A link is agreed, and its contacts open, only
/// when both sides have: the answer is the status the link then has.
pub fn agree(link: &Twinning, side: Side) -> Result<LinkStatus, AgreeRefusal> {
    if link.status != LinkStatus::Introduced {
        return Err(AgreeRefusal::NotNow);
    }
    if link.agreed_at(side).is_some() {
        return Err(AgreeRefusal::AlreadyAgreed);
    }
    let other = match side {
        Side::Gb => Side::Ua,
        Side::Ua => Side::Gb,
    };
    Ok(if link.agreed_at(other).is_some() {
        LinkStatus::Agreed
    } else {
        LinkStatus::Introduced
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    pub id: ActivityId,
    pub twinning_id: TwinningId,
    pub kind: ActivityKind,
    pub happened_on: String,
    pub logged_by_name: String,
    pub note: String,
    pub amount: Option<Money>,
}

/// What an activity entry says, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityFields {
    pub kind: ActivityKind,
    pub happened_on: jiff::civil::Date,
    pub note: String,
    pub amount: Option<Money>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ActivityInput {
    /// `meeting`, `message`, `aid_sent`, `visit` or `joint_statement`.
    pub kind: Option<String>,
    /// YYYY-MM-DD; not in the future.
    pub happened_on: Option<String>,
    pub note: Option<String>,
    /// For aid sent: `{"amount_minor", "currency"}` in JSON…
    pub amount: Option<Money>,
    /// …or typed text and a currency in a form.
    pub amount_text: Option<String>,
    pub currency: Option<String>,
}

impl ActivityInput {
    pub fn parse(
        &self,
        today: jiff::civil::Date,
        errors: &mut FieldErrors,
    ) -> Option<ActivityFields> {
        let kind = choice(
            self.kind.as_deref(),
            None,
            "kind",
            ActivityKind::parse,
            errors,
        );
        let happened_on = past_date(self.happened_on.as_deref(), "happened_on", today, errors);
        let note = long_text(self.note.as_deref(), None, "note", 4000, errors);
        let amount = money(
            self.amount,
            self.amount_text.as_deref(),
            self.currency.as_deref(),
            "amount",
            errors,
        );
        if amount.is_some() && kind.is_some_and(|k| k != ActivityKind::AidSent) {
            errors.add("amount", "err-amount-only-aid");
        }
        errors.is_empty().then_some(ActivityFields {
            kind: kind?,
            happened_on: happened_on?,
            note,
            amount,
        })
    }
}

/// A need as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub id: NeedId,
    pub branch_id: BranchId,
    pub branch_name: String,
    pub branch_name_uk: Option<String>,
    pub union_name: String,
    pub region: String,
    pub branch_at_risk: bool,
    pub title: String,
    pub description: String,
    pub quantity: i64,
    pub cost: Option<Money>,
    pub urgency: Urgency,
    pub status: NeedStatus,
    pub adopted_by: Option<BranchId>,
    pub adopted_by_name: Option<String>,
    pub version: i64,
}

impl Need {
    /// Whether the reader may know which branch posted it: anyone, unless
    /// the branch is at risk (then as for [`crate::directory::model::Branch::seen_by`]).
    pub fn branch_shown_to(&self, who: &Principal) -> bool {
        !self.branch_at_risk || who.may_at(Action::ViewAtRisk, Some(self.branch_id))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedFields {
    pub branch_id: BranchId,
    pub title: String,
    pub description: String,
    pub quantity: i64,
    pub cost: Option<Money>,
    pub urgency: Urgency,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NeedInput {
    pub branch_id: Option<Loose>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub quantity: Option<Loose>,
    /// Estimated cost: `{"amount_minor", "currency"}` in JSON…
    pub cost: Option<Money>,
    /// …or typed text and a currency in a form.
    pub cost_text: Option<String>,
    pub currency: Option<String>,
    pub urgency: Option<String>,
}

impl NeedInput {
    pub fn parse(&self, errors: &mut FieldErrors) -> Option<NeedFields> {
        let branch_id = id(
            self.branch_id.as_ref(),
            "branch_id",
            "err-unknown-branch",
            errors,
        );
        if branch_id.is_none() {
            errors.add("branch_id", "err-required");
        }
        let title = line(self.title.as_deref(), None, "title", 200, true, errors);
        let description = long_text(
            self.description.as_deref(),
            None,
            "description",
            4000,
            errors,
        );
        let quantity = match self.quantity.as_ref().map(|q| q.as_text()) {
            None => Some(1),
            Some(t) if t.trim().is_empty() => Some(1),
            Some(t) => match t.trim().parse::<i64>() {
                Ok(n) if (1..=100_000).contains(&n) => Some(n),
                Ok(n) if n <= 0 => {
                    errors.add("quantity", "err-quantity-positive");
                    None
                }
                _ => {
                    errors.add_with("quantity", "err-range", "1–100000");
                    None
                }
            },
        };
        let cost = money(
            self.cost,
            self.cost_text.as_deref(),
            self.currency.as_deref(),
            "cost",
            errors,
        );
        let urgency = match self.urgency.as_deref().map(str::trim) {
            None | Some("") => Some(Urgency::Soon),
            Some(u) => Urgency::parse(u).or_else(|| {
                errors.add("urgency", "err-choice");
                None
            }),
        };
        errors.is_empty().then_some(NeedFields {
            branch_id: branch_id?,
            title,
            description,
            quantity: quantity?,
            cost,
            urgency: urgency?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn introduced(gb: Option<i64>, ua: Option<i64>) -> Twinning {
        Twinning {
            id: TwinningId(1),
            gb_branch_id: BranchId(1),
            gb_branch_name: "GB".into(),
            ua_branch_id: BranchId(2),
            ua_branch_name: "UA".into(),
            ua_branch_name_uk: None,
            status: LinkStatus::Introduced,
            gb_agreed_at: gb,
            ua_agreed_at: ua,
            last_activity_at: 0,
            version: 1,
            gb_union_name: "Unison".into(),
            gb_at_risk: false,
            ua_union_name: "PSPU".into(),
            ua_union_name_uk: None,
            ua_at_risk: true,
        }
    }

    #[test]
    fn a_link_is_agreed_only_when_both_sides_have_agreed() {
        let none = introduced(None, None);
        assert_eq!(agree(&none, Side::Gb), Ok(LinkStatus::Introduced));
        assert!(!none.contacts_open());
        let gb = introduced(Some(5), None);
        assert_eq!(agree(&gb, Side::Gb), Err(AgreeRefusal::AlreadyAgreed));
        assert_eq!(agree(&gb, Side::Ua), Ok(LinkStatus::Agreed));
        assert!(!gb.contacts_open(), "one side's agreement opens nothing");
        let both = Twinning {
            status: LinkStatus::Agreed,
            ..introduced(Some(5), Some(6))
        };
        assert!(both.contacts_open());
        assert_eq!(agree(&both, Side::Ua), Err(AgreeRefusal::NotNow));
        let ended = Twinning {
            status: LinkStatus::Ended,
            ..both
        };
        assert!(!ended.contacts_open(), "an ended link closes them again");
    }

    #[test]
    fn the_link_life_cycle_allows_exactly_these_moves() {
        use LinkStatus::*;
        use LinkVerb::*;
        let allowed = [
            (Proposed, Introduce, Introduced),
            (Introduced, Agree, Agreed),
            (Agreed, Activate, Active),
            (Dormant, Activate, Active),
            (Active, Pause, Dormant),
            (Proposed, End, Ended),
            (Introduced, End, Ended),
            (Agreed, End, Ended),
            (Active, End, Ended),
            (Dormant, End, Ended),
        ];
        for &from in LinkStatus::ALL {
            for &verb in LinkVerb::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, v, _)| *f == from && *v == verb)
                    .map(|t| t.2);
                assert_eq!(
                    link_transition(from, verb),
                    expected,
                    "{from:?} --{verb:?}-->"
                );
            }
        }
    }

    #[test]
    fn quiet_active_links_turn_dormant_after_ninety_days() {
        let day = 24 * 60 * 60;
        assert!(!is_due_dormant(LinkStatus::Active, 0, 89 * day));
        assert!(is_due_dormant(LinkStatus::Active, 0, 90 * day));
        assert!(!is_due_dormant(LinkStatus::Agreed, 0, 900 * day));
    }

    fn branch(id: i64, country: Country, sector: Sector, size: SizeBand, links: u32) -> Candidate {
        Candidate {
            id: BranchId(id),
            union_id: UnionId(1),
            country,
            sector,
            size_band: size,
            region: "Kharkiv oblast".into(),
            languages: vec![if country == Country::Gb {
                "en".into()
            } else {
                "uk".into()
            }],
            wished_region: String::new(),
            links,
        }
    }

    fn label(s: Sector) -> String {
        s.code().to_owned()
    }

    #[test]
    fn each_rule_adds_its_points_and_its_reason() {
        let gb = branch(
            1,
            Country::Gb,
            Sector::EmergencyServices,
            SizeBand::From250,
            0,
        );
        let same = branch(
            2,
            Country::Ua,
            Sector::EmergencyServices,
            SizeBand::From250,
            0,
        );
        let s = score(&gb, &same, &label);
        assert_eq!(s.score, SAME_SECTOR + SAME_SIZE + NO_TWIN_YET);
        let keys: Vec<_> = s.reasons.iter().map(|r| r.key).collect();
        assert_eq!(keys, ["why-same-sector", "why-same-size", "why-no-twin"]);
        assert_eq!(s.reasons[0].arg.as_deref(), Some("emergency_services"));

        let near = branch(3, Country::Ua, Sector::Health, SizeBand::From1000, 2);
        assert_eq!(
            score(&gb, &near, &label).score,
            NEAR_SIZE - 2 * PER_EXISTING_LINK
        );

        let mut speaks = branch(4, Country::Ua, Sector::Health, SizeBand::Under50, 0);
        speaks.languages.push("en".into());
        assert_eq!(
            score(&gb, &speaks, &label).score,
            SHARED_LANGUAGE + NO_TWIN_YET
        );

        let mut wisher = gb.clone();
        wisher.wished_region = "kharkiv oblast".into();
        let far = branch(5, Country::Ua, Sector::Health, SizeBand::Under50, 0);
        let s = score(&wisher, &far, &label);
        assert_eq!(s.score, WISHED_REGION + NO_TWIN_YET);
        assert_eq!(s.reasons[0].arg.as_deref(), Some("Kharkiv oblast"));
    }

    #[test]
    fn sector_first_then_load_keeps_popular_branches_from_being_swamped() {
        let gb = branch(1, Country::Gb, Sector::Mining, SizeBand::From50, 0);
        let popular = branch(2, Country::Ua, Sector::Mining, SizeBand::From50, 3);
        let forgotten = branch(3, Country::Ua, Sector::Mining, SizeBand::From50, 0);
        let other_sector = branch(4, Country::Ua, Sector::Health, SizeBand::From50, 0);
        let same_side = branch(5, Country::Gb, Sector::Mining, SizeBand::From50, 0);
        let ranked = suggestions(
            &gb,
            &[popular.clone(), forgotten, other_sector, same_side],
            &[],
            10,
            &label,
        );
        let order: Vec<i64> = ranked.iter().map(|s| s.branch.0).collect();
        assert_eq!(
            order,
            [3, 2, 4],
            "same sector first, the one without a twin ahead; never the same side"
        );
        let ranked = suggestions(&gb, &[popular], &[BranchId(2)], 10, &label);
        assert!(ranked.is_empty(), "already linked branches are left out");
    }

    #[test]
    fn activities_are_checked() {
        let today: jiff::civil::Date = "2026-11-26".parse().unwrap();
        let mut e = FieldErrors::new();
        let input = ActivityInput {
            kind: Some("visit".into()),
            happened_on: Some("2026-12-01".into()),
            amount_text: Some("£200".into()),
            ..Default::default()
        };
        input.parse(today, &mut e);
        assert_eq!(e.get("happened_on").unwrap().key, "err-in-the-future");
        assert_eq!(e.get("amount").unwrap().key, "err-amount-only-aid");
        let mut e = FieldErrors::new();
        let aid = ActivityInput {
            kind: Some("aid_sent".into()),
            amount_text: Some("1,250.50".into()),
            currency: Some("GBP".into()),
            ..Default::default()
        };
        let f = aid.parse(today, &mut e).unwrap();
        assert_eq!(f.amount.unwrap().amount_minor, 125_050);
        assert_eq!(f.happened_on, today);
    }

    #[test]
    fn needs_refuse_negative_quantities_and_costs() {
        let mut e = FieldErrors::new();
        let input = NeedInput {
            branch_id: Some(Loose::Int(3)),
            title: Some("Two thermal imagers".into()),
            quantity: Some(Loose::Int(-2)),
            cost_text: Some("-500".into()),
            currency: Some("UAH".into()),
            ..Default::default()
        };
        input.parse(&mut e);
        assert_eq!(e.get("quantity").unwrap().key, "err-quantity-positive");
        assert_eq!(e.get("cost").unwrap().key, "err-amount-positive");
        let mut e = FieldErrors::new();
        let ok = NeedInput {
            branch_id: Some(Loose::Text("3".into())),
            title: Some("A generator for the union office".into()),
            cost: Some(Money {
                amount_minor: 4_500_000,
                currency: Currency::UAH,
            }),
            urgency: Some("urgent".into()),
            ..Default::default()
        };
        let f = ok.parse(&mut e).unwrap();
        assert_eq!((f.quantity, f.urgency), (1, Urgency::Urgent));
    }

    #[test]
    fn every_code_and_reason_has_words_in_both_languages() {
        let mut keys: Vec<&str> = Vec::new();
        keys.extend(LinkStatus::ALL.iter().map(|v| v.label_key()));
        keys.extend(Side::ALL.iter().map(|v| v.label_key()));
        keys.extend(LinkVerb::ALL.iter().map(|v| v.label_key()));
        keys.extend(ActivityKind::ALL.iter().map(|v| v.label_key()));
        keys.extend(Urgency::ALL.iter().map(|v| v.label_key()));
        keys.extend(NeedStatus::ALL.iter().map(|v| v.label_key()));
        keys.extend([
            "why-same-sector",
            "why-same-size",
            "why-near-size",
            "why-language",
            "why-region",
            "why-no-twin",
            "why-has-links",
        ]);
        assert_eq!(crate::i18n::missing_messages(keys), Vec::<String>::new());
    }
}
