//! Recognising the `poollint` attribute vocabulary syntactically, in the path
//! form (`#[poollint::acquire]`) and the imported form (`use poollint::acquire;`
//! or `use poollint::*;`, then `#[acquire]`).

use std::collections::HashMap;
use syn::{Attribute, Item, UseTree};

pub const VOCABULARY: &[&str] = &["acquire", "release", "detach", "reset", "pooled", "guard"];

/// The names under which this file can use the attributes.
#[derive(Debug, Default)]
pub struct Imports {
    /// local name -> attribute name (`use poollint::acquire as take_one;`)
    names: HashMap<String, String>,
    glob: bool,
}

impl Imports {
    /// Collect `use poollint::...` items from the file (top level and inline modules).
    pub fn collect(items: &[Item]) -> Imports {
        let mut imports = Imports::default();
        for item in items {
            match item {
                Item::Use(u) => {
                    if let UseTree::Path(p) = &u.tree
                        && p.ident == "poollint"
                    {
                        imports.add_tree(&p.tree);
                    }
                }
                Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        let inner = Imports::collect(items);
                        imports.names.extend(inner.names);
                        imports.glob |= inner.glob;
                    }
                }
                _ => {}
            }
        }
        imports
    }

    fn add_tree(&mut self, tree: &UseTree) {
        match tree {
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                self.names.insert(name.clone(), name);
            }
            UseTree::Rename(r) => {
                self.names.insert(r.rename.to_string(), r.ident.to_string());
            }
            UseTree::Glob(_) => self.glob = true,
            UseTree::Group(g) => g.items.iter().for_each(|t| self.add_tree(t)),
            UseTree::Path(_) => {}
        }
    }

    /// The vocabulary word an attribute stands for, if it is one of ours.
    pub fn resolve(&self, attr: &Attribute) -> Option<&'static str> {
        let segs: Vec<String> = attr
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let word = match segs.as_slice() {
            [krate, word] if krate == "poollint" => word.as_str(),
            [local] => match self.names.get(local) {
                Some(word) => word.as_str(),
                None if self.glob => local.as_str(),
                None => return None,
            },
            _ => return None,
        };
        VOCABULARY.iter().copied().find(|w| *w == word)
    }
}

/// The arguments of one of our attributes; unknown or malformed ones are
/// ignored here (the proc-macro crate reports them as compile errors).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AttrArgs {
    pub guard: bool,
    pub keep: bool,
    pub receiver: bool,
    pub arg: Option<String>,
    pub reset: Option<String>,
    pub pool: Option<String>,
}

pub fn parse_args(attr: &Attribute) -> AttrArgs {
    let mut args = AttrArgs::default();
    if !matches!(attr.meta, syn::Meta::List(_)) {
        return args;
    }
    let _ = attr.parse_nested_meta(|meta| {
        let key = meta
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let value = || -> syn::Result<String> { Ok(meta.value()?.parse::<syn::LitStr>()?.value()) };
        match key.as_str() {
            "guard" => args.guard = true,
            "keep" => args.keep = true,
            "self" => args.receiver = true,
            "arg" => args.arg = Some(value()?),
            "reset" => args.reset = Some(value()?),
            "pool" => args.pool = Some(value()?),
            _ => {}
        }
        Ok(())
    });
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_imported_forms() {
        let file: syn::File = syn::parse_str(
            "use poollint::{acquire, release as give_back};\n#[acquire] fn a() {}\n#[give_back] fn b() {}\n#[poollint::reset] fn c() {}\n#[pooled] fn d() {}",
        )
        .unwrap();
        let imports = Imports::collect(&file.items);
        let words: Vec<_> = file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Fn(f) => f.attrs.first().map(|a| imports.resolve(a)),
                _ => None,
            })
            .collect();
        assert_eq!(
            words,
            vec![Some("acquire"), Some("release"), Some("reset"), None]
        );
    }

    #[test]
    fn arguments() {
        let attr: Attribute = syn::parse_quote!(#[poollint::release(arg = "buf", pool = "bufs")]);
        let args = parse_args(&attr);
        assert_eq!(args.arg.as_deref(), Some("buf"));
        assert_eq!(args.pool.as_deref(), Some("bufs"));
        let attr: Attribute = syn::parse_quote!(#[release(self)]);
        assert!(parse_args(&attr).receiver);
    }
}
