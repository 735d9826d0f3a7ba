//! Print the pool IR of a file: `cargo run --example dump_ir -- FILE [FN]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: dump_ir FILE [FN]");
    let filter = args.next();
    let text = std::fs::read_to_string(&path).expect("read");
    use poollint_core::frontend::{Bodies, Language, parse_file};
    let language = Language::of_path(std::path::Path::new(&path)).unwrap_or_default();
    let facts = parse_file(language, &text, Bodies::Lower).expect("parse");
    if let Some(e) = &facts.syntax_error {
        println!("syntax error: {e:?}");
    }
    println!("items: {:#?}", facts.items);
    for body in facts.bodies {
        if filter
            .as_ref()
            .is_some_and(|f| !body.name.contains(f.as_str()))
        {
            continue;
        }
        println!(
            "== {} (entry {}, exit {})",
            body.name, body.entry, body.exit
        );
        for (i, p) in body.places.iter().enumerate() {
            let borrowed = if p.borrowed { " borrowed" } else { "" };
            match &p.ty {
                Some(ty) => println!("  place {i}: {} {:?}{borrowed} : {ty:?}", p.name, p.kind),
                None => println!("  place {i}: {} {:?}{borrowed}", p.name, p.kind),
            }
        }
        for (i, b) in body.blocks.iter().enumerate() {
            println!("  block {i} -> {:?}", b.succs);
            for ev in &b.events {
                println!("    {ev:?}");
            }
        }
    }
}
