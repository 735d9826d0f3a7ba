#![allow(unused)]
pub struct Pool;

impl Pool {
    #[poollint::release]
    pub fn flush(&self) {}
}

fn main() {}
