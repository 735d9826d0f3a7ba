//! Unit tests of the flow analysis on hand-built IR.

use super::*;
use crate::ir::*;

fn place(name: &str, kind: PlaceKind) -> Place {
    Place {
        name: name.into(),
        kind,
        parent: None,
        ty: None,
        borrowed: false,
    }
}

fn callee() -> Callee {
    Callee::bare("f", false)
}

/// `let buf = acquire(); if c { return; } release(buf);`
#[test]
fn early_return_leaks_and_release_path_does_not() {
    let span = |s| Span::new(s, s + 1);
    let body = Body {
        kind: BodyKind::Fn,
        name: "f".into(),
        fn_name: Some("f".into()),
        self_type: None,
        trait_name: None,
        span: span(0),
        line: 1,
        places: vec![
            place("<temp>", PlaceKind::Temp),
            place("buf", PlaceKind::Local),
            place("<temp>", PlaceKind::Temp),
        ],
        callees: vec![callee(), callee()],
        blocks: vec![
            Block {
                events: vec![
                    Event::Call {
                        call: 0,
                        recv: None,
                        args: vec![],
                        result: 0,
                        span: span(1),
                        more_results: Vec::new(),
                    },
                    Event::Move {
                        dest: 1,
                        src: 0,
                        span: span(1),
                    },
                ],
                succs: vec![1, 2],
            },
            Block {
                events: vec![Event::Exit {
                    kind: ExitKind::Return,
                    span: span(2),
                    drops: vec![1],
                }],
                succs: vec![3],
            },
            Block {
                events: vec![
                    Event::Call {
                        call: 1,
                        recv: None,
                        args: vec![Arg {
                            places: vec![(1, Mode::Move)],
                            span: span(3),
                            non_pointer: false,
                            value_of: None,
                        }],
                        result: 2,
                        span: span(3),
                        more_results: Vec::new(),
                    },
                    Event::Exit {
                        kind: ExitKind::End,
                        span: span(4),
                        drops: vec![1],
                    },
                ],
                succs: vec![3],
            },
            Block::default(),
        ],
        entry: 0,
        exit: 3,
        params: vec![],
        receiver: None,
        returns: None,
        returns_wrapped: false,
        type_args: Vec::new(),
        debug_only: Vec::new(),
        scope_guards: Vec::new(),
        later_results: Vec::new(),
    };
    let res = Resolution {
        calls: vec![
            CallEffect::Acquire(AcquireKind::raw()),
            CallEffect::Release {
                arg: ReleaseArg::Arg(0),
                resets: true,
                bounds: true,
            },
        ],
        ..Resolution::default()
    };
    let facts = analyze(&body, &res).unwrap();
    let leaks: Vec<_> = facts.leaks.iter().map(|l| l.span).collect();
    assert_eq!(leaks, vec![span(2)]);
    assert_eq!(facts.exit_states[0], HELD | RELEASED);
}
