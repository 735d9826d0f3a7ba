use crate::proto::{self, ConnectionError, Dir, StreamId};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

pub struct ConnectionInner {
    pub inner: proto::Connection,
    pub error: Option<ConnectionError>,
    uni_opening: Vec<Waker>,
}

pub type ConnectionRef = Arc<Mutex<ConnectionInner>>;

/// A stream being written: finishes the stream when dropped.
pub struct SendStream {
    conn: ConnectionRef,
    stream: StreamId,
    is_0rtt: bool,
}

impl SendStream {
    pub fn new(conn: ConnectionRef, stream: StreamId, is_0rtt: bool) -> Self {
        SendStream {
            conn,
            stream,
            is_0rtt,
        }
    }
}

impl Drop for SendStream {
    fn drop(&mut self) {
        let mut conn = self.conn.lock().unwrap();
        if conn.error.is_none() {
            let _ = conn.inner.finish(self.stream);
        }
    }
}

#[derive(Clone)]
pub struct Connection(ConnectionRef);

impl Connection {
    /// Starts opening a unidirectional stream; no ID is taken until the
    /// returned future completes.
    pub fn open_uni(&self) -> OpenUni {
        OpenUni {
            conn: self.0.clone(),
        }
    }
}

impl ConnectionInner {
    /// Called by the connection driver when the peer raised its stream limit.
    pub fn on_stream_available(&mut self) {
        for waker in self.uni_opening.drain(..) {
            waker.wake();
        }
    }
}

/// Takes a stream ID only in the poll that returns it inside a `SendStream`.
pub struct OpenUni {
    conn: ConnectionRef,
}

impl Future for OpenUni {
    type Output = Result<SendStream, ConnectionError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut conn = this.conn.lock().unwrap();
        if let Some(ref e) = conn.error {
            return Poll::Ready(Err(e.clone()));
        }
        if let Some(id) = conn.inner.open(Dir::Uni) {
            let is_0rtt = conn.inner.is_handshaking();
            drop(conn);
            return Poll::Ready(Ok(SendStream::new(this.conn.clone(), id, is_0rtt)));
        }
        conn.uni_opening.push(cx.waker().clone());
        Poll::Pending
    }
}
