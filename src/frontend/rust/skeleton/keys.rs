//! The keys of a blanked body, taken from its tokens.

use super::lexer::{Tok, Tokens};
use crate::store::Key;

/// The keys of a blanked body (`text` is the body's inside), as
/// `scan::BodyScan` would take them from its syntax tree, and more: every
/// identifier may be a call's name and a type argument, and one after `::`
/// is qualified by every identifier of the path before it (`Self` read as
/// `self_type`). In a `Drop::drop` (`in_drop`) every identifier, tuple field
/// and compound operator is keyed as `Key::InDrop` too.
pub fn body_keys(text: &str, self_type: Option<&str>, in_drop: bool, keys: &mut Vec<u32>) {
    let mut seen: Vec<Tok> = Vec::new();
    for token in Tokens::new(text) {
        // The body lexed when the skeleton was made.
        let Ok((_, token)) = token else { break };
        match token {
            Tok::Ident(start, end, _) => {
                let name = &text[start..end];
                keys.extend(Key::call_hashes(&name, true).into_iter().flatten());
                if in_drop {
                    keys.push(Key::InDrop(name).hash());
                }
                keys.push(Key::type_arg_hash(&name));
                if let [.., Tok::Punct(b':'), Tok::Punct(b':')] = seen[..] {
                    keys.push(Key::qualified_any_hash(&name));
                    qualifiers(text, &seen[..seen.len() - 2], self_type, name, keys);
                }
            }
            // A tuple field (`t.0 += 1`, `t.0.1`): a claim may be on it.
            Tok::Number(start, end) if seen.last() == Some(&Tok::Punct(b'.')) => {
                for field in text[start..end].split('.') {
                    keys.push(Key::ClaimsOn(field).hash());
                    if in_drop {
                        keys.push(Key::InDrop(field).hash());
                    }
                }
            }
            Tok::Punct(b'=') => {
                let op = match seen.last() {
                    Some(Tok::Punct(b'+')) => "+=",
                    Some(Tok::Punct(b'-')) => "-=",
                    _ => "",
                };
                if !op.is_empty() {
                    keys.extend([Key::Calls(op).hash(), Key::CallsUnqualified(op).hash()]);
                    if in_drop {
                        keys.push(Key::InDrop(op).hash());
                    }
                }
            }
            _ => {}
        }
        seen.push(token);
    }
}

/// `name` after `::`: qualified by each identifier of the path before it, up
/// to the start of its statement or block (`a::b::<T>::name`, `<T as
/// Trait>::name`: whichever segment lowering takes, it is among them).
fn qualifiers(
    text: &str,
    before: &[Tok],
    self_type: Option<&str>,
    name: &str,
    keys: &mut Vec<u32>,
) {
    for token in before.iter().rev().take(32) {
        match *token {
            Tok::Ident(start, end, _) => {
                let qualifier = &text[start..end];
                keys.push(match self_type {
                    Some(ty) if qualifier == "Self" => Key::qualified_hash(&ty, &name),
                    _ => Key::qualified_hash(&qualifier, &name),
                });
            }
            Tok::Punct(b';') | Tok::Open(b'{') | Tok::Close(b'}') => break,
            _ => {}
        }
    }
}
