use std::cell::RefCell;
use std::collections::HashMap;
use std::mem::ManuallyDrop;
use std::rc::Rc;

#[derive(Debug, Clone, Copy)]
pub struct Span(pub u32, pub u32);

#[derive(Debug)]
pub struct CompileError {
    pub span: Span,
    pub message: &'static str,
}

impl CompileError {
    pub fn msg(span: &Span, message: &'static str) -> Self {
        CompileError {
            span: *span,
            message,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum IndexFnKind {
    None,
    Const,
    Async,
}

pub struct IndexScope {
    locals: HashMap<String, Span>,
}

pub struct IndexFunction {
    kind: IndexFnKind,
    has_await: bool,
}

pub struct IndexClosure {
    kind: IndexFnKind,
    do_move: bool,
    captures: Vec<String>,
    has_await: bool,
}

pub enum IndexScopeLevel {
    IndexScope(IndexScope),
    IndexFunction(IndexFunction),
    IndexClosure(IndexClosure),
}

pub struct Closure {
    pub kind: IndexFnKind,
    pub do_move: bool,
    pub captures: Vec<String>,
    pub has_await: bool,
}

pub struct Function {
    pub kind: IndexFnKind,
    pub has_await: bool,
}

/// One pushed level of the scope stack: it pops its level when dropped.
pub struct IndexScopeGuard {
    levels: Rc<RefCell<Vec<IndexScopeLevel>>>,
}

impl IndexScopeGuard {
    /// Pops the closure level and returns what it captured.
    pub fn into_closure(self, span: Span) -> Result<Closure, CompileError> {
        let this = ManuallyDrop::new(self); //~ PL004

        let level = this
            .levels
            .borrow_mut()
            .pop()
            .ok_or_else(|| CompileError::msg(&span, "missing scope"))?;

        match level {
            IndexScopeLevel::IndexClosure(closure) => Ok(Closure {
                kind: closure.kind,
                do_move: closure.do_move,
                captures: closure.captures,
                has_await: closure.has_await,
            }),
            _ => Err(CompileError::msg(&span, "expected closure")),
        }
    }

    /// Pops the function level and returns what the indexer learned of it.
    pub fn into_function(self, span: Span) -> Result<Function, CompileError> {
        let this = ManuallyDrop::new(self); //~ PL004

        let level = this
            .levels
            .borrow_mut()
            .pop()
            .ok_or_else(|| CompileError::msg(&span, "missing scope"))?;

        match level {
            IndexScopeLevel::IndexFunction(fun) => Ok(Function {
                kind: fun.kind,
                has_await: fun.has_await,
            }),
            _ => Err(CompileError::msg(&span, "expected function")),
        }
    }
}

impl Drop for IndexScopeGuard {
    fn drop(&mut self) {
        let exists = self.levels.borrow_mut().pop().is_some();
        debug_assert!(exists);
    }
}

pub struct IndexScopes {
    levels: Rc<RefCell<Vec<IndexScopeLevel>>>,
}

impl IndexScopes {
    pub fn push_function(&mut self, kind: IndexFnKind) -> IndexScopeGuard {
        self.levels
            .borrow_mut()
            .push(IndexScopeLevel::IndexFunction(IndexFunction {
                kind,
                has_await: false,
            }));
        IndexScopeGuard {
            levels: self.levels.clone(),
        }
    }

    pub fn push_closure(&mut self, kind: IndexFnKind, do_move: bool) -> IndexScopeGuard {
        self.levels
            .borrow_mut()
            .push(IndexScopeLevel::IndexClosure(IndexClosure {
                kind,
                do_move,
                captures: Vec::new(),
                has_await: false,
            }));
        IndexScopeGuard {
            levels: self.levels.clone(),
        }
    }

    pub fn push_scope(&mut self) -> IndexScopeGuard {
        self.levels
            .borrow_mut()
            .push(IndexScopeLevel::IndexScope(IndexScope {
                locals: HashMap::new(),
            }));
        IndexScopeGuard {
            levels: self.levels.clone(),
        }
    }
}
