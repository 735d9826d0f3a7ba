#![allow(unused)]
#[poollint::pooled(reset = "rest")]
pub struct Msg {
    body: Vec<u8>,
}

impl Msg {
    pub fn reset(&mut self) {
        self.body.clear();
    }
}

fn main() {}
