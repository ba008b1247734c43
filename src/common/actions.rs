//! The six things the campaign asks of every union branch, in its own
//! order. The home page lists them, a short link can promote one, and each
//! leads to the page where a visitor takes it.

/// One of the campaign's asks.
pub struct CampaignAction {
    /// Message id prefix: `action-<key>-title` and `action-<key>-text`.
    pub key: &'static str,
    pub number: u8,
    /// The page where a visitor takes this action.
    pub href: Option<&'static str>,
}

impl CampaignAction {
    pub fn title_key(&self) -> String {
        format!("action-{}-title", self.key)
    }

    pub fn text_key(&self) -> String {
        format!("action-{}-text", self.key)
    }

    /// The action with this key.
    pub fn find(key: &str) -> Option<&'static CampaignAction> {
        ACTIONS.iter().find(|a| a.key == key)
    }
}

/// The six actions. Those without a page of their own yet say so rather
/// than link to nothing.
pub const ACTIONS: [CampaignAction; 6] = [
    CampaignAction {
        key: "speaker",
        number: 1,
        href: Some("/request-a-speaker"),
    },
    CampaignAction {
        key: "twinning",
        number: 2,
        href: Some("/needs"),
    },
    CampaignAction {
        key: "national",
        number: 3,
        href: Some("/take-part/national"),
    },
    CampaignAction {
        key: "donate",
        number: 4,
        href: Some("/appeals"),
    },
    CampaignAction {
        key: "motion",
        number: 5,
        href: Some("/take-part/motion"),
    },
    CampaignAction {
        key: "network",
        number: 6,
        href: Some("/take-part/network"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_words_in_both_languages() {
        let keys = ACTIONS.iter().flat_map(|a| [a.title_key(), a.text_key()]);
        assert_eq!(crate::i18n::missing_messages(keys), Vec::<String>::new());
    }
}
