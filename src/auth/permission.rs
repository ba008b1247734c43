//! Who may do what: the one permission model every route goes through.
//!
//! Each route in the route table names the [`Action`] it performs. Before
//! the handler runs, the route layer asks [`grant`] whether the caller's role
//! may perform it at all (anonymous callers get 401, others 403). Inside,
//! handlers and stores narrow every query to [`Principal::scope`], so that
//! a branch officer only ever sees the people of their own branches, and a
//! record outside the caller's scope answers 404, as if it did not exist.
//!
//! Later areas add their actions here, with a row each in [`grant`].

use serde::{Deserialize, Serialize};

use crate::common::ids::BranchId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Coordinator,
    BranchOfficer,
    Speaker,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Coordinator,
        Role::BranchOfficer,
        Role::Speaker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::BranchOfficer => "branch_officer",
            Role::Speaker => "speaker",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Message id of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role-admin",
            Role::Coordinator => "role-coordinator",
            Role::BranchOfficer => "role-branch_officer",
            Role::Speaker => "role-speaker",
        }
    }
}

/// Everything a caller can ask to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Public pages and forms: anyone, signed in or not.
    ViewPublic,
    /// Things about the caller's own account: log out, choose a language.
    OwnAccount,
    /// Read unions and branches.
    ViewDirectory,
    /// Create, edit and delete unions.
    ManageUnions,
    /// Create and delete branches.
    ManageBranches,
    /// Edit a branch's details.
    EditBranch,
    /// Read people and their roles at branches.
    ViewPeople,
    /// Create, edit and delete people.
    ManagePeople,
    /// Accounts, roles, API tokens of others.
    ManageAccounts,
    /// Read speakers' profiles.
    ViewSpeakers,
    /// Add speakers and edit any profile.
    ManageSpeakers,
    /// Edit a speaker profile: coordinators any, a speaker their own.
    EditSpeakerProfile,
    /// Ask for a speaker for a branch.
    RequestSpeakers,
    /// Read requests and bookings: staff all, officers their branches',
    /// speakers their own.
    ViewSpeakerRequests,
    /// Match speakers to requests: offer, confirm, link a visitor's request.
    MatchSpeakers,
    /// Accept or decline an offer: the speaker it was made to.
    AnswerOffers,
    /// Cancel a booking, mark it held, report on it.
    ChangeBookings,
    /// See the e-mail queue: what was sent, what waits, what failed.
    ViewOutbox,
    /// Read twinning links, their activity and suggestions: staff all,
    /// officers their own branches'.
    ViewTwinnings,
    /// Propose a link between two branches (the matching board).
    ProposeTwinnings,
    /// Move a link along its life cycle and log its activity.
    MoveTwinnings,
    /// Post a need for a (Ukrainian) branch.
    PostNeeds,
    /// Adopt a need for a branch, and mark it delivered.
    AdoptNeeds,
    /// Create and edit appeals.
    ManageAppeals,
    /// Record a donation or pledge, and see donations: coordinators any,
    /// officers their own branch's.
    RecordDonations,
    /// Confirm that pledged money arrived, and record donors other than branches.
    ConfirmReceipts,
    /// Read applications to affiliate, activate and lapse affiliations,
    /// and set the fee table.
    ManageAffiliations,
    /// Create and edit short links, and see every link's clicks.
    ManageLinks,
    /// See short links, make a branch's copy of one and see its clicks:
    /// coordinators any branch, officers their own.
    BranchLinks,
    /// Write and edit statements and news.
    ManageStatements,
    /// See who an at-risk branch is (name, region): coordinators any, its
    /// own officers and its agreed twin's; others see it withheld.
    ViewAtRisk,
    /// Read the audit log: who did what, who saw which at-risk record.
    ViewAuditLog,
}

/// How far a role's permission for an action reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    No,
    /// Only the branches the account is attached to.
    OwnBranches,
    All,
}

