// A caller: apply frames pulled from the remote inside one WAL session and
// commit it. When the commit fails the session is dropped with the error.
use crate::connection::{Connection, Result};
use crate::wal_session::WalSession;
use std::sync::Arc;

pub fn apply_frames(conn: Arc<Connection>, frames: &[(u64, Vec<u8>)]) -> Result<u32> {
    let mut session = WalSession::new(conn);
    session.begin()?;
    let mut db_size = 0;
    for (frame_no, frame) in frames {
        let info = session.insert_at(*frame_no, frame)?;
        db_size = info.db_size;
    }
    session.end(true)?;
    Ok(db_size)
}
