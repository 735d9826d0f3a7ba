// The sync engine wraps a connection's WAL insert session: `begin` opens it,
// `end` closes it, and Drop closes a session still open (rolling it back).
use crate::connection::{Connection, Result, WalFrameInfo};
use std::sync::Arc;

pub struct WalSession {
    conn: Arc<Connection>,
    in_txn: bool,
}

unsafe impl Send for WalSession {}
unsafe impl Sync for WalSession {}

impl WalSession {
    pub fn new(conn: Arc<Connection>) -> Self {
        Self {
            conn,
            in_txn: false,
        }
    }

    pub fn conn(&self) -> &Arc<Connection> {
        &self.conn
    }

    pub fn begin(&mut self) -> Result<()> {
        assert!(!self.in_txn);
        self.conn.wal_insert_begin()?;
        self.in_txn = true;
        Ok(())
    }

    pub fn insert_at(&mut self, frame_no: u64, frame: &[u8]) -> Result<WalFrameInfo> {
        assert!(self.in_txn);
        let info = self.conn.wal_insert_frame(frame_no, frame)?;
        Ok(info)
    }

    pub fn end(&mut self, force_commit: bool) -> Result<()> {
        assert!(self.in_txn);
        let result = self.conn.wal_insert_end(force_commit);
        // Do not use `?` before clearing this flag: an error here can still
        // mean the WAL transaction was ended, so Drop must not retry cleanup.
        self.in_txn = false;
        result?;
        Ok(())
    }

    pub fn in_txn(&self) -> bool {
        self.in_txn
    }
}

impl Drop for WalSession {
    fn drop(&mut self) {
        if self.in_txn {
            let _ = self
                .end(false)
                .inspect_err(|e| eprintln!("failed to close WAL session: {}", e.0));
        }
    }
}
