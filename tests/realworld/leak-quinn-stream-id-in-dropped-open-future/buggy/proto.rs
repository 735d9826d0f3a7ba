// The protocol state machine (quinn-proto): stream IDs come from `open` and
// go back with `finish` or `reset`.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StreamId(pub u64);

#[derive(Clone, Copy, Debug)]
pub enum Dir {
    Uni,
    Bi,
}

#[derive(Clone, Debug)]
pub struct ConnectionError;

pub struct FinishError;

pub struct Connection {
    next_uni: u64,
    max_uni: u64,
    handshaking: bool,
}

impl Connection {
    /// The next stream ID, unless the peer's stream limit is reached.
    pub fn open(&mut self, _dir: Dir) -> Option<StreamId> {
        if self.next_uni == self.max_uni {
            return None;
        }
        self.next_uni += 1;
        Some(StreamId(self.next_uni - 1))
    }

    pub fn finish(&mut self, _id: StreamId) -> Result<(), FinishError> {
        Ok(())
    }

    pub fn reset(&mut self, _id: StreamId, _error_code: u32) {}

    pub fn is_handshaking(&self) -> bool {
        self.handshaking
    }
}
