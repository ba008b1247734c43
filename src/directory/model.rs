//! The directory's domain: unions, branches and people, the fixed
//! vocabularies twinning matches on, and the rules that turn raw input into
//! values that cannot be invalid. Pure: no I/O.

use serde::Deserialize;

use crate::auth::{Action, Principal};
use crate::common::input::{
    choice, email, flag, language_codes, optional_line, required_line, vocabulary, FieldErrors,
};
use crate::common::input::{Loose, TextList};
use crate::i18n::{Lang, Tr};

pub use crate::common::ids::{BranchId, PersonId, UnionId};

vocabulary!(
    /// Which side of the solidarity link a union is on.
    Country, "country-", { Gb => "GB", Ua => "UA" }
);

vocabulary!(
    UnionKind, "union-kind-", {
        NationalUnion => "national_union",
        Federation => "federation",
        Confederation => "confederation",
    }
);

vocabulary!(
    /// The shared sector vocabulary: twinning pairs branches of the same sector
    /// first, so both sides must use the same words.
    Sector, "sector-", {
        Health => "health",
        Education => "education",
        HigherEducation => "higher_education",
        LocalGovernment => "local_government",
        CivilService => "civil_service",
        Rail => "rail",
        Transport => "transport",
        Energy => "energy",
        Mining => "mining",
        EmergencyServices => "emergency_services",
        Manufacturing => "manufacturing",
        Construction => "construction",
        Postal => "postal",
        Communications => "communications",
        Culture => "culture",
        Retail => "retail",
        Agriculture => "agriculture",
        Other => "other",
    }
);

vocabulary!(
    /// Membership size, in bands: fine enough to match branches of like size,
    /// coarse enough to say nothing precise about a branch's strength.
    SizeBand, "size-", {
        Under50 => "under_50",
        From50 => "50_249",
        From250 => "250_999",
        From1000 => "1000_4999",
        From5000 => "5000_plus",
    }
);

vocabulary!(
    /// A person's role at their branch.
    BranchRole, "branch-role-", {
        Secretary => "secretary",
        Chair => "chair",
        InternationalOfficer => "international_officer",
        Treasurer => "treasurer",
        Contact => "contact",
        Member => "member",
    }
);

pub const NAME_MAX: usize = 200;
pub const REGION_MAX: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Union {
    pub id: UnionId,
    pub name: String,
    pub name_uk: Option<String>,
    pub country: Country,
    pub kind: UnionKind,
    pub version: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    pub id: BranchId,
    pub union_id: UnionId,
    pub union_name: String,
    pub union_name_uk: Option<String>,
    pub country: Country,
    pub name: String,
    pub name_uk: Option<String>,
    pub region: String,
    pub sector: Sector,
    pub size_band: SizeBand,
    /// Languages its officers work in, as lower-case codes (`en`, `uk`).
    pub languages: Vec<String>,
    /// A region it would like its twin to be in (empty: no wish).
    pub wished_region: String,
    /// A Ukrainian branch in or near occupied territory: who it is, and its
    /// people's contact details, are shown to as few people as possible.
    pub at_risk: bool,
    /// Its identity is withheld from this reader (see [`Branch::seen_by`]).
    pub withheld: bool,
    pub version: i64,
    pub updated_at: i64,
}

impl Branch {
    /// Whether this reader may know who the branch is: anyone for most
    /// branches; for one at risk, coordinators, its own officers and its
    /// agreed twin's.
    pub fn identity_shown_to(&self, who: &Principal) -> bool {
        !self.at_risk || who.may_at(Action::ViewAtRisk, Some(self.id))
    }

    /// The branch as this reader may see it: an at-risk branch whose
    /// identity they may not know is "a branch of <union> (details
    /// withheld)", with no region and no wish that would place it.
    pub fn seen_by(self, who: &Principal) -> Branch {
        if self.identity_shown_to(who) {
            return self;
        }
        let (name, name_uk) = withheld_name(&self.union_name, self.union_name_uk.as_deref());
        Branch {
            name,
            name_uk: Some(name_uk),
            region: String::new(),
            wished_region: String::new(),
            withheld: true,
            ..self
        }
    }
}

/// What a reader who may not know an at-risk branch sees instead of its
/// name, in English and in Ukrainian.
pub fn withheld_name(union: &str, union_uk: Option<&str>) -> (String, String) {
    let en = Tr::new(Lang::En).t1("need-protected-branch", "arg", union);
    let uk = Tr::new(Lang::Uk).t1("need-protected-branch", "arg", union_uk.unwrap_or(union));
    (en, uk)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub branch_id: Option<BranchId>,
    pub branch_name: Option<String>,
    pub branch_name_uk: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: BranchRole,
    pub at_risk: bool,
    /// Their branch is marked at risk, which protects everyone at it.
    pub branch_at_risk: bool,
    pub version: i64,
    pub updated_at: i64,
}