/// The table: role × action → reach. Anonymous callers may only
/// [`Action::ViewPublic`].
pub fn grant(role: Role, action: Action) -> Grant {
    use Action::*;
    use Grant::*;
    match (action, role) {
        (ViewPublic | OwnAccount | ViewDirectory, _) => All,
        (ManageAccounts, Role::Admin) => All,
        (ManageAccounts, _) => No,
        (ManageUnions | ManageBranches, Role::Admin | Role::Coordinator) => All,
        (ManageUnions | ManageBranches, _) => No,
        (EditBranch | ViewPeople | ManagePeople, Role::Admin | Role::Coordinator) => All,
        (EditBranch | ViewPeople | ManagePeople, Role::BranchOfficer) => OwnBranches,
        (EditBranch | ViewPeople | ManagePeople, Role::Speaker) => No,
        (ViewAtRisk, Role::Admin | Role::Coordinator) => All,
        (ViewAtRisk, Role::BranchOfficer) => OwnBranches,
        (ViewAtRisk, Role::Speaker) => No,
        (ViewAuditLog, Role::Admin) => All,
        (ViewAuditLog, _) => No,
        (ViewSpeakers | ViewSpeakerRequests, _) => All,
        (ManageSpeakers | MatchSpeakers, Role::Admin | Role::Coordinator) => All,
        (ManageSpeakers | MatchSpeakers, _) => No,
        (EditSpeakerProfile, Role::Admin | Role::Coordinator | Role::Speaker) => All,
        (EditSpeakerProfile, Role::BranchOfficer) => No,
        (AnswerOffers, Role::Speaker) => All,
        (AnswerOffers, _) => No,
        (RequestSpeakers | ChangeBookings, Role::Admin | Role::Coordinator) => All,
        (RequestSpeakers | ChangeBookings, Role::BranchOfficer) => OwnBranches,
        (RequestSpeakers | ChangeBookings, Role::Speaker) => No,
        (ViewOutbox, Role::Admin | Role::Coordinator) => All,
        (ViewOutbox, _) => No,
        (ProposeTwinnings, Role::Admin | Role::Coordinator) => All,
        (ProposeTwinnings, _) => No,
        (
            ViewTwinnings | MoveTwinnings | PostNeeds | AdoptNeeds,
            Role::Admin | Role::Coordinator,
        ) => All,
        (ViewTwinnings | MoveTwinnings | PostNeeds | AdoptNeeds, Role::BranchOfficer) => {
            OwnBranches
        }
        (ViewTwinnings | MoveTwinnings | PostNeeds | AdoptNeeds, Role::Speaker) => No,
        (ManageAppeals | ConfirmReceipts, Role::Admin | Role::Coordinator) => All,
        (ManageAppeals | ConfirmReceipts, _) => No,
        (ManageAffiliations, Role::Admin | Role::Coordinator) => All,
        (ManageAffiliations, _) => No,
        (ManageLinks, Role::Admin | Role::Coordinator) => All,
        (ManageLinks, _) => No,
        (BranchLinks, Role::Admin | Role::Coordinator) => All,
        (BranchLinks, Role::BranchOfficer) => OwnBranches,
        (BranchLinks, Role::Speaker) => No,
        (ManageStatements, Role::Admin | Role::Coordinator) => All,
        (ManageStatements, _) => No,
        (RecordDonations, Role::Admin | Role::Coordinator) => All,
        (RecordDonations, Role::BranchOfficer) => OwnBranches,
        (RecordDonations, Role::Speaker) => No,
    }
}

/// A signed-in account, as the permission model sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: crate::auth::UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The branches a branch officer acts for (empty for other roles).
    pub branches: Vec<BranchId>,
    /// The IANA zone the account reads times in, if it chose one.
    pub time_zone: Option<String>,
    /// The twins of those branches (live links): their officers may read
    /// the twin's people, at-risk ones included, as partners must.
    pub twins: Vec<BranchId>,
}

/// Who is asking.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Principal {
    #[default]
    Anonymous,
    Account(Account),
}

/// The rows a caller may see or touch for one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Branches(Vec<BranchId>),
    Nothing,
}

impl Scope {
    pub fn includes(&self, branch: Option<BranchId>) -> bool {
        match (self, branch) {
            (Scope::All, _) => true,
            (Scope::Branches(own), Some(b)) => own.contains(&b),
            _ => false,
        }
    }
}

