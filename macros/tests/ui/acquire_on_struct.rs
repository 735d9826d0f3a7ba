#![allow(unused)]
#[poollint::acquire]
pub struct Pool;

fn main() {}
