// Stand-ins for the VDBE's registers, cursors and per-opcode state machines.
use std::collections::HashMap;

pub type InsnReference = u32;
pub type CursorID = usize;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
}

pub enum Register {
    Value(Value),
    Record(Vec<u8>),
}

pub struct Cursor {
    pub root_page: u64,
}

#[derive(Default)]
pub struct RegexCache {
    pub like: HashMap<String, String>,
}

pub enum ProgramExecutionState {
    Init,
    Run,
    Done,
}

pub enum OpSeekState {
    Start,
    Seeking(u64),
}

#[derive(Default)]
pub struct ExplainState {
    pub rows_emitted: u64,
}
