//! Money: whole minor units (pence, kopiyky) and an ISO 4217 currency, never
//! a floating-point number. One parser reads what people type — `1,234.56`,
//! `£20`, `20 грн`, `€ 5,50` — with the currency's own number of decimals.

use serde::{Deserialize, Serialize};

/// The currencies the campaign deals in, with their minor-unit exponent and
/// the symbols people write.
const CURRENCIES: &[(&str, u32, &[&str])] = &[
    ("GBP", 2, &["£"]),
    ("UAH", 2, &["₴", "грн", "грн."]),
    ("EUR", 2, &["€"]),
    ("USD", 2, &["$", "us$"]),
    ("PLN", 2, &["zł"]),
    ("CHF", 2, &[]),
    ("SEK", 2, &["kr"]),
    ("NOK", 2, &[]),
    ("DKK", 2, &[]),
    ("CAD", 2, &["ca$"]),
    ("JPY", 0, &["¥"]),
];

/// The largest amount accepted, in minor units: ten billion of the major unit.
pub const MAX_MINOR: i64 = 1_000_000_000_000;

/// An ISO 4217 code from the list above; JSON shows it as `"GBP"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency(&'static str);

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Currency, D::Error> {
        let code = String::deserialize(d)?;
        Currency::parse(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown currency {code:?}")))
    }
}

impl utoipa::PartialSchema for Currency {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("ISO 4217 currency code, such as GBP or UAH"))
            .into()
    }
}

impl utoipa::ToSchema for Currency {}

impl Currency {
    pub const GBP: Currency = Currency("GBP");
    pub const UAH: Currency = Currency("UAH");

    pub fn parse(code: &str) -> Option<Currency> {
        let code = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|c| c.0 == code)
            .map(|c| Currency(c.0))
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    /// Digits after the decimal point.
    pub fn exponent(self) -> u32 {
        CURRENCIES.iter().find(|c| c.0 == self.0).map_or(2, |c| c.1)
    }

    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES.iter().map(|c| Currency(c.0))
    }

    fn from_symbol(token: &str) -> Option<Currency> {
        let token = token.trim().to_lowercase();
        CURRENCIES
            .iter()
            .find(|c| c.0.eq_ignore_ascii_case(&token) || c.2.iter().any(|s| *s == token))
            .map(|c| Currency(c.0))
    }
}

/// An amount of one currency, as JSON `{"amount_minor": 1250, "currency": "GBP"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

/// Why a typed amount was refused; each is a message id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    NotANumber,
    UnknownCurrency,
    /// Currency symbols for two different currencies.
    TwoCurrencies,
    TooManyDecimals,
    NotPositive,
    TooLarge,
}

impl MoneyError {
    pub fn key(self) -> &'static str {
        match self {
            MoneyError::Empty => "err-required",
            MoneyError::NotANumber => "err-amount",
            MoneyError::UnknownCurrency => "err-currency",
            MoneyError::TwoCurrencies => "err-currency",
            MoneyError::TooManyDecimals => "err-decimals",
            MoneyError::NotPositive => "err-amount-positive",
            MoneyError::TooLarge => "err-amount-large",
        }
    }
}

impl Money {
    /// Builds an amount from minor units, refusing zero, negative and absurd ones.
    pub fn new(amount_minor: i64, currency: Currency) -> Result<Money, MoneyError> {
        if amount_minor <= 0 {
            return Err(MoneyError::NotPositive);
        }
        if amount_minor > MAX_MINOR {
            return Err(MoneyError::TooLarge);
        }
        Ok(Money {
            amount_minor,
            currency,
        })
    }

