#![allow(unused)]
pub struct Pool;

impl Pool {
    #[poollint::acquire(gaurd)]
    pub fn get(&self) -> Vec<u8> {
        Vec::new()
    }
}

fn main() {}
