// HTTP/2 connections that can still open streams, shared between requests.
use crate::node::{ConnectionRef, PoolNode};
use parking_lot::RwLock;
use std::collections::HashMap;

pub struct InUsePool {
    pools: RwLock<HashMap<u64, PoolNode<ConnectionRef>>>,
}

impl InUsePool {
    pub fn insert(&self, reuse_hash: u64, conn: ConnectionRef) {
        {
            let pools = self.pools.read();
            if let Some(pool) = pools.get(&reuse_hash) {
                pool.insert(conn.id(), conn);
                return;
            }
        } // drop read lock

        let mut pools = self.pools.write();
        // Double-check: another thread may have inserted a node between
        // dropping the read lock and acquiring this write lock.
        if let Some(pool) = pools.get(&reuse_hash) {
            pool.insert(conn.id(), conn);
            return;
        }
        let pool = PoolNode::new();
        pool.insert(conn.id(), conn);
        pools.insert(reuse_hash, pool);
    }

    // retrieve a h2 conn ref to create a new stream; the caller puts it back
    // with `insert` if it can take more streams
    pub fn get(&self, reuse_hash: u64) -> Option<ConnectionRef> {
        let pools = self.pools.read();
        let pool = pools.get(&reuse_hash)?;
        let (id, _) = pool.get_any()?;
        pool.remove(id)
    }
}
