//! A small builder for the `WHERE` clauses of list queries, whose filters are
//! optional. It numbers placeholders `$1, $2, …` as both engines read them
//! (sqlx's own `QueryBuilder` writes `?` for the `Any` driver, which
//! PostgreSQL does not accept).

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

#[derive(Clone, Debug)]
pub enum Value {
    Int(i64),
    Text(String),
}

#[derive(Default, Debug)]
pub struct Where {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Where {
    pub fn new() -> Where {
        Where::default()
    }

    /// Adds `clause`, in which each `?` stands for the next of `values`.
    pub fn and(&mut self, clause: &str, values: impl IntoIterator<Item = Value>) -> &mut Where {
        let mut text = String::new();
        let mut values = values.into_iter();
        for part in clause.split_inclusive('?') {
            match part.strip_suffix('?') {
                Some(before) => {
                    text.push_str(before);
                    let value = values.next().expect("a value for each placeholder");
                    self.values.push(value);
                    text.push_str(&format!("${}", self.values.len()));
                }
                None => text.push_str(part),
            }
        }
        self.clauses.push(text);
        self
    }

    /// `column IN (…)`; an empty list matches nothing.
    pub fn and_in(&mut self, column: &str, ids: &[i64]) -> &mut Where {
        if ids.is_empty() {
            self.clauses.push("1 = 0".to_owned());
            return self;
        }
        let marks = vec!["?"; ids.len()].join(", ");
        self.and(
            &format!("{column} IN ({marks})"),
            ids.iter().map(|&i| Value::Int(i)),
        )
    }

    /// A case-insensitive "contains" on a lower-cased search column.
    pub fn and_contains(&mut self, column: &str, needle: &str) -> &mut Where {
        let needle = needle.trim().to_lowercase();
        if needle.is_empty() {
            return self;
        }
        let escaped = needle
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        self.and(
            &format!("{column} LIKE ? ESCAPE '\\'"),
            [Value::Text(format!("%{escaped}%"))],
        )
    }

    /// The clause, starting with ` WHERE`, or empty.
    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// The next placeholder number after this clause's own, for `LIMIT`/`OFFSET`.
    pub fn next_placeholder(&self) -> usize {
        self.values.len() + 1
    }

    pub fn bind<'q>(
        &self,
        mut query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for value in &self.values {
            query = match value {
                Value::Int(i) => query.bind(*i),
                Value::Text(t) => query.bind(t.clone()),
            };
        }
        query
    }
}

/// Runs a list query with its filter: the total count, and one page of rows
/// (`limit` and `offset` from the caller's paging), mapped by `map`.
#[allow(clippy::too_many_arguments)]
pub async fn paged<T>(
    db: &super::Db,
    columns: &str,
    from: &str,
    filter: &Where,
    order: &str,
    paging: crate::common::paging::Paging,
    map: fn(&sqlx::any::AnyRow) -> Result<T, sqlx::Error>,
) -> Result<(Vec<T>, i64), super::DbError> {
    use sqlx::Row;
    let count_sql = format!("SELECT COUNT(*) AS n{from}{}", filter.sql());
    let total: i64 = filter
        .bind(sqlx::query(&count_sql))
        .fetch_one(db.read())
        .await?
        .try_get("n")?;
    let n = filter.next_placeholder();
    let list_sql = format!(
        "SELECT {columns}{from}{} ORDER BY {order} LIMIT ${n} OFFSET ${}",
        filter.sql(),
        n + 1
    );
    let rows = filter
        .bind(sqlx::query(&list_sql))
        .bind(paging.per_page)
        .bind(paging.offset())
        .fetch_all(db.read())
        .await?;
    let items = rows.iter().map(map).collect::<Result<_, _>>()?;
    Ok((items, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut w = Where::new();
        w.and("a = ?", [Value::Int(1)])
            .and_in("b", &[2, 3])
            .and_contains("k", "50%_Off");
        assert_eq!(
            w.sql(),
            " WHERE a = $1 AND b IN ($2, $3) AND k LIKE $4 ESCAPE '\\'"
        );
        assert_eq!(w.next_placeholder(), 5);
        match &w.values[3] {
            Value::Text(t) => assert_eq!(t, "%50\\%\\_off%"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_empty_id_list_matches_nothing() {
        let mut w = Where::new();
        w.and_in("b", &[]);
        assert_eq!(w.sql(), " WHERE 1 = 0");
    }

    #[test]
    fn a_blank_search_adds_nothing() {
        let mut w = Where::new();
        w.and_contains("k", "  ");
        assert_eq!(w.sql(), "");
    }
}
