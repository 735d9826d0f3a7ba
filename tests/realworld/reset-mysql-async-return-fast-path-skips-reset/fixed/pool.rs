// The pool: idle connections wait in `available`; connections coming back
// are handed to the recycler, which resets them.
use crate::conn::Conn;
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
        self.send_to_recycler(conn);
    }

    fn send_to_recycler(&self, conn: Conn) {
        if let Err(conn) = self.drop.send(Some(conn)) {
            drop(conn);
        }
    }
}
