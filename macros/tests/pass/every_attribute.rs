// Every attribute, in the path form and the imported form; the program runs.
use std::sync::Mutex;

mod imported {
    use poollint::{acquire, detach, guard, pooled, release, reset};

    #[pooled(reset = "clear_all")]
    #[derive(Default, Debug)]
    pub struct Msg {
        pub body: Vec<u8>,
        #[pooled(keep)]
        pub id: u64,
    }

    impl Msg {
        #[reset]
        pub fn clear_all(&mut self) {
            self.body.clear();
        }

        #[release(self)]
        pub fn recycle(self, pool: &MsgPool) {
            pool.give(self);
        }
    }

    #[derive(Default)]
    pub struct MsgPool {
        free: std::sync::Mutex<Vec<Msg>>,
    }

    #[guard]
    pub struct MsgGuard<'a> {
        pool: &'a MsgPool,
        msg: Option<Msg>,
    }

    impl Drop for MsgGuard<'_> {
        fn drop(&mut self) {
            if let Some(m) = self.msg.take() {
                self.pool.give(m);
            }
        }
    }

    impl MsgGuard<'_> {
        #[detach]
        pub fn detach(mut self) -> Msg {
            self.msg.take().unwrap_or_default()
        }
    }

    impl MsgPool {
        #[acquire]
        pub fn take_one(&self) -> Msg {
            self.free.lock().unwrap().pop().unwrap_or_default()
        }

        #[acquire(guard)]
        pub fn pull(&self) -> MsgGuard<'_> {
            MsgGuard { pool: self, msg: Some(self.take_one()) }
        }

        #[release(arg = "msg")]
        pub fn give(&self, mut msg: Msg) {
            msg.clear_all();
            self.free.lock().unwrap().push(msg);
        }
    }
}

#[poollint::pooled(reset = "reset", pool = "bufs")]
#[derive(Default)]
pub struct Buf<T: Default> {
    data: Vec<T>,
    #[pooled(keep)]
    generation: u32,
}

impl<T: Default> Buf<T> {
    #[poollint::reset]
    pub fn reset(&mut self) {
        self.data.clear();
    }
}

pub trait Pool {
    #[poollint::acquire(pool = "bufs")]
    fn get(&self) -> Buf<u8>;

    #[poollint::release(pool = "bufs")]
    fn put(&self, buf: Buf<u8>);
}

#[derive(Default)]
pub struct BufPool {
    free: Mutex<Vec<Buf<u8>>>,
}

impl Pool for BufPool {
    fn get(&self) -> Buf<u8> {
        self.free.lock().unwrap().pop().unwrap_or_default()
    }

    fn put(&self, mut buf: Buf<u8>) {
        buf.reset();
        buf.generation += 1;
        self.free.lock().unwrap().push(buf);
    }
}

#[poollint::guard(pool = "bufs")]
pub struct Lease<'a> {
    pool: &'a BufPool,
}

#[poollint::detach]
pub fn unwrap_lease(lease: Lease<'_>) -> Buf<u8> {
    lease.pool.get()
}

fn main() {
    let pool = BufPool::default();
    let mut buf = pool.get();
    buf.data.push(1);
    pool.put(buf);
    let again = pool.get();
    assert!(again.data.is_empty());
    assert_eq!(again.generation, 1);
    pool.put(again);

    let msgs = imported::MsgPool::default();
    let m = msgs.take_one();
    m.recycle(&msgs);
    let g = msgs.pull();
    let raw = g.detach();
    msgs.give(raw);
    pool.put(unwrap_lease(Lease { pool: &pool }));
}
