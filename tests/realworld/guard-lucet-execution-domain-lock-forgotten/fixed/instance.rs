// Reduction of lucet-runtime-internals' instance.rs: the instance owns its kill
// state behind an `Arc`; kill switches hold only a `Weak` to it.
use std::sync::{Arc, Weak};

use crate::execution::{KillState, KillSwitch};

pub enum TerminationDetails {
    Remote,
}

pub struct Instance {
    pub(crate) kill_state: Arc<KillState>,
}

impl Instance {
    pub fn kill_switch(&self) -> KillSwitch {
        KillSwitch::new(Arc::downgrade(&self.kill_state))
    }

    pub fn reset(&mut self) {
        self.kill_state = Arc::new(KillState::default());
    }

    pub fn terminate(&mut self, details: TerminationDetails) -> ! {
        let _ = details;
        loop {}
    }
}

pub fn weak_count(state: &Weak<KillState>) -> usize {
    state.weak_count()
}
