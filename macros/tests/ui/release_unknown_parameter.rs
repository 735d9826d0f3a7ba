#![allow(unused)]
pub struct Pool;

impl Pool {
    #[poollint::release(arg = "bufer")]
    pub fn put(&self, reason: &str, buffer: Vec<u8>) {}
}

fn main() {}