    /// Reads what a person typed. A currency written in the text wins over
    /// `default`; without either it is an error.
    pub fn parse(text: &str, default: Option<Currency>) -> Result<Money, MoneyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        // Split into the number and whatever surrounds it.
        let mut number = String::new();
        let mut words = String::new();
        for c in text.chars() {
            let spacing = c == ' ' || c == '\u{a0}' || c == '\u{202f}';
            // Spaces group thousands only inside the number, before any word.
            let in_number = c.is_ascii_digit()
                || c == '.'
                || c == ','
                || (spacing && !number.is_empty() && words.trim().is_empty());
            if in_number {
                number.push(c);
                words.push(' ');
            } else if c == '-' || c == '−' {
                return Err(MoneyError::NotPositive);
            } else {
                words.push(c);
            }
        }
        let mut found: Option<Currency> = None;
        for token in split_symbols(&words) {
            match Currency::from_symbol(&token) {
                Some(c) if found.is_some_and(|f| f != c) => return Err(MoneyError::TwoCurrencies),
                Some(c) => found = Some(c),
                None => {
                    return Err(
                        if token.chars().all(|c| c.is_alphabetic()) && token.len() == 3 {
                            MoneyError::UnknownCurrency
                        } else {
                            MoneyError::NotANumber
                        },
                    )
                }
            }
        }
        let currency = found.or(default).ok_or(MoneyError::UnknownCurrency)?;
        let minor = minor_units(number.trim(), currency.exponent())?;
        Money::new(minor, currency)
    }

    /// "1,234.56" in the currency's own decimals (no symbol).
    pub fn major_text(&self) -> String {
        let exp = self.currency.exponent();
        let scale = 10i64.pow(exp);
        let whole = self.amount_minor / scale;
        let frac = self.amount_minor % scale;
        let mut digits = whole.to_string();
        let mut grouped = String::new();
        while digits.len() > 3 {
            let tail = digits.split_off(digits.len() - 3);
            grouped = format!(",{tail}{grouped}");
        }
        grouped = format!("{digits}{grouped}");
        if exp == 0 {
            grouped
        } else {
            format!("{grouped}.{frac:0width$}", width = exp as usize)
        }
    }

    /// "£1,234.56 GBP"-style text for people: the amount and the code.
    pub fn display(&self) -> String {
        format!("{} {}", self.major_text(), self.currency.code())
    }
}

fn split_symbols(words: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in words.split_whitespace() {
        // "£20" leaves "£"; "20грн" leaves "грн"; both arrive here alone.
        let token = raw.trim_matches(|c: char| c == '(' || c == ')');
        if !token.is_empty() {
            out.push(token.to_owned());
        }
    }
    out
}

/// "1,234.56" → 123456 with two decimals. The last `.` or `,` is the decimal
/// mark when it is followed by no more than `exponent` digits and is not a
/// lone comma followed by exactly three (a thousands separator).
fn minor_units(number: &str, exponent: u32) -> Result<i64, MoneyError> {
    let compact: String = number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if compact.is_empty() || !compact.chars().any(|c| c.is_ascii_digit()) {
        return Err(MoneyError::NotANumber);
    }
    let last_mark = compact.rfind(['.', ',']);
    let (whole, frac) = match last_mark {
        None => (compact.as_str(), ""),
        Some(i) => {
            let mark = compact.as_bytes()[i];
            let after = &compact[i + 1..];
            let marks_of_kind = compact.bytes().filter(|&b| b == mark).count();
            let other_mark_present = compact
                .bytes()
                .any(|b| (b == b'.' || b == b',') && b != mark);
            let thousands =
                after.len() == 3 && !other_mark_present && (marks_of_kind > 1 || mark == b',');
            if thousands {
                (compact.as_str(), "")
            } else {
                (&compact[..i], after)
            }
        }
    };
    // The decimal mark cannot also separate thousands ("12.345.6").
    if !frac.is_empty() && last_mark.is_some_and(|i| whole.contains(compact.as_bytes()[i] as char))
    {
        return Err(MoneyError::NotANumber);
    }
    // Thousands separators may remain in the whole part: they must group by three.
    let groups: Vec<&str> = whole.split([',', '.']).collect();
    if groups.len() > 1
        && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
    {
        return Err(MoneyError::NotANumber);
    }
    let whole_digits: String = groups.concat();
    if whole_digits.is_empty()
        || !whole_digits.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(MoneyError::NotANumber);
    }
    if frac.len() > exponent as usize {
        return Err(MoneyError::TooManyDecimals);
    }
    let whole: i64 = whole_digits.parse().map_err(|_| MoneyError::TooLarge)?;
    let scale = 10i64.pow(exponent);
    let frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().map_err(|_| MoneyError::NotANumber)?
            * 10i64.pow(exponent - frac.len() as u32)
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_value))
        .ok_or(MoneyError::TooLarge)
}

#[cfg(test)]
mod tests {

