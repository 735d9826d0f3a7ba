// A MySQL connection. A pooled one remembers its pool and goes back to it
// when dropped; its server-side session (variables, temporary tables, the
// prepared-statement cache) must be reset before another user gets it.
use crate::pool::Pool;
use std::collections::HashMap;

#[derive(PartialEq, Eq, Clone, Copy)]
pub enum TxStatus {
    None,
    InTransaction,
}

pub struct ConnInner {
    pub stream: Option<Vec<u8>>,
    pub disconnected: bool,
    pub tx_status: TxStatus,
    pub pool: Option<Pool>,
    pub reset_upon_returning_to_a_pool: bool,
    pub stmt_cache: HashMap<String, u32>,
    pub pending_result: bool,
}

pub struct Conn {
    pub inner: Box<ConnInner>,
}

pub type Result<T> = std::result::Result<T, String>;

impl Conn {
    pub fn expired(&self) -> bool {
        false
    }

    pub fn has_pending_result(&self) -> bool {
        self.inner.pending_result
    }

    fn take(&mut self) -> Conn {
        Conn {
            inner: std::mem::replace(&mut self.inner, Box::new(empty_inner())),
        }
    }

    /// COM_RESET_CONNECTION: drops session state on the server.
    pub async fn reset(&mut self) -> Result<bool> {
        self.inner.stmt_cache.clear();
        Ok(true)
    }

    /// Resets the session before the connection is reused from the pool.
    pub async fn reset_for_pool(mut self) -> Result<Self> {
        if !self.reset().await? {
            self.change_user().await?;
        }
        Ok(self)
    }

    async fn change_user(&mut self) -> Result<()> {
        self.inner.stmt_cache.clear();
        Ok(())
    }
}

fn empty_inner() -> ConnInner {
    ConnInner {
        stream: None,
        disconnected: true,
        tx_status: TxStatus::None,
        pool: None,
        reset_upon_returning_to_a_pool: false,
        stmt_cache: HashMap::new(),
        pending_result: false,
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(mut pool) = self.inner.pool.take() {
            pool.return_conn(self.take());
        }
    }
}
