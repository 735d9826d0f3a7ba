use crate::index_scopes::{CompileError, IndexFnKind, IndexScopes, Span};

pub struct Indexer {
    pub scopes: IndexScopes,
}

pub struct ExprClosure {
    pub span: Span,
    pub is_async: bool,
    pub is_move: bool,
    pub body: Vec<u32>,
}

impl Indexer {
    fn index_body(&mut self, _body: &[u32]) -> Result<(), CompileError> {
        Ok(())
    }

    /// Indexes a closure in a level of its own, then reads what it captured.
    pub fn index_closure(&mut self, closure: &ExprClosure) -> Result<Vec<String>, CompileError> {
        let kind = if closure.is_async {
            IndexFnKind::Async
        } else {
            IndexFnKind::None
        };
        let guard = self.scopes.push_closure(kind, closure.is_move);
        self.index_body(&closure.body)?;
        let c = guard.into_closure(closure.span)?;
        Ok(c.captures)
    }
}
