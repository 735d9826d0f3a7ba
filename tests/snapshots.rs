//! Snapshots of the human rendering: they guard the wording of each rule's
//! message, labels, help and notes.

use poollint_core::config::Config;
use poollint_core::engine::{self, InputFile};
use poollint_core::report::human::render_plain;

fn render(name: &str, source: &str) -> String {
    let inputs = vec![InputFile {
        path: name.into(),
        name: name.into(),
        reported: true,
        text: Some(source.to_string()),
        krate: None,
    }];
    let outcome = engine::run(inputs, &Config::default());
    outcome
        .diagnostics
        .iter()
        .map(|d| render_plain(d, &outcome.files))
        .collect::<Vec<_>>()
        .join("\n")
}

const POOL: &str = r#"pub struct BufPool;
impl BufPool {
    #[poollint::acquire]
    pub fn get(&self) -> Vec<u8> { Vec::new() }
    #[poollint::release]
    pub fn put(&self, buf: Vec<u8>) {}
}
"#;

#[test]
fn pl001_question_mark_and_continue() {
    let src = format!(
        "{POOL}
fn pump(pool: &BufPool, socks: &mut [Sock]) -> Result<(), Error> {{
    for sock in socks {{
        let mut buf = pool.get();
        if sock.idle() {{
            continue;
        }}
        sock.read(&mut buf)?;
        pool.put(buf);
    }}
    Ok(())
}}
"
    );
    insta::assert_snapshot!(render("pump.rs", &src));
}

#[test]
fn pl002_pointer_after_release() {
    let src = format!(
        "{POOL}
fn first(pool: &BufPool) -> u8 {{
    let buf = pool.get();
    let p = buf.as_ptr();
    pool.put(buf);
    unsafe {{ *p }}
}}
"
    );
    insta::assert_snapshot!(render("first.rs", &src));
}

#[test]
fn pl003_field_and_local() {
    let src = r#"#[poollint::pooled]
pub struct Msg { body: Vec<u8> }
pub struct MsgPool;
impl MsgPool {
    #[poollint::acquire]
    pub fn get(&self) -> Msg { todo!() }
}
pub struct Conn { pool: MsgPool, pending: Option<Msg> }
impl Conn {
    fn reset(&mut self) {
        self.pending = None;
    }
    fn swap(&mut self) {
        let mut m = self.pool.get();
        m = self.pool.get();
        self.pending = Some(m);
    }
}
"#;
    insta::assert_snapshot!(render("conn.rs", src));
}

#[test]
fn pl000_syntax_error() {
    insta::assert_snapshot!(render("broken.rs", "fn ok() {}\nfn broken( {\n"));
}

#[test]
fn pl004_and_pl007() {
    let src = r#"#[poollint::pooled(reset = "reset")]
pub struct Vm { interrupted: bool, msg: Option<Vec<u8>>, #[pooled(keep)] id: u64 }
impl Vm {
    fn reset(&mut self) {
        self.interrupted = false;
    }
}
pub struct Pool;
impl Pool {
    #[poollint::acquire(guard)]
    pub fn lease(&self) -> Lease { Lease }
}
fn f(pool: &Pool) {
    let lease = pool.lease();
    std::mem::forget(lease);
}
"#;
    insta::assert_snapshot!(render("vm.rs", src));
}

#[test]
fn pl001_parked_in_a_returned_future() {
    let src = r#"pub struct Ids;
impl Ids {
    #[poollint::acquire]
    pub fn open_id(&self) -> Option<u64> { None }
}
pub struct Opening { recv: futures::channel::oneshot::Receiver<u64> }
impl std::future::Future for Opening {
    type Output = u64;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> { Poll::Pending }
}
impl Ids {
    pub fn open(&self) -> Opening {
        let (send, recv) = futures::channel::oneshot::channel();
        if let Some(id) = self.open_id() {
            let _ = send.send(id);
        }
        Opening { recv }
    }
}
"#;
    insta::assert_snapshot!(render("open.rs", src));
}

#[test]
fn pl001_taken_off_a_guards_free_list() {
    let src = r#"use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
pub struct Conn;
fn check(_: &Conn) -> Result<(), E> { Ok(()) }
struct Idle { conns: VecDeque<Conn> }
#[derive(Clone)]
pub struct Pool { idle: Arc<Mutex<Idle>>, count: Arc<AtomicUsize> }
pub struct PooledConn { pool: Pool, conn: Option<Conn> }
impl Drop for PooledConn {
    fn drop(&mut self) {
        match self.conn.take() {
            Some(c) => self.pool.idle.lock().unwrap().conns.push_back(c),
            None => { self.pool.count.fetch_sub(1, Ordering::SeqCst); }
        }
    }
}
impl Pool {
    #[poollint::acquire(guard)]
    pub fn get(&self) -> Result<PooledConn, E> {
        let conn = self.idle.lock().unwrap().conns.pop_front().ok_or(E)?;
        check(&conn)?;
        Ok(PooledConn { pool: self.clone(), conn: Some(conn) })
    }
}
"#;
    insta::assert_snapshot!(render("pool.rs", src));
}
