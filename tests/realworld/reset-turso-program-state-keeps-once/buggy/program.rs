// The execution state of a prepared statement. `reset` runs before the
// statement executes again (after `Statement::reset`, or when a cached
// statement is handed out again), so nothing of the last run may survive it.
use crate::types::*;
use parking_lot::RwLock;
use smallvec::SmallVec;
use std::sync::atomic::{AtomicI64, Ordering};

pub struct ProgramState {
    pub pc: InsnReference,
    cursors: Vec<Option<Cursor>>,
    registers: Vec<Register>,
    last_compare: Option<std::cmp::Ordering>,
    deferred_seeks: Vec<Option<(CursorID, CursorID)>>,
    /// Yield registers of the coroutines that have ended.
    ended_coroutine: Vec<u32>,
    /// Program counters of the `Once` instructions that already ran.
    once: SmallVec<[u32; 4]>,
    regex_cache: RegexCache,
    pub execution_state: ProgramExecutionState,
    seek_state: OpSeekState,
    pub n_change: AtomicI64,
    pub explain_state: RwLock<ExplainState>,
}

impl ProgramState {
    pub fn reset(&mut self, max_registers: Option<usize>, max_cursors: Option<usize>) { //~ PL007
        self.pc = 0;
        if let Some(max_cursors) = max_cursors {
            self.cursors.resize_with(max_cursors, || None);
            self.deferred_seeks.resize(max_cursors, None);
        }
        if let Some(max_registers) = max_registers {
            self.registers
                .resize_with(max_registers, || Register::Value(Value::Null));
        }
        // reset cursors as they can have cached information which will be
        // no longer relevant on next program execution
        self.cursors.iter_mut().for_each(|c| {
            let _ = c.take();
        });
        self.registers
            .iter_mut()
            .for_each(|r| *r = Register::Value(Value::Null));
        self.last_compare = None;
        self.deferred_seeks.iter_mut().for_each(|s| *s = None);
        self.ended_coroutine.clear();
        // `once` is kept: on the next run every `Once` block is skipped, so a
        // scalar subquery evaluated "once" yields NULL the second time
        self.regex_cache.like.clear();
        self.execution_state = ProgramExecutionState::Init;
        self.seek_state = OpSeekState::Start;
        self.n_change.store(0, Ordering::SeqCst);
        *self.explain_state.write() = ExplainState::default();
    }

    /// `Once`: run the instructions after it only on the first pass of this
    /// execution, jump over them afterwards.
    pub fn op_once(&mut self, pc: InsnReference, target_pc: InsnReference) {
        if self.once.contains(&pc) {
            self.pc = target_pc;
        } else {
            self.once.push(pc);
            self.pc += 1;
        }
    }
}