impl Principal {
    pub fn account(&self) -> Option<&Account> {
        match self {
            Principal::Account(a) => Some(a),
            Principal::Anonymous => None,
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.account().map(|a| a.role)
    }

    /// May the caller perform this action at all (on anything)?
    pub fn may(&self, action: Action) -> bool {
        self.scope(action) != Scope::Nothing
    }

    /// What the caller may reach with this action.
    pub fn scope(&self, action: Action) -> Scope {
        match self {
            Principal::Anonymous if action == Action::ViewPublic => Scope::All,
            Principal::Anonymous => Scope::Nothing,
            Principal::Account(a) => match grant(a.role, action) {
                Grant::All => Scope::All,
                Grant::OwnBranches if a.branches.is_empty() => Scope::Nothing,
                Grant::OwnBranches if matches!(action, Action::ViewPeople | Action::ViewAtRisk) => {
                    let mut reach = a.branches.clone();
                    reach.extend(a.twins.iter().copied());
                    Scope::Branches(reach)
                }
                Grant::OwnBranches => Scope::Branches(a.branches.clone()),
                Grant::No => Scope::Nothing,
            },
        }
    }

    /// May the caller perform this action on a record of this branch?
    pub fn may_at(&self, action: Action, branch: Option<BranchId>) -> bool {
        self.scope(action).includes(branch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(role: Role, branches: &[i64]) -> Principal {
        Principal::Account(Account {
            id: crate::auth::UserId(1),
            email: "a@example.org".into(),
            name: "A".into(),
            role,
            branches: branches.iter().map(|&b| BranchId(b)).collect(),
            time_zone: None,
            twins: Vec::new(),
        })
    }

    #[test]
    fn roles_have_names_in_both_languages() {
        let keys = Role::ALL.iter().map(|r| r.label_key());
        assert_eq!(crate::i18n::missing_messages(keys), Vec::<String>::new());
    }

    #[test]
    fn anonymous_callers_only_see_public_things() {
        let anon = Principal::Anonymous;
        assert!(anon.may(Action::ViewPublic));
        assert!(!anon.may(Action::ViewDirectory));
        assert!(!anon.may(Action::ViewPeople));
    }

    #[test]
    fn officers_reach_only_their_own_branches() {
        let officer = account(Role::BranchOfficer, &[3, 5]);
        assert!(officer.may_at(Action::ViewPeople, Some(BranchId(3))));
        assert!(!officer.may_at(Action::ViewPeople, Some(BranchId(4))));
        assert!(!officer.may_at(Action::ViewPeople, None));
        assert!(!officer.may(Action::ManageUnions));
        assert_eq!(
            officer.scope(Action::ManagePeople),
            Scope::Branches(vec![BranchId(3), BranchId(5)])
        );
    }

    #[test]
    fn an_officer_without_branches_reaches_nothing() {
        let officer = account(Role::BranchOfficer, &[]);
        assert!(!officer.may(Action::ViewPeople));
    }

    #[test]
    fn coordinators_run_the_campaign_but_not_accounts() {
        let c = account(Role::Coordinator, &[]);
        assert!(c.may_at(Action::ManagePeople, None));
        assert!(c.may(Action::ManageUnions));
        assert!(!c.may(Action::ManageAccounts));
        assert!(account(Role::Admin, &[]).may(Action::ManageAccounts));
    }

    #[test]
    fn speakers_see_no_people() {
        let s = account(Role::Speaker, &[]);
        assert!(s.may(Action::ViewDirectory));
        assert!(!s.may(Action::ViewPeople));
        assert!(!s.may(Action::EditBranch));
    }

    #[test]
    fn at_risk_branches_are_seen_by_staff_their_own_officers_and_agreed_twins() {
        let mut officer = account(Role::BranchOfficer, &[3]);
        if let Principal::Account(a) = &mut officer {
            a.twins = vec![BranchId(7)];
        }
        assert!(officer.may_at(Action::ViewAtRisk, Some(BranchId(3))));
        assert!(officer.may_at(Action::ViewAtRisk, Some(BranchId(7))));
        assert!(!officer.may_at(Action::ViewAtRisk, Some(BranchId(8))));
        assert!(account(Role::Coordinator, &[]).may_at(Action::ViewAtRisk, Some(BranchId(8))));
        assert!(!account(Role::Speaker, &[]).may(Action::ViewAtRisk));
        assert!(!Principal::Anonymous.may(Action::ViewAtRisk));
        assert!(!account(Role::Coordinator, &[]).may(Action::ViewAuditLog));
        assert!(account(Role::Admin, &[]).may(Action::ViewAuditLog));
    }
}
