#![allow(unused)]
#[poollint::release(self)]
pub fn put(buf: Vec<u8>) {}

fn main() {}
