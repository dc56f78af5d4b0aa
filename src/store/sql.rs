//! One way to speak SQL to either engine, so each store function is written once.
//!
//! Statements are written in the dialect both engines share, with SQLite's numbered
//! placeholders (`?1`); for PostgreSQL they become `$1`. Values travel as [`Value`]:
//! integers (booleans are 0/1 on both engines), text, bytes or NULL. What truly differs
//! between the engines (the schema, its version, locking) lives beside the engine's
//! own code, once each: `migrations`, `postgres`.

use std::cell::RefCell;
use std::collections::HashMap;

use anyhow::Context as _;

/// The type of a column [`Sql::update_each`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Blob,
}

impl Kind {
    fn postgres_type(self) -> &'static str {
        match self {
            Kind::Int => "BIGINT",
            Kind::Blob => "BYTEA",
        }
    }
}

/// A value in or out of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value { Value::Int(i64::from(v)) }
        }
    )*};
}
from_int!(i64, i32, u32, u8, bool);

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Blob(v.to_vec())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Blob(v)
    }
}
impl From<&Vec<u8>> for Value {
    fn from(v: &Vec<u8>) -> Value {
        Value::Blob(v.clone())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// The parameters of a statement, in order: `args![a, b]`.
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::store::sql::Value::from($v)),*][..] };
}
pub(crate) use args;

/// A column's value as a Rust type; a mismatch is a damaged row, named by column.
pub trait FromValue: Sized {
    fn from_value(value: Value) -> Result<Self, String>;
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self, String> {
        Ok(value)
    }
}
impl FromValue for i64 {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Int(i) => Ok(i),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}
macro_rules! from_value_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, String> {
                let i = i64::from_value(value)?;
                <$t>::try_from(i).map_err(|_| format!("{i} is out of range"))
            }
        }
    )*};
}
from_value_int!(u32, i32, u64, u8);
impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self, String> {
        match i64::from_value(value)? {
            0 => Ok(false),
            1 => Ok(true),
            i => Err(format!("expected 0 or 1, found {i}")),
        }
    }
}
impl FromValue for String {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Text(s) => Ok(s),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Blob(b) => Ok(b),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row of a result.
#[derive(Debug)]
pub struct Row(Vec<Value>);

impl Row {
    pub fn get<T: FromValue>(&self, column: usize) -> anyhow::Result<T> {
        let value = self.0.get(column).cloned().unwrap_or(Value::Null);
        T::from_value(value).map_err(|e| anyhow::anyhow!("column {column} of a stored row: {e}"))
    }

    /// Every value, in column order (copying a database).
    pub fn into_values(self) -> Vec<Value> {
        self.0
    }
}

/// Which engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A PostgreSQL connection, with the statements it has prepared.
///
/// A statement's first run goes in one round trip, unprepared, its parameters typed
/// from their values; a statement run a second time is prepared then, and runs
/// prepared from there on (a copy's inserts, a re-seal's updates). Most commands run
/// each statement once, on a connection of their own, so each round trip saved is
/// time saved.
pub struct PgConn {
    pub(super) client: postgres::Client,
    prepared: HashMap<String, postgres::Statement>,
    seen: std::collections::HashSet<String>,
    /// Never prepare: behind a pooler in transaction mode (`pool_mode=transaction`).
    unnamed_only: bool,
}

/// How a statement is sent.
enum Plan {
    /// Unprepared, in one round trip: the SQL with `$n` placeholders.
    Once(String),
    Prepared(postgres::Statement),
}

impl std::fmt::Debug for PgConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConn").field("prepared", &self.prepared.len()).finish()
    }
}

impl PgConn {
    pub fn new(client: postgres::Client, unnamed_only: bool) -> PgConn {
        PgConn { client, prepared: HashMap::new(), seen: Default::default(), unnamed_only }
    }

