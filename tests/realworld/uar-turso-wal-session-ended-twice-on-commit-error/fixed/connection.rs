// The core connection: a WAL insert session is opened with
// `wal_insert_begin` and must be closed exactly once with `wal_insert_end`.
// `wal_insert_end(true)` commits; it can fail after the session was already
// ended (the commit's WAL write failed), and ending it again then touches a
// transaction that is gone.
pub struct LimboError(pub String);
pub type Result<T> = std::result::Result<T, LimboError>;

pub struct WalFrameInfo {
    pub page_no: u32,
    pub db_size: u32,
}

pub struct Connection {
    pub id: u64,
}

impl Connection {
    pub fn wal_insert_begin(&self) -> Result<()> {
        Ok(())
    }

    pub fn wal_insert_frame(&self, frame_no: u64, frame: &[u8]) -> Result<WalFrameInfo> {
        Ok(WalFrameInfo {
            page_no: frame_no as u32,
            db_size: frame.len() as u32,
        })
    }

    pub fn wal_insert_end(&self, force_commit: bool) -> Result<()> {
        if force_commit && self.id == 0 {
            return Err(LimboError("pwritev".into()));
        }
        Ok(())
    }
}