impl Person {
    /// Whether this person's contact details get the at-risk protection.
    pub fn protected(&self) -> bool {
        self.at_risk || self.branch_at_risk
    }
}

/// The validated fields of a union, for insert or update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnionFields {
    pub name: String,
    pub name_uk: Option<String>,
    pub country: Country,
    pub kind: UnionKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchFields {
    pub union_id: UnionId,
    pub name: String,
    pub name_uk: Option<String>,
    pub region: String,
    pub sector: Sector,
    pub size_band: SizeBand,
    pub languages: Vec<String>,
    pub wished_region: String,
    pub at_risk: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFields {
    pub branch_id: Option<BranchId>,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: BranchRole,
    pub at_risk: bool,
}

/// Raw union input from the API or a form; every field optional so that a
/// PATCH can send only what changes.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct UnionInput {
    pub name: Option<String>,
    pub name_uk: Option<String>,
    pub country: Option<String>,
    pub kind: Option<String>,
    pub version: Option<Loose>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct BranchInput {
    pub union_id: Option<Loose>,
    pub name: Option<String>,
    pub name_uk: Option<String>,
    pub region: Option<String>,
    pub sector: Option<String>,
    pub size_band: Option<String>,
    pub languages: Option<TextList>,
    pub wished_region: Option<String>,
    pub at_risk: Option<Loose>,
    pub version: Option<Loose>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    pub branch_id: Option<Loose>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Option<String>,
    pub at_risk: Option<Loose>,
    pub version: Option<Loose>,
}

impl UnionInput {
    /// Validates against the current union (`None` when creating).
    pub fn parse(&self, current: Option<&Union>, errors: &mut FieldErrors) -> Option<UnionFields> {
        let name = required_line(
            self.name.as_deref(),
            current.map(|u| u.name.as_str()),
            "name",
            NAME_MAX,
            errors,
        );
        let name_uk = optional_line(
            self.name_uk.as_deref(),
            current.and_then(|u| u.name_uk.as_deref()),
            "name_uk",
            NAME_MAX,
            errors,
        );
        let country = choice(
            self.country.as_deref(),
            current.map(|u| u.country),
            "country",
            Country::parse,
            errors,
        );
        let kind = choice(
            self.kind.as_deref(),
            current.map(|u| u.kind),
            "kind",
            UnionKind::parse,
            errors,
        );
        Some(UnionFields {
            name: name?,
            name_uk,
            country: country?,
            kind: kind?,
        })
    }
}

impl BranchInput {
    pub fn parse(
        &self,
        current: Option<&Branch>,
        errors: &mut FieldErrors,
    ) -> Option<BranchFields> {
        let union_id = match self.union_id.as_ref().and_then(Loose::int) {
            Some(Ok(id)) if id > 0 => Some(UnionId(id)),
            Some(_) => {
                errors.add("union_id", "err-unknown-union");
                None
            }
            None => current.map(|b| b.union_id).or_else(|| {
                errors.add("union_id", "err-required");
                None
            }),
        };
        let name = required_line(
            self.name.as_deref(),
            current.map(|b| b.name.as_str()),
            "name",
            NAME_MAX,
            errors,
        );
        let name_uk = optional_line(
            self.name_uk.as_deref(),
            current.and_then(|b| b.name_uk.as_deref()),
            "name_uk",
            NAME_MAX,
            errors,
        );
        let region = required_line(
            self.region.as_deref(),
            current.map(|b| b.region.as_str()),
            "region",
            REGION_MAX,
            errors,
        );
        let sector = choice(
            self.sector.as_deref(),
            current.map(|b| b.sector),
            "sector",
            Sector::parse,
            errors,
        );
        let size_band = choice(
            self.size_band.as_deref(),
            current.map(|b| b.size_band),
            "size_band",
            SizeBand::parse,
            errors,
        );
        let languages = language_codes(
            self.languages.as_ref(),
            current.map(|b| &b.languages),
            "languages",
            10,
            errors,
        );
        let wished_region = optional_line(
            self.wished_region.as_deref(),
            current.map(|b| b.wished_region.as_str()),
            "wished_region",
            REGION_MAX,
            errors,
        )
        .unwrap_or_default();
        let at_risk = flag(
            self.at_risk.as_ref(),
            current.map(|b| b.at_risk),
            "at_risk",
            errors,
        );
        Some(BranchFields {
            union_id: union_id?,
            name: name?,
            name_uk,
            region: region?,
            sector: sector?,
            size_band: size_band?,
            languages,
            wished_region,
            at_risk,
        })
    }
}

impl PersonInput {
    /// `branch_id` is checked against the caller's scope by the handler; here
    /// only its form.
    pub fn parse(
        &self,
        current: Option<&Person>,
        errors: &mut FieldErrors,
    ) -> Option<PersonFields> {
        let branch_id = match self.branch_id.as_ref().map(Loose::int) {
            Some(Some(Ok(id))) if id > 0 => Some(Some(BranchId(id))),
            Some(Some(_)) => {
                errors.add("branch_id", "err-unknown-branch");
                None
            }
            Some(None) => Some(None),
            None => Some(current.and_then(|p| p.branch_id)),
        };
        let name = required_line(
            self.name.as_deref(),
            current.map(|p| p.name.as_str()),
            "name",
            NAME_MAX,
            errors,
        );
        let email = email(
            self.email.as_deref(),
            current.and_then(|p| p.email.as_deref()),
            "email",
            errors,
        );
        let phone = optional_line(
            self.phone.as_deref(),
            current.and_then(|p| p.phone.as_deref()),
            "phone",
            40,
            errors,
        );
        if let Some(p) = &phone {
            let ok = p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
                && p.chars().filter(char::is_ascii_digit).count() >= 5;
            if !ok {
                errors.add("phone", "err-phone");
            }
        }
        let role = choice(
            self.role.as_deref(),
            current.map(|p| p.role),
            "role",
            BranchRole::parse,
            errors,
        );
        let at_risk = flag(
            self.at_risk.as_ref(),
            current.map(|p| p.at_risk),
            "at_risk",
            errors,
        );
        Some(PersonFields {
            branch_id: branch_id?,
            name: name?,
            email,
            phone,
            role: role?,
            at_risk,
        })
    }
}

/// Form values as typed, for re-showing a form with its errors.
pub trait FormValues {
    fn value(&self, field: &str) -> String;
}

fn shown(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn shown_loose(v: &Option<Loose>) -> String {
    v.as_ref().map(Loose::as_text).unwrap_or_default()
}

impl FormValues for UnionInput {
    fn value(&self, field: &str) -> String {
        match field {
            "name" => shown(&self.name),
            "name_uk" => shown(&self.name_uk),
            "country" => shown(&self.country),
            "kind" => shown(&self.kind),
            "version" => shown_loose(&self.version),
            _ => String::new(),
        }
    }
}

impl FormValues for BranchInput {
    fn value(&self, field: &str) -> String {
        match field {
            "union_id" => shown_loose(&self.union_id),
            "name" => shown(&self.name),
            "name_uk" => shown(&self.name_uk),
            "region" => shown(&self.region),
            "sector" => shown(&self.sector),
            "size_band" => shown(&self.size_band),
            "languages" => self
                .languages
                .as_ref()
                .map(|l| l.items().join(", "))
                .unwrap_or_default(),
            "wished_region" => shown(&self.wished_region),
            "at_risk" => shown_loose(&self.at_risk),
            "version" => shown_loose(&self.version),
            _ => String::new(),
        }
    }
}

impl FormValues for PersonInput {
    fn value(&self, field: &str) -> String {
        match field {
            "branch_id" => shown_loose(&self.branch_id),
            "name" => shown(&self.name),
            "email" => shown(&self.email),
            "phone" => shown(&self.phone),
            "role" => shown(&self.role),
            "at_risk" => shown_loose(&self.at_risk),
            "version" => shown_loose(&self.version),
            _ => String::new(),
        }
    }
}

impl From<&Union> for UnionInput {
    fn from(u: &Union) -> UnionInput {
        UnionInput {
            name: Some(u.name.clone()),
            name_uk: u.name_uk.clone(),
            country: Some(u.country.code().into()),
            kind: Some(u.kind.code().into()),
            version: Some(Loose::Int(u.version)),
        }
    }
}

impl From<&Branch> for BranchInput {
    fn from(b: &Branch) -> BranchInput {
        BranchInput {
            union_id: Some(Loose::Int(b.union_id.0)),
            name: Some(b.name.clone()),
            name_uk: b.name_uk.clone(),
            region: Some(b.region.clone()),
            sector: Some(b.sector.code().into()),
            size_band: Some(b.size_band.code().into()),
            languages: Some(TextList::Text(b.languages.join(", "))),
            wished_region: Some(b.wished_region.clone()),
            at_risk: Some(Loose::Bool(b.at_risk)),
            version: Some(Loose::Int(b.version)),
        }
    }
}

impl From<&Person> for PersonInput {
    fn from(p: &Person) -> PersonInput {
        PersonInput {
            branch_id: p.branch_id.map(|b| Loose::Int(b.0)),
            name: Some(p.name.clone()),
            email: p.email.clone(),
            phone: p.phone.clone(),
            role: Some(p.role.code().into()),
            at_risk: Some(Loose::Bool(p.at_risk)),
            version: Some(Loose::Int(p.version)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn union_input(name: &str, country: &str, kind: &str) -> UnionInput {
        UnionInput {
            name: Some(name.into()),
            country: Some(country.into()),
            kind: Some(kind.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_union_needs_a_name_a_country_and_a_kind() {
        let mut e = FieldErrors::new();
        assert!(UnionInput::default().parse(None, &mut e).is_none());
        assert!(e.has("name") && e.has("country") && e.has("kind"));
        let mut e = FieldErrors::new();
        let u = union_input("  PCS ", "gb", "national_union")
            .parse(None, &mut e)
            .unwrap();
        assert!(e.is_empty());
        assert_eq!(u.name, "PCS");
        assert_eq!(u.country, Country::Gb);
        assert_eq!(u.name_uk, None);
    }

    #[test]
    fn unknown_choices_and_long_names_are_named() {
        let mut e = FieldErrors::new();
        union_input(&"x".repeat(201), "FR", "guild").parse(None, &mut e);
        assert_eq!(e.get("name").unwrap().key, "err-too-long");
        assert_eq!(e.get("country").unwrap().key, "err-choice");
        assert_eq!(e.get("kind").unwrap().key, "err-choice");
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_mention() {
        let current = Union {
            id: UnionId(1),
            name: "UCU".into(),
            name_uk: Some("УКУ".into()),
            country: Country::Gb,
            kind: UnionKind::NationalUnion,
            version: 1,
            updated_at: 0,
        };
        let mut e = FieldErrors::new();
        let patch = UnionInput {
            name: Some("University and College Union".into()),
            ..Default::default()
        };
        let u = patch.parse(Some(&current), &mut e).unwrap();
        assert_eq!(u.name, "University and College Union");
        assert_eq!(u.name_uk.as_deref(), Some("УКУ"));
        // An explicitly empty Ukrainian name clears it.
        let clear = UnionInput {
            name_uk: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(clear.parse(Some(&current), &mut e).unwrap().name_uk, None);
    }

    #[test]
    fn people_are_checked_field_by_field() {
        let input = PersonInput {
            name: Some("Олена Приклад".into()),
            email: Some("not-an-email".into()),
            phone: Some("call me".into()),
            role: Some("secretary".into()),
            at_risk: Some(Loose::Text("maybe".into())),
            branch_id: Some(Loose::Text("abc".into())),
            version: None,
        };
        let mut e = FieldErrors::new();
        input.parse(None, &mut e);
        for field in ["email", "phone", "at_risk", "branch_id"] {
            assert!(e.has(field), "{field} should be flagged");
        }
        assert!(!e.has("name"));
    }

    #[test]
    fn checkboxes_and_json_booleans_both_work() {
        for (v, expected) in [
            (Loose::Text("on".into()), true),
            (Loose::Bool(true), true),
            (Loose::Bool(false), false),
            (Loose::Text(String::new()), false),
        ] {
            let input = PersonInput {
                name: Some("A Person".into()),
                role: Some("member".into()),
                at_risk: Some(v),
                ..Default::default()
            };
            let mut e = FieldErrors::new();
            assert_eq!(input.parse(None, &mut e).unwrap().at_risk, expected);
        }
    }

    #[test]
    fn vocabularies_round_trip_and_have_labels() {
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.code()), Some(*s));
            assert!(s.label_key().starts_with("sector-"));
        }
        assert_eq!(SizeBand::parse("5000_plus"), Some(SizeBand::From5000));
        assert_eq!(Sector::parse("astrology"), None);
    }

    #[test]
    fn every_vocabulary_value_has_a_name_in_both_languages() {
        let mut keys: Vec<&str> = Vec::new();
        keys.extend(Country::ALL.iter().map(|v| v.label_key()));
        keys.extend(UnionKind::ALL.iter().map(|v| v.label_key()));
        keys.extend(Sector::ALL.iter().map(|v| v.label_key()));
        keys.extend(SizeBand::ALL.iter().map(|v| v.label_key()));
        keys.extend(BranchRole::ALL.iter().map(|v| v.label_key()));
        assert_eq!(crate::i18n::missing_messages(keys), Vec::<String>::new());
    }

    #[test]
    fn the_api_document_lists_the_codes_the_api_sends() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(Sector::schema()).unwrap();
        let values = schema["enum"].as_array().unwrap();
        assert!(
            values.contains(&serde_json::json!("higher_education")),
            "{schema}"
        );
        assert!(!values.contains(&serde_json::json!("HigherEducation")));
        let country = serde_json::to_value(Country::schema()).unwrap();
        assert_eq!(country["enum"], serde_json::json!(["GB", "UA"]));
    }
}
