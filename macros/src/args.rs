//! Attribute arguments: `flag`, `key = "value"`, separated by commas.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

/// One argument as written.
pub struct Arg {
    pub key: Ident,
    pub value: Option<LitStr>,
}

/// Parse the arguments; a malformed list is one error at the bad token.
pub fn parse(tokens: TokenStream) -> syn::Result<Vec<Arg>> {
    let parser = |input: ParseStream| {
        let mut args = Vec::new();
        while !input.is_empty() {
            let key = Ident::parse_any(input)?;
            let value = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                Some(input.parse::<LitStr>()?)
            } else {
                None
            };
            args.push(Arg { key, value });
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    };
    parser.parse2(tokens)
}

/// What an attribute accepts.
pub struct Accepts {
    pub flags: &'static [&'static str],
    pub keys: &'static [&'static str],
}

/// The closest known name, for "did you mean".
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, k)| *d <= if k.len().max(word.len()) <= 3 { 1 } else { 2 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Check every argument against what the attribute accepts; one error per bad argument.
pub fn check(args: &[Arg], word: &str, accepts: &Accepts, errors: &mut Vec<syn::Error>) {
    let mut seen: Vec<String> = Vec::new();
    for arg in args {
        let key = arg.key.to_string();
        let is_flag = accepts.flags.contains(&key.as_str());
        let is_key = accepts.keys.contains(&key.as_str());
        if seen.contains(&key) {
            errors.push(syn::Error::new(
                arg.key.span(),
                format!("`{key}` is given twice"),
            ));
            continue;
        }
        seen.push(key.clone());
        match (is_flag, is_key, &arg.value) {
            (true, _, None) | (_, true, Some(_)) => {}
            (true, _, Some(v)) => errors.push(syn::Error::new(
                v.span(),
                format!("`{key}` is a flag and takes no value: write `{word}({key})`"),
            )),
            (_, true, None) => errors.push(syn::Error::new(
                arg.key.span(),
                format!("`{key}` needs a value: write `{key} = \"...\"`"),
            )),
            (false, false, _) => {
                let known = accepts.flags.iter().chain(accepts.keys).copied();
                let mut message = format!("unknown argument `{key}` for `{word}`");
                match closest(&key, known.clone()) {
                    Some(k) => message.push_str(&format!("; did you mean `{k}`?")),
                    None => {
                        let list: Vec<String> = known.map(|k| format!("`{k}`")).collect();
                        if list.is_empty() {
                            message.push_str(&format!("; `{word}` takes no arguments"));
                        } else {
                            message.push_str(&format!("; expected one of {}", list.join(", ")));
                        }
                    }
                }
                errors.push(syn::Error::new(arg.key.span(), message));
            }
        }
    }
}

pub fn value<'a>(args: &'a [Arg], key: &str) -> Option<&'a LitStr> {
    args.iter()
        .find(|a| a.key == key)
        .and_then(|a| a.value.as_ref())
}

pub fn flag(args: &[Arg], key: &str) -> Option<Span> {
    args.iter()
        .find(|a| a.key == key && a.value.is_none())
        .map(|a| a.key.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags_and_values() {
        let args = parse(quote::quote!(guard, pool = "bufs")).unwrap();
        assert_eq!(args.len(), 2);
        assert_eq!(args[0].key, "guard");
        assert_eq!(args[1].value.as_ref().unwrap().value(), "bufs");
        let args = parse(quote::quote!(self)).unwrap();
        assert_eq!(args[0].key, "self");
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("gaurd", ["guard", "pool"]), Some("guard"));
        assert_eq!(closest("xyz", ["guard", "pool"]), None);
    }
}
