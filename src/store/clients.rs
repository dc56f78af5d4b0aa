//! The applications allowed to call the sign-in service (see `domain::client`): a name
//! and the keyed hash of its token.

use anyhow::Context as _;

use crate::domain::client::{Client, ClientName, Token};
use crate::domain::time::Timestamp;
use crate::error::Error;
use crate::store::sql::args;
use crate::store::{Db, clinic};

/// Adds `name` with a new token, returned (the only time it is ever seen).
pub fn add(db: &Db<'_>, name: &ClientName, now: Timestamp) -> anyhow::Result<Token> {
    if exists(db, name)? {
        return Err(Error::Conflict(format!(
            "there is already a client named {name}: choose another name, or `clinic2fa client remove {name}` first (its application then needs the new token)"
        ))
        .into());
    }
    let token = Token::generate(name)?;
    let mac = token.mac(&clinic::lookup_key(db)?);
    db.execute(
        "INSERT INTO clients (name, token_mac, created_at) VALUES (?1, ?2, ?3)",
        args![name.as_str(), mac.as_slice(), now.unix()],
    )
    .with_context(|| format!("could not add the client {name}"))?;
    Ok(token)
}

fn exists(db: &Db<'_>, name: &ClientName) -> anyhow::Result<bool> {
    db.query_one("SELECT EXISTS (SELECT 1 FROM clients WHERE name = ?1)", args![name.as_str()])?
        .get(0)
}

/// Every client, by name.
pub fn list(db: &Db<'_>) -> anyhow::Result<Vec<Client>> {
    db.query_all("SELECT name, created_at FROM clients ORDER BY name", args![])?
        .iter()
        .map(|row| {
            Ok(Client {
                name: ClientName::parse(&row.get::<String>(0)?)
                    .map_err(|e| anyhow::anyhow!("a stored client's name: {e}"))?,
                created_at: Timestamp::from_unix(row.get(1)?),
            })
        })
        .collect()
}

/// Removes `name`; its token stops working at once. `false`: there was none.
pub fn remove(db: &Db<'_>, name: &ClientName) -> anyhow::Result<bool> {
    let removed = db
        .execute("DELETE FROM clients WHERE name = ?1", args![name.as_str()])
        .with_context(|| format!("could not remove the client {name}"))?;
    Ok(removed == 1)
}

/// The client a presented token belongs to: the row its name names, whose stored hash
/// it must match (compared in constant time). `None` for any token that is not one.
pub fn authenticate(db: &Db<'_>, token: &Token) -> anyhow::Result<Option<ClientName>> {
    let name = token.client();
    let row =
        db.query_opt("SELECT token_mac FROM clients WHERE name = ?1", args![name.as_str()])?;
    let Some(row) = row else { return Ok(None) };
    let stored: Vec<u8> = row.get(0)?;
    Ok(token.matches(&clinic::lookup_key(db)?, &stored).then_some(name))
}
