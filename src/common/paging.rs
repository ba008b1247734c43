//! Page numbers for lists: `?page=2&per_page=50`, the same in every list
//! page and every API list.

use super::input::FieldErrors;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub const DEFAULT_PER_PAGE: i64 = 25;
    pub const MAX_PER_PAGE: i64 = 200;
    /// No list is longer than this many pages: a larger number would
    /// overflow the row offset (a 500 on PostgreSQL before this bound).
    pub const MAX_PAGE: i64 = 1_000_000;

    /// Lenient for pages (a bad number shows page 1, one past the end the
    /// last possible page); APIs use [`Paging::parse_strict`].
    pub fn parse(page: Option<&str>, per_page: Option<&str>) -> Paging {
        let page = page
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|&p| p >= 1)
            .unwrap_or(1)
            .min(Self::MAX_PAGE);
        let per_page = per_page
            .and_then(|p| p.trim().parse().ok())
            .filter(|&p| p >= 1)
            .unwrap_or(Self::DEFAULT_PER_PAGE)
            .min(Self::MAX_PER_PAGE);
        Paging { page, per_page }
    }

    /// For the API: a number out of range is an error naming the parameter.
    pub fn parse_strict(page: Option<&str>, per_page: Option<&str>) -> Result<Paging, FieldErrors> {
        let mut errors = FieldErrors::new();
        let number = |v: Option<&str>, field: &str, max: i64, errors: &mut FieldErrors| {
            let v = v.map(str::trim).filter(|v| !v.is_empty())?;
            match v.parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => Some(n),
                _ => {
                    errors.add_with(field, "err-range", format!("1–{max}"));
                    None
                }
            }
        };
        let page = number(page, "page", Self::MAX_PAGE, &mut errors).unwrap_or(1);
        let per_page = number(per_page, "per_page", Self::MAX_PER_PAGE, &mut errors)
            .unwrap_or(Self::DEFAULT_PER_PAGE);
        errors.into_result()?;
        Ok(Paging { page, per_page })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    pub fn pages(&self, total: i64) -> i64 {
        ((total + self.per_page - 1) / self.per_page).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_lenient_on_pages_and_strict_in_the_api() {
        assert_eq!(
            Paging::parse(Some("x"), Some("9999")),
            Paging {
                page: 1,
                per_page: 200
            }
        );
        assert_eq!(Paging::parse(Some("3"), None).offset(), 50);
        assert!(Paging::parse_strict(Some("0"), None).is_err());
        assert!(Paging::parse_strict(None, Some("201")).is_err());
        assert_eq!(Paging::parse(None, None).pages(0), 1);
        assert_eq!(Paging::parse(None, None).pages(26), 2);
    }
}