    fn plan(&mut self, sql: &str) -> Result<Plan, postgres::Error> {
        if self.unnamed_only {
            return Ok(Plan::Once(dollar_placeholders(sql)));
        }
        if let Some(found) = self.prepared.get(sql) {
            return Ok(Plan::Prepared(found.clone()));
        }
        if self.seen.insert(sql.to_owned()) {
            return Ok(Plan::Once(dollar_placeholders(sql)));
        }
        let prepared = self.client.prepare(&dollar_placeholders(sql))?;
        self.prepared.insert(sql.to_owned(), prepared.clone());
        Ok(Plan::Prepared(prepared))
    }
}

/// A connection to either engine, as store functions see it.
#[derive(Debug, Clone, Copy)]
pub enum Sql<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(&'a RefCell<PgConn>),
}

impl Sql<'_> {
    pub fn engine(&self) -> Engine {
        match self {
            Sql::Sqlite(_) => Engine::Sqlite,
            Sql::Postgres(_) => Engine::Postgres,
        }
    }

    /// Runs a statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, args: &[Value]) -> anyhow::Result<u64> {
        match self {
            Sql::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(args.iter()))? as u64)
            }
            Sql::Postgres(pg) => {
                let mut pg = borrow(pg)?;
                Ok(match pg.plan(sql)? {
                    Plan::Once(text) => pg.client.execute_typed(&text, &typed_args(args))?,
                    Plan::Prepared(stmt) => pg.client.execute(&stmt, &pg_args(args))?,
                })
            }
        }
    }

    /// Sets `columns` to new values in each row of `table` whose `key` is given, in one
    /// statement: `rows` of (key, values in the order of `columns`). A statement a
    /// page, not a row: on PostgreSQL every statement is a round trip. (PostgreSQL must
    /// be told the types of a `VALUES` list's parameters; SQLite must not, or it would
    /// convert the bytes.)
    pub fn update_each(
        &self,
        table: &str,
        key: &str,
        columns: &[(&str, Kind)],
        rows: &[(i64, Vec<Value>)],
    ) -> anyhow::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let width = columns.len() + 1;
        let cast = |n: usize, kind: &str| match self.engine() {
            Engine::Sqlite => format!("?{n}"),
            Engine::Postgres => format!("CAST(?{n} AS {kind})"),
        };
        let tuples: Vec<String> = (0..rows.len())
            .map(|i| {
                let mut cells = vec![cast(width * i + 1, "BIGINT")];
                for (j, (_, kind)) in columns.iter().enumerate() {
                    cells.push(cast(width * i + 2 + j, kind.postgres_type()));
                }
                format!("({})", cells.join(", "))
            })
            .collect();
        let set: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(j, (name, _))| format!("{name} = v.column{}", j + 2))
            .collect();
        let sql = format!(
            "UPDATE {table} SET {} FROM (VALUES {}) AS v WHERE {table}.{key} = v.column1",
            set.join(", "),
            tuples.join(", ")
        );
        let mut values = Vec::with_capacity(rows.len() * width);
        for (k, row) in rows {
            anyhow::ensure!(row.len() == columns.len(), "{table}: a row of the wrong width");
            values.push(Value::Int(*k));
            values.extend(row.iter().cloned());
        }
        let changed = self.execute(&sql, &values)?;
        anyhow::ensure!(
            changed == rows.len() as u64,
            "{table}: {changed} of {} rows updated",
            rows.len()
        );
        Ok(())
    }

    /// Runs statements with no parameters and no result (schema, transactions).
    pub fn batch(&self, sql: &str) -> anyhow::Result<()> {
        match self {
            Sql::Sqlite(conn) => conn.execute_batch(sql)?,
            Sql::Postgres(pg) => borrow(pg)?.client.batch_execute(sql)?,
        }
        Ok(())
    }

    /// The first row, if any.
    pub fn query_opt(&self, sql: &str, args: &[Value]) -> anyhow::Result<Option<Row>> {
        let mut first = None;
        self.for_each_until(sql, args, |row| {
            first = Some(row);
            Ok(false)
        })?;
        Ok(first)
    }

    /// The one row a statement must return.
    pub fn query_one(&self, sql: &str, args: &[Value]) -> anyhow::Result<Row> {
        self.query_opt(sql, args)?.context("a statement that returns a row returned none")
    }

    /// Every row, collected: for results known to be small.
    pub fn query_all(&self, sql: &str, args: &[Value]) -> anyhow::Result<Vec<Row>> {
        let mut all = Vec::new();
        self.for_each(sql, args, |row| {
            all.push(row);
            Ok(())
        })?;
        Ok(all)
    }

    /// Each row in turn, as the engine produces it: results of any length in little
    /// memory. On PostgreSQL the connection is busy meanwhile, so `visit` must not use
    /// it (an attempt is an error, not a hang).
    pub fn for_each(
        &self,
        sql: &str,
        args: &[Value],
        mut visit: impl FnMut(Row) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.for_each_until(sql, args, |row| visit(row).map(|()| true))
    }

    /// As [`Sql::for_each`], stopping when `visit` returns false.
    fn for_each_until(
        &self,
        sql: &str,
        args: &[Value],
        mut visit: impl FnMut(Row) -> anyhow::Result<bool>,
    ) -> anyhow::Result<()> {
        match self {
            Sql::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let width = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
                while let Some(row) = rows.next()? {
                    let values = (0..width)
                        .map(|i| Ok(Value::from(row.get_ref(i)?)))
                        .collect::<rusqlite::Result<_>>()?;
                    if !visit(Row(values))? {
                        break;
                    }
                }
                Ok(())
            }
            Sql::Postgres(pg) => {
                use postgres::fallible_iterator::FallibleIterator as _;
                let mut pg = borrow(pg)?;
                let mut rows = match pg.plan(sql)? {
                    Plan::Once(text) => pg.client.query_typed_raw(&text, typed_args(args))?,
                    Plan::Prepared(stmt) => pg.client.query_raw(&stmt, pg_args(args))?,
                };
                while let Some(row) = rows.next()? {
                    let values = (0..row.len())
                        .map(|i| row.try_get::<_, Value>(i))
                        .collect::<Result<_, _>>()?;
                    if !visit(Row(values))? {
                        break;
                    }
                }
                Ok(())
            }
        }
    }
}

