// Reduction of compio-driver's io_uring driver (sys/iour/mod.rs) and of the
// proactor's `cancel` (lib.rs), after the fix.
use std::io;

use crate::key::{ErasedKey, Key, OpCode};
use crate::uring::{AsyncCancel, CEntry, IoUring, SEntry};

pub struct Driver {
    inner: IoUring,
}

impl Driver {
    const CANCEL: u64 = u64::MAX;

    pub fn cancel<T>(&mut self, key: Key<T>) {
        unsafe {
            if self
                .inner
                .submission()
                .push(
                    &AsyncCancel::new(key.as_raw() as _)
                        .build()
                        .user_data(Self::CANCEL)
                        .into(),
                )
                .is_err()
            {
                eprintln!("could not push AsyncCancel entry");
            }
        }
    }

    pub fn push(&mut self, entry: SEntry, key: ErasedKey) -> io::Result<()> {
        let entry = entry.user_data(key.as_raw() as _);
        self.push_raw(entry)?; // if the push fails, the key drops here
        // The submission entry now owns this reference; the completion hands it
        // back through `create_entry`. A user of poollint marks the hand-off:
        key.into_raw(); // poollint: allow(PL004) -- owned by the submitted entry
        Ok(())
    }

    fn push_raw(&mut self, entry: SEntry) -> io::Result<()> {
        unsafe { self.inner.submission().push(&entry) }.map_err(|_| io::ErrorKind::Other.into())
    }

    pub fn poll_entries(&mut self, completed: &mut Vec<(ErasedKey, io::Result<usize>)>) {
        for entry in self.inner.completion() {
            match entry.user_data() {
                Self::CANCEL => {}
                _ => completed.push(create_entry(entry)),
            }
        }
    }
}

fn create_entry(cq_entry: CEntry) -> (ErasedKey, io::Result<usize>) {
    let result = cq_entry.result();
    let result = if result < 0 {
        Err(io::Error::from_raw_os_error(-result))
    } else {
        Ok(result as usize)
    };
    let key = unsafe { ErasedKey::from_raw(cq_entry.user_data() as _) };
    (key, result)
}

pub struct Proactor {
    driver: Driver,
}

impl Proactor {
    /// Cancel an operation with the pushed key (the runtime passes a clone of
    /// the key its future holds).
    pub fn cancel<T: OpCode>(&mut self, key: Key<T>) -> bool {
        key.set_cancelled();
        if key.has_result() {
            true
        } else {
            self.driver.cancel(key);
            false
        }
    }
}
