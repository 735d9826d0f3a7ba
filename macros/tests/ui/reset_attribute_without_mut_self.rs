#![allow(unused)]
pub struct Msg {
    body: Vec<u8>,
}

impl Msg {
    #[poollint::reset]
    pub fn reset(&self) {}
}

fn main() {}
