use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures::lock::Mutex;

#[derive(Debug)]
pub enum Error {
    NoMoreConnections,
    Connection(String),
    Io(std::io::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug)]
pub struct Elapsed;

/// `Err(Elapsed)` when the future does not finish in time.
pub async fn timeout<F: std::future::Future>(_d: Duration, f: F) -> std::result::Result<F::Output, Elapsed> {
    Ok(f.await)
}

pub struct Connection {
    idle: bool,
}

impl Connection {
    pub async fn new(_addr: &str) -> Result<Connection> {
        Err(Error::Io(std::io::Error::other("connection refused")))
    }
    pub fn is_idle(&self) -> bool {
        self.idle
    }
    pub async fn close(&mut self) {}
}

struct IdleConnection(Connection);

/// `num_conns` counts every connection this queue has open, idle or lent
/// out: it is what keeps the queue under `capacity`.
struct QueueInternals {
    connections: VecDeque<IdleConnection>,
    num_conns: usize,
}

struct SharedQueue {
    internals: Mutex<QueueInternals>,
    capacity: usize,
    address: String,
}

#[derive(Clone)]
pub struct Queue(Arc<SharedQueue>);

pub struct PooledConnection {
    queue: Queue,
    conn: Option<Connection>,
}

impl Queue {
    pub async fn get(&self) -> Result<PooledConnection> {
        let mut internals = self.0.internals.lock().await;
        let connection;
        loop {
            if let Some(IdleConnection(mut conn)) = internals.connections.pop_front() {
                if conn.is_idle() {
                    internals.num_conns -= 1;
                    conn.close().await;
                    continue;
                }
                connection = conn;
                break;
            }

            if internals.num_conns >= self.0.capacity {
                return Err(Error::NoMoreConnections);
            }

            internals.num_conns += 1; //~ PL001

            // Free the lock while connecting.
            drop(internals);

            let conn = timeout(Duration::from_secs(5), Connection::new(&self.0.address)).await;

            if conn.is_err() {
                let mut internals = self.0.internals.lock().await;
                internals.num_conns -= 1;
                drop(internals);
                return Err(Error::Connection("Could not open network connection".to_string()));
            }

            let conn = conn.unwrap()?;

            connection = conn;
            break;
        }

        Ok(PooledConnection {
            queue: self.clone(),
            conn: Some(connection),
        })
    }

    pub async fn put_back(&self, mut conn: Connection) {
        let mut internals = self.0.internals.lock().await;
        if internals.num_conns < self.0.capacity {
            internals.connections.push_back(IdleConnection(conn));
        } else {
            conn.close().await;
            internals.num_conns -= 1;
        }
    }

    pub async fn drop_conn(&self, mut conn: Connection) {
        {
            let mut internals = self.0.internals.lock().await;
            internals.num_conns -= 1;
        }
        conn.close().await;
    }
}

pub struct ConnectionPool {
    queues: Vec<Queue>,
}

impl ConnectionPool {
    pub async fn get(&self) -> Result<PooledConnection> {
        self.queues[0].get().await
    }
}
