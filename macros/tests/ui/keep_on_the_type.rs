#![allow(unused)]
#[poollint::pooled(keep)]
pub struct Msg {
    id: u64,
}

fn main() {}
