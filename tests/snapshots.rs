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
