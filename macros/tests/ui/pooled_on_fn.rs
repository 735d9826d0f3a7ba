#![allow(unused)]
#[poollint::pooled]
pub fn make() -> Vec<u8> {
    Vec::new()
}

fn main() {}