    #[test]
    fn random_text_never_panics_and_never_makes_bad_money() {
        let mut read = 0;
        for (i, text) in crate::fuzz::strings(0x5011_da21, 20_000, 8, crate::fuzz::MONEY)
            .iter()
            .enumerate()
        {
            for default in [None, Some(Currency::GBP), Some(Currency::UAH)] {
                if let Ok(m) = Money::parse(text, default) {
                    read += 1;
                    assert!(
                        m.amount_minor > 0 && m.amount_minor <= MAX_MINOR,
                        "case {i}: {text:?} gave {m:?}"
                    );
                    // What we show reads back as the same amount.
                    assert_eq!(
                        Money::parse(&m.display(), None),
                        Ok(m),
                        "case {i}: {text:?}"
                    );
                }
            }
        }
        assert!(
            read > 500,
            "only {read} cases were amounts: the inputs miss the point"
        );
    }

    use super::*;

    fn gbp(text: &str) -> Result<i64, MoneyError> {
        Money::parse(text, Some(Currency::GBP)).map(|m| m.amount_minor)
    }

    #[test]
    fn what_people_type_becomes_minor_units() {
        assert_eq!(gbp("1,234.56"), Ok(123_456));
        assert_eq!(gbp("£20"), Ok(2_000));
        assert_eq!(gbp("20"), Ok(2_000));
        assert_eq!(gbp("0.5"), Ok(50));
        assert_eq!(gbp("1 234,56"), Ok(123_456));
        assert_eq!(gbp("1.234,56"), Ok(123_456));
        assert_eq!(gbp("12,5"), Ok(1_250));
        assert_eq!(gbp("1,000,000"), Ok(100_000_000));
        let uah = Money::parse("20 грн", Some(Currency::GBP)).unwrap();
        assert_eq!((uah.amount_minor, uah.currency.code()), (2_000, "UAH"));
        let eur = Money::parse("€ 5,50", None).unwrap();
        assert_eq!((eur.amount_minor, eur.currency.code()), (550, "EUR"));
        let code = Money::parse("15 uah", None).unwrap();
        assert_eq!(code.currency, Currency::UAH);
        assert_eq!(
            Money::parse("500", Some(Currency::parse("JPY").unwrap()))
                .unwrap()
                .amount_minor,
            500
        );
    }

    #[test]
    fn bad_amounts_say_why() {
        assert_eq!(gbp(""), Err(MoneyError::Empty));
        assert_eq!(gbp("0"), Err(MoneyError::NotPositive));
        assert_eq!(gbp("-5"), Err(MoneyError::NotPositive));
        assert_eq!(gbp("1.234"), Err(MoneyError::TooManyDecimals));
        assert_eq!(gbp("12.345.6"), Err(MoneyError::NotANumber));
        assert_eq!(gbp("lots"), Err(MoneyError::NotANumber));
        assert_eq!(gbp("20 XYZ"), Err(MoneyError::UnknownCurrency));
        assert_eq!(gbp("£20 €"), Err(MoneyError::TwoCurrencies));
        assert_eq!(gbp("99999999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(Money::parse("20", None), Err(MoneyError::UnknownCurrency));
        assert_eq!(
            Money::parse("1.5", Some(Currency::parse("JPY").unwrap())),
            Err(MoneyError::TooManyDecimals)
        );
    }

    #[test]
    fn amounts_print_in_their_own_decimals() {
        let m = Money::new(123_456_789, Currency::GBP).unwrap();
        assert_eq!(m.major_text(), "1,234,567.89");
        assert_eq!(Money::new(5, Currency::UAH).unwrap().display(), "0.05 UAH");
        assert_eq!(
            Money::new(1500, Currency::parse("JPY").unwrap())
                .unwrap()
                .major_text(),
            "1,500"
        );
    }

    #[test]
    fn json_is_minor_units_and_a_code() {
        let m = Money::new(1250, Currency::GBP).unwrap();
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"amount_minor":1250,"currency":"GBP"}"#
        );
        let back: Money =
            serde_json::from_str(r#"{"amount_minor":1250,"currency":"uah"}"#).unwrap();
        assert_eq!(back.currency, Currency::UAH);
        assert!(serde_json::from_str::<Money>(r#"{"amount_minor":1,"currency":"XXX"}"#).is_err());
    }
}
