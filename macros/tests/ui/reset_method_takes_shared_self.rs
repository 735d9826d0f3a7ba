#![allow(unused)]
#[poollint::pooled(reset = "reset")]
pub struct Msg {
    body: Vec<u8>,
}

impl Msg {
    pub fn reset(&self) {}
}

fn main() {}
