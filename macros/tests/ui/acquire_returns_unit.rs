#![allow(unused)]
pub struct Pool;

impl Pool {
    #[poollint::acquire]
    pub fn warm_up(&self) {}
}

fn main() {}
