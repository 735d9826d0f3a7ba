#![allow(unused)]
pub struct Pool;

impl Pool {
    #[poollint::release(arg = "bf", pol = "x", self)]
    pub fn put(&self, buf: Vec<u8>) {}

    #[poollint::acquire(guard = "yes")]
    pub fn nothing(&self) {}
}

fn main() {}
