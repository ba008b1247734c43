//! Lists, paged the same way everywhere: one page of a list as the API
//! answers it, and the links between the pages of a list page.

use serde::Serialize;

use crate::common::paging::Paging;

/// One page of a list.
#[derive(Serialize)]
pub struct ListJson<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl<T: Serialize> ListJson<T> {
    /// One page of a list as the API answers it.
    pub fn page(
        items: impl IntoIterator<Item = T>,
        paging: Paging,
        total: i64,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        axum::Json(ListJson {
            items: items.into_iter().collect(),
            page: paging.page,
            per_page: paging.per_page,
            total,
        })
        .into_response()
    }

    /// A whole list in one page (a ranking, which is never paged).
    pub fn whole(items: Vec<T>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let total = items.len() as i64;
        axum::Json(ListJson {
            items,
            page: 1,
            per_page: total.max(1),
            total,
        })
        .into_response()
    }
}

/// Links to the other pages of a list, keeping its filters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// The query string without `page=`, ready for `&page=N`.
    pub base: String,
}

impl Pager {
    pub fn new(paging: Paging, total: i64, filters: &[(&str, &str)]) -> Pager {
        let kept: Vec<(&str, &str)> = filters
            .iter()
            .copied()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        Pager {
            page: paging.page,
            pages: paging.pages(total),
            total,
            base: serde_urlencoded::to_string(kept).unwrap_or_default(),
        }
    }

    /// "2 / 5", for "Page 2 / 5".
    pub fn position(&self) -> String {
        format!("{} / {}", self.page, self.pages)
    }

    pub fn href(&self, page: i64) -> String {
        if self.base.is_empty() {
            format!("?page={page}")
        } else {
            format!("?{}&page={page}", self.base)
        }
    }
}