fn borrow<'a>(pg: &'a RefCell<PgConn>) -> anyhow::Result<std::cell::RefMut<'a, PgConn>> {
    pg.try_borrow_mut().map_err(|_| {
        anyhow::anyhow!(
            "internal error: a PostgreSQL statement was run while another's rows were being read"
        )
    })
}

fn pg_args(args: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    args.iter().map(|v| v as &(dyn postgres::types::ToSql + Sync)).collect()
}

/// Parameters with the types their values have: the schema's integers are BIGINT, and
/// a NULL is left for the server to type from where it stands.
fn typed_args(
    args: &[Value],
) -> Vec<(&(dyn postgres::types::ToSql + Sync), postgres::types::Type)> {
    use postgres::types::Type;
    args.iter()
        .map(|v| {
            let ty = match v {
                Value::Null => Type::UNKNOWN,
                Value::Int(_) => Type::INT8,
                Value::Text(_) => Type::TEXT,
                Value::Blob(_) => Type::BYTEA,
            };
            (v as &(dyn postgres::types::ToSql + Sync), ty)
        })
        .collect()
}

/// `?1` → `$1`, outside quoted text. Every statement here numbers its placeholders.
pub fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            (None, '?') => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

impl From<rusqlite::types::ValueRef<'_>> for Value {
    fn from(v: rusqlite::types::ValueRef<'_>) -> Value {
        use rusqlite::types::ValueRef;
        match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Int(i),
            // No column of ours holds a real; one that does is shown, not lost.
            ValueRef::Real(f) => Value::Text(f.to_string()),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

mod pg_types {
    use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

    use super::Value;

    type BoxError = Box<dyn std::error::Error + Sync + Send>;

    /// Encoded as the type the server asks for: the schema's integers are BIGINT and
    /// its flags SMALLINT, but a parameter compared with an expression may be typed
    /// otherwise by the server.
    impl ToSql for Value {
        fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
            match self {
                Value::Null => Ok(IsNull::Yes),
                Value::Int(i) => match *ty {
                    Type::INT8 => i.to_sql(ty, out),
                    Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                    Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                    Type::BOOL => (*i != 0).to_sql(ty, out),
                    Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                    _ => Err(format!("an integer cannot be sent as {ty}").into()),
                },
                Value::Text(t) => t.as_str().to_sql(ty, out),
                Value::Blob(b) => b.as_slice().to_sql(ty, out),
            }
        }

        fn accepts(_: &Type) -> bool {
            true
        }

        to_sql_checked!();
    }

    impl<'a> FromSql<'a> for Value {
        fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
            Ok(match *ty {
                Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
                Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
                Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
                Type::BOOL => Value::Int(bool::from_sql(ty, raw)?.into()),
                Type::BYTEA => Value::Blob(<Vec<u8>>::from_sql(ty, raw)?),
                _ => Value::Text(String::from_sql(ty, raw)?),
            })
        }

        fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
            Ok(Value::Null)
        }

        fn accepts(ty: &Type) -> bool {
            matches!(*ty, Type::INT8 | Type::INT4 | Type::INT2 | Type::BOOL | Type::BYTEA)
                || <String as FromSql>::accepts(ty)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            dollar_placeholders("SELECT ?1, '?2', \"a?\" WHERE x = ?12"),
            "SELECT $1, '?2', \"a?\" WHERE x = $12"
        );
    }

    #[test]
    fn values_read_back_as_the_types_written() {
        assert_eq!(bool::from_value(Value::from(true)), Ok(true));
        assert_eq!(<Option<i64>>::from_value(Value::from(None::<i64>)), Ok(None));
        assert!(bool::from_value(Value::Int(2)).is_err());
        assert!(u32::from_value(Value::Int(-1)).is_err());
        assert!(String::from_value(Value::Int(1)).is_err());
    }
}

