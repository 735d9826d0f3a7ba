// Reduction of lucet-runtime-internals' instance/execution.rs (after the fix).
use std::mem;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use crate::instance::{Instance, TerminationDetails};

#[derive(Debug)]
pub enum Domain {
    Pending,
    Guest,
    Hostcall,
    Terminated,
    Cancelled,
}

pub struct KillState {
    terminable: AtomicBool,
    execution_domain: Mutex<Domain>,
}

impl Default for KillState {
    fn default() -> Self {
        KillState {
            terminable: AtomicBool::new(true),
            execution_domain: Mutex::new(Domain::Pending),
        }
    }
}

pub enum KillError {
    Invalid,
    NotTerminable,
}

pub struct KillSwitch {
    state: Weak<KillState>,
}

impl KillSwitch {
    pub fn new(state: Weak<KillState>) -> Self {
        KillSwitch { state }
    }

    /// Holds the domain lock through all of its signalling, then lets it go.
    pub fn terminate(&self) -> Result<(), KillError> {
        let state = self.state.upgrade().ok_or(KillError::Invalid)?;
        if !state.terminable.swap(false, Ordering::SeqCst) {
            return Err(KillError::NotTerminable);
        }
        let mut execution_domain = state.execution_domain.lock().unwrap();
        let result = match *execution_domain {
            Domain::Guest | Domain::Hostcall => {
                *execution_domain = Domain::Terminated;
                Ok(())
            }
            Domain::Pending => {
                *execution_domain = Domain::Cancelled;
                Ok(())
            }
            Domain::Cancelled | Domain::Terminated => Err(KillError::NotTerminable),
        };
        mem::drop(execution_domain);
        result
    }
}

/// Called after the context switch into the guest.
pub unsafe extern "C" fn enter_guest_region(instance: *mut Instance) {
    let mut current_domain = (*instance).kill_state.execution_domain.lock().unwrap();
    match *current_domain {
        Domain::Pending => *current_domain = Domain::Guest,
        Domain::Guest | Domain::Hostcall | Domain::Terminated => {
            panic!("invalid state while entering a guest region");
        }
        Domain::Cancelled => {
            // `terminate` never returns, so the lock is let go first.
            mem::drop(current_domain);
            (*instance).terminate(TerminationDetails::Remote);
        }
    }
}

/// Called by the context backstop when the guest function returns.
pub unsafe extern "C" fn exit_guest_region(instance: *mut Instance) {
    let instance = instance.as_mut().expect("instance pointer cannot be null");
    let terminable = instance.kill_state.terminable.swap(false, Ordering::SeqCst);
    if !terminable {
        // a kill switch took the flag: wait for its signal
        #[allow(clippy::empty_loop)]
        loop {}
    } else {
        let current_domain = instance.kill_state.execution_domain.lock().unwrap();
        match *current_domain {
            Domain::Guest => {
                // Let the lock go, then reset the kill state so outstanding kill
                // switches go stale.
                mem::drop(current_domain);
                instance.kill_state = Arc::new(KillState::default());
            }
            ref domain @ Domain::Pending
            | ref domain @ Domain::Cancelled
            | ref domain @ Domain::Terminated
            | ref domain @ Domain::Hostcall => {
                panic!("invalid state {:?} while exiting a guest region", domain);
            }
        };
    }
}
