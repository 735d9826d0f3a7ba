// The recycler task: every connection sent to it is cleaned and, unless the
// user opted out, reset before it is made available again.
use crate::conn::{Conn, TxStatus};
use crate::pool::Inner;
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedReceiver;

pub struct Recycler {
    inner: Arc<Inner>,
    dropped: UnboundedReceiver<Option<Conn>>,
    reset: FuturesUnordered<futures_util::future::BoxFuture<'static, crate::conn::Result<Conn>>>,
}

impl Recycler {
    fn conn_return(&self, conn: Conn) {
        let mut exchange = self.inner.exchange.lock().unwrap();
        exchange.available.push_back(conn.into());
        if let Some(w) = exchange.waiting.pop() {
            w.wake();
        }
    }

    fn conn_decision(&mut self, conn: Conn) {
        if conn.inner.stream.is_none() || conn.inner.disconnected {
            drop(conn);
        } else if conn.inner.tx_status != TxStatus::None || conn.has_pending_result() {
            drop(conn);
        } else if conn.inner.reset_upon_returning_to_a_pool {
            self.reset.push(Box::pin(conn.reset_for_pool()));
        } else {
            self.conn_return(conn);
        }
    }

    pub async fn run(mut self) {
        loop {
            tokio::select! {
                Some(Some(conn)) = self.dropped.recv() => self.conn_decision(conn),
                Some(Ok(conn)) = self.reset.next() => self.conn_return(conn),
                else => break,
            }
        }
    }
}
