// A pool node: the connections of one reuse hash, keyed by connection id.
use parking_lot::Mutex;
use std::collections::HashMap;

pub struct PoolNode<T> {
    conns: Mutex<HashMap<i32, T>>,
}

impl<T> PoolNode<T> {
    pub fn new() -> Self {
        PoolNode {
            conns: Mutex::new(HashMap::new()),
        }
    }

    pub fn insert(&self, id: i32, conn: T) {
        self.conns.lock().insert(id, conn);
    }

    pub fn get_any(&self) -> Option<(i32, T)>
    where
        T: Clone,
    {
        let conns = self.conns.lock();
        conns.iter().next().map(|(id, c)| (*id, c.clone()))
    }

    pub fn remove(&self, id: i32) -> Option<T> {
        self.conns.lock().remove(&id)
    }

    pub fn is_empty(&self) -> bool {
        self.conns.lock().is_empty()
    }
}

/// A multiplexed HTTP/2 connection shared by the streams opened on it.
#[derive(Clone)]
pub struct ConnectionRef {
    id: i32,
}

impl ConnectionRef {
    pub fn id(&self) -> i32 {
        self.id
    }
}
