#![allow(unused)]
#[poollint::guard]
pub struct Lease {
    #[pooled(keep)]
    id: u64,
}

fn main() {}