/// What a transaction is for, which decides how it begins on each engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionKind {
    /// Changes, one writer at a time: SQLite's write lock at once; on PostgreSQL the
    /// clinic row, the one write lock, taken first, so writers queue as on SQLite's
    /// and each then reads what the one before committed.
    Write,
    /// Reads that must agree with each other (one snapshot), writers going on.
    Snapshot,
    /// Making or upgrading a schema (the caller takes PostgreSQL's schema lock).
    Schema,
}

/// An open transaction that rolls back unless [`Transaction::commit`] is called: a
/// failure anywhere, by `?` or a panic, leaves nothing half done.
#[derive(Debug)]
pub struct Transaction<'a> {
    sql: Sql<'a>,
    open: bool,
}

impl<'a> Transaction<'a> {
    pub fn begin(sql: Sql<'a>, kind: TransactionKind) -> anyhow::Result<Transaction<'a>> {
        let begin = match (sql.engine(), kind) {
            (Engine::Sqlite, TransactionKind::Write | TransactionKind::Schema) => "BEGIN IMMEDIATE",
            (Engine::Sqlite, TransactionKind::Snapshot) => "BEGIN DEFERRED",
            (Engine::Postgres, TransactionKind::Write) => {
                "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT id FROM clinic WHERE id = 1 FOR UPDATE"
            }
            (Engine::Postgres, TransactionKind::Snapshot) => {
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            }
            (Engine::Postgres, TransactionKind::Schema) => "BEGIN",
        };
        sql.batch(begin).context("could not start a database transaction")?;
        Ok(Transaction { sql, open: true })
    }

    pub fn commit(mut self) -> anyhow::Result<()> {
        self.open = false;
        self.sql.batch("COMMIT").context("could not save the change to the database")
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.sql.batch("ROLLBACK");
        }
    }
}
