use crate::proto::{self, ConnectionError, Dir, StreamId};
use futures::channel::oneshot;
use futures::FutureExt;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};

pub struct ConnectionInner {
    pub inner: proto::Connection,
    pub error: Option<ConnectionError>,
    uni_opening: VecDeque<oneshot::Sender<Result<(StreamId, bool), ConnectionError>>>,
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
    /// Starts opening a unidirectional stream; the returned future resolves to it.
    pub fn open_uni(&self) -> OpenUni {
        let (send, recv) = oneshot::channel();
        {
            let mut conn = self.0.lock().unwrap();
            if let Some(ref e) = conn.error {
                let _ = send.send(Err(e.clone()));
            } else if let Some(x) = conn.inner.open(Dir::Uni) { //~ PL001
                let is_0rtt = conn.inner.is_handshaking();
                let _ = send.send(Ok((x, is_0rtt)));
            } else {
                // Blocked by the peer's stream limit: the driver hands an ID
                // over when one becomes available.
                conn.uni_opening.push_back(send);
            }
        }
        OpenUni {
            recv,
            conn: self.0.clone(),
        }
    }
}

impl ConnectionInner {
    /// Called by the connection driver when the peer raised its stream limit.
    pub fn on_stream_available(&mut self) {
        while let Some(opening) = self.uni_opening.pop_front() {
            if let Some(id) = self.inner.open(Dir::Uni) { //~ PL001
                let _ = opening.send(Ok((id, self.inner.is_handshaking())));
            } else {
                self.uni_opening.push_front(opening);
                break;
            }
        }
    }
}

/// Resolves to the stream once an ID was handed over; dropping it before
/// then drops the ID with the channel.
pub struct OpenUni {
    recv: oneshot::Receiver<Result<(StreamId, bool), ConnectionError>>,
    conn: ConnectionRef,
}

impl Future for OpenUni {
    type Output = Result<SendStream, ConnectionError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match ready!(self.recv.poll_unpin(cx)) {
            Err(oneshot::Canceled) => unreachable!("the connection keeps the sender alive"),
            Ok(Err(e)) => Poll::Ready(Err(e)),
            Ok(Ok((stream, is_0rtt))) => {
                Poll::Ready(Ok(SendStream::new(self.conn.clone(), stream, is_0rtt)))
            }
        }
    }
}
