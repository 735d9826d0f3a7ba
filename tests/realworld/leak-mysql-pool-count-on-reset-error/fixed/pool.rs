use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

pub struct Conn {
    alive: bool,
}

#[derive(Debug)]
pub enum Error {
    Io,
    Timeout,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Conn {
    pub fn ping(&mut self) -> bool {
        self.alive
    }
    /// Reconnects in place; fails when the server is gone.
    pub fn reset(&mut self) -> Result<()> {
        Err(Error::Io)
    }
}

struct InnerPool {
    pool: VecDeque<Conn>,
}

impl InnerPool {
    fn new_conn(&mut self) -> Result<()> {
        self.pool.push_back(Conn { alive: true });
        Ok(())
    }
}

/// `count` is the number of connections the pool has created and not yet
/// destroyed: a connection taken out must come back (through `PooledConn`'s
/// Drop) or be counted out with `fetch_sub`.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<(Mutex<InnerPool>, Condvar)>,
    max: Arc<AtomicUsize>,
    count: Arc<AtomicUsize>,
    check_health: bool,
}

pub struct PooledConn {
    pool: Pool,
    conn: Option<Conn>,
}

impl Drop for PooledConn {
    fn drop(&mut self) {
        if self.pool.count.load(Ordering::Relaxed) > self.pool.max.load(Ordering::Relaxed)
            || self.conn.is_none()
        {
            self.pool.count.fetch_sub(1, Ordering::SeqCst);
        } else {
            let mut pool = (self.pool.inner).0.lock().unwrap();
            pool.pool.push_back(self.conn.take().unwrap());
            drop(pool);
            (self.pool.inner).1.notify_one();
        }
    }
}

impl Pool {
    fn _get_conn(&self, call_ping: bool) -> Result<PooledConn> {
        let (inner_pool, condvar) = &*self.inner;

        let mut conn = {
            let mut pool = inner_pool.lock().unwrap();
            loop {
                if let Some(conn) = pool.pool.pop_front() {
                    drop(pool);
                    break conn;
                } else if self.count.load(Ordering::Relaxed) < self.max.load(Ordering::Relaxed) {
                    pool.new_conn()?;
                    self.count.fetch_add(1, Ordering::SeqCst);
                } else {
                    pool = condvar.wait(pool).unwrap();
                }
            }
        };

        if call_ping && self.check_health && !conn.ping() {
            if let Err(err) = conn.reset() {
                self.count.fetch_sub(1, Ordering::SeqCst);
                return Err(err);
            }
        }

        Ok(PooledConn {
            pool: self.clone(),
            conn: Some(conn),
        })
    }

    pub fn get_conn(&self) -> Result<PooledConn> {
        self._get_conn(true)
    }

    pub fn try_get_conn(&self) -> Result<PooledConn> {
        self._get_conn(true)
    }
}
