// The pool: idle connections wait in `available`; connections coming back
// are handed to the recycler, which resets them.
use crate::conn::{Conn, TxStatus};
use std::collections::VecDeque;
use std::sync::{atomic, Arc, Mutex};
use std::task::Waker;
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;

pub struct IdlingConn {
    pub since: Instant,
    pub conn: Conn,
}

impl From<Conn> for IdlingConn {
    fn from(conn: Conn) -> Self {
        IdlingConn {
            since: Instant::now(),
            conn,
        }
    }
}

pub struct Exchange {
    pub available: VecDeque<IdlingConn>,
    pub waiting: Vec<Waker>,
}

pub struct Inner {
    pub close: atomic::AtomicBool,
    pub exchange: Mutex<Exchange>,
}

pub struct Pool {
    inner: Arc<Inner>,
    drop: UnboundedSender<Option<Conn>>,
    active_bound: usize,
}

impl Pool {
    pub async fn get_conn(&self) -> Result<Conn, String> {
        let mut exchange = self.inner.exchange.lock().unwrap();
        match exchange.available.pop_back() {
            Some(IdlingConn { conn, .. }) => Ok(conn),
            None => Err("no idle connection".to_string()),
        }
    }

    /// A way to return a connection taken from the pool.
    pub fn return_conn(&mut self, conn: Conn) {
        // NOTE: we're not in async context here, so we can't block;
        // any and all cleanup work _has_ to be done in the spawned recycler

        // fast-path for when the connection is immediately ready to be reused
        if conn.inner.stream.is_some()
            && !conn.inner.disconnected
            && !conn.expired()
            && conn.inner.tx_status == TxStatus::None
            && !conn.has_pending_result()
            && !self.inner.close.load(atomic::Ordering::Acquire)
        {
            let mut exchange = self.inner.exchange.lock().unwrap();
            if exchange.available.len() < self.active_bound {
                // skips the recycler, and with it `reset_for_pool`: the next
                // user gets this session's variables and statement cache
                exchange.available.push_back(conn.into()); //~ PL008
                if let Some(w) = exchange.waiting.pop() {
                    w.wake();
                }
                return;
            }
        }

        self.send_to_recycler(conn);
    }

    fn send_to_recycler(&self, conn: Conn) {
        if let Err(conn) = self.drop.send(Some(conn)) {
            drop(conn);
        }
    }
}
