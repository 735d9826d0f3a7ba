fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let t = std::time::Instant::now();
    let h = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            let f: syn::File = syn::parse_str(&text).unwrap();
            let t1 = std::time::Instant::now();
            let n = f.items.len();
            drop(f);
            (n, t1.elapsed())
        })
        .unwrap();
    let (n, drop_t) = h.join().unwrap();
    println!("{n} items, parse+drop {:?}, drop {:?}", t.elapsed(), drop_t);
}
