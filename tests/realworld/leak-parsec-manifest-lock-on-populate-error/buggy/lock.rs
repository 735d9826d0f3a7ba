// The lock table: taking a manifest's lock yields a guard that must be given
// back with `release` (its Drop only logs).

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VlobID(u128);

pub struct ManifestUpdateLockGuard {
    entry_id: VlobID,
    is_released: bool,
}

impl Drop for ManifestUpdateLockGuard {
    fn drop(&mut self) {
        if !self.is_released {
            eprintln!("guard dropped without being released");
        }
    }
}

pub struct PerManifestUpdateLock {
    taken: Vec<VlobID>,
}

impl PerManifestUpdateLock {
    pub fn try_take(&mut self, entry_id: VlobID) -> Option<ManifestUpdateLockGuard> {
        if self.taken.contains(&entry_id) {
            return None;
        }
        self.taken.push(entry_id);
        Some(ManifestUpdateLockGuard {
            entry_id,
            is_released: false,
        })
    }

    pub fn release(&mut self, mut guard: ManifestUpdateLockGuard) {
        self.taken.retain(|id| *id != guard.entry_id);
        guard.is_released = true;
    }
}
