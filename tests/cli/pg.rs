//! The PostgreSQL server the suite runs against when one is given: a database of its
//! own for each test, dropped after it. `CLINIC2FA_TEST_POSTGRES` is a URL of a role
//! that may create databases (`tests/postgres/start.sh` starts such a server).

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

/// The test server, as `CLINIC2FA_TEST_POSTGRES` names it.
#[derive(Clone)]
pub struct Server {
    host: String,
    port: u16,
    user: String,
    password: String,
}

impl Server {
    pub fn from_env() -> Option<Server> {
        let url = std::env::var("CLINIC2FA_TEST_POSTGRES").ok().filter(|u| !u.is_empty())?;
        let config = postgres::Config::from_str(&url).expect("CLINIC2FA_TEST_POSTGRES is a URL");
        let host = match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            _ => panic!("CLINIC2FA_TEST_POSTGRES must name a TCP host"),
        };
        Some(Server {
            host,
            port: config.get_ports().first().copied().unwrap_or(5432),
            user: config.get_user().expect("a user in CLINIC2FA_TEST_POSTGRES").to_owned(),
            password: String::from_utf8(config.get_password().unwrap_or_default().to_vec())
                .unwrap(),
        })
    }

    /// The server's address, `host:port`.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn connect(&self, database: &str) -> postgres::Client {
        postgres::Config::new()
            .host(&self.host)
            .port(self.port)
            .user(&self.user)
            .password(&self.password)
            .dbname(database)
            .connect(postgres::NoTls)
            .unwrap_or_else(|e| panic!("connecting to the test server's {database}: {e}"))
    }

    /// A new, empty database of this test's own.
    pub fn database(&self) -> Database {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        // Apart from databases a killed run left behind.
        let stamp = getrandom::u32().expect("random");
        let name =
            format!("c2f_{}_{}_{stamp}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
        self.connect("postgres")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("CREATE DATABASE");
        Database { server: self.clone(), name, owner: true }
    }
}

/// One test's database, dropped when the test ends (a clone only names it).
pub struct Database {
    server: Server,
    name: String,
    owner: bool,
}

impl Clone for Database {
    fn clone(&self) -> Database {
        Database { server: self.server.clone(), name: self.name.clone(), owner: false }
    }
}

impl Database {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL the binary is given; the password travels in `PGPASSWORD`.
    pub fn url(&self) -> String {
        format!("postgres://{}@{}/{}", self.server.user, self.server.address(), self.name)
    }

    pub fn password(&self) -> &str {
        &self.server.password
    }

    pub fn client(&self) -> postgres::Client {
        self.server.connect(&self.name)
    }

    pub fn query_one<T: for<'a> postgres::types::FromSql<'a>>(&self, sql: &str) -> T {
        self.client().query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
    }

    /// Everything stored, as an insider's dump would show it: each row as text, and
    /// the raw bytes of every binary column.
    pub fn stored_bytes(&self) -> Vec<u8> {
        let mut client = self.client();
        let mut bytes = Vec::new();
        let tables = client
            .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'", &[])
            .unwrap();
        for table in tables.iter().map(|r| r.get::<_, String>(0)) {
            for row in client.query(&format!("SELECT t::text FROM {table} t"), &[]).unwrap() {
                bytes.extend(row.get::<_, String>(0).into_bytes());
            }
            let binary = client
                .query(
                    "SELECT column_name::text FROM information_schema.columns WHERE table_name = $1 AND data_type = 'bytea'",
                    &[&table],
                )
                .unwrap();
            for column in binary.iter().map(|r| r.get::<_, String>(0)) {
                for row in client.query(&format!("SELECT {column} FROM {table}"), &[]).unwrap() {
                    bytes.extend(row.get::<_, Option<Vec<u8>>>(0).unwrap_or_default());
                }
            }
        }
        bytes
    }

    pub fn execute(&self, sql: &str) {
        self.client().batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Runs `sql` from the server's `postgres` database: for what cannot run inside
    /// this one (closing it to connections, ending its sessions).
    pub fn execute_outside(&self, sql: &str) {
        self.server.connect("postgres").batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if !self.owner {
            return;
        }
        let _ = self
            .server
            .connect("postgres")
            .batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

/// A query written for SQLite, in PostgreSQL's words.
pub fn dialect(query: &str) -> String {
    // The server checks its own pages; there is no file to check.
    let mut out =
        query.replace("PRAGMA integrity_check", "SELECT 'ok'::text").replace("char(", "chr(");
    while let Some(start) = out.find("group_concat(") {
        let open = start + "group_concat(".len();
        let close = open + out[open..].find(')').expect("group_concat(...)");
        let inner = out[open..close].to_owned();
        let replaced = if inner.contains(',') {
            format!("string_agg({inner})")
        } else {
            format!("string_agg({inner}, ',')")
        };
        out.replace_range(start..=close, &replaced);
    }
    out
}
