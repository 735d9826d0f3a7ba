use crate::lock::{ManifestUpdateLockGuard, PerManifestUpdateLock, VlobID};
use std::sync::{Arc, Mutex};

pub struct FolderManifest {
    pub parent: VlobID,
}

pub struct ViewCache {
    pub lock_update_manifests: PerManifestUpdateLock,
    pub manifests: Vec<(VlobID, Arc<FolderManifest>)>,
}

pub struct StoreData {
    current_view_cache: Mutex<ViewCache>,
}

impl StoreData {
    pub fn with_current_view_cache<T>(&self, f: impl FnOnce(&mut ViewCache) -> T) -> T {
        let mut cache = self.current_view_cache.lock().unwrap();
        f(&mut cache)
    }
}

pub struct WorkspaceStore {
    pub data: StoreData,
}

pub enum PopulateError {
    Offline,
    EntryNotFound,
    Internal(String),
}

pub enum IntoSyncConflictUpdaterError {
    ParentNotFound,
    WouldBlock,
    Offline,
    Internal(String),
}

async fn populate_cache_from_local_storage_or_server(
    _store: &WorkspaceStore,
    _id: VlobID,
) -> Result<Arc<FolderManifest>, PopulateError> {
    Err(PopulateError::Offline)
}

pub struct SyncUpdater<'a> {
    store: &'a WorkspaceStore,
    update_guard: Option<ManifestUpdateLockGuard>,
    child_parent: VlobID,
}

pub struct SyncConflictUpdater<'a> {
    pub store: &'a WorkspaceStore,
    pub update_guards: Option<(ManifestUpdateLockGuard, ManifestUpdateLockGuard)>,
}

impl<'a> SyncUpdater<'a> {
    /// Locks the parent too; on error the updater is handed back with the error.
    pub async fn into_sync_conflict_updater(
        mut self,
    ) -> Result<(SyncConflictUpdater<'a>, Arc<FolderManifest>), (Self, IntoSyncConflictUpdaterError)>
    {
        let parent_id = self.child_parent;

        let (parent_update_guard, parent_manifest) = 'get_lock_and_manifest: {
            enum Outcome {
                Populate(ManifestUpdateLockGuard),
                Cached((ManifestUpdateLockGuard, Arc<FolderManifest>)),
                WouldBlock,
            }

            let outcome = self.store.data.with_current_view_cache(|cache| {
                match cache.lock_update_manifests.try_take(parent_id) { //~ PL001
                    Some(guard) => {
                        let pos = cache.manifests.iter().position(|(id, _)| *id == parent_id);
                        match pos {
                            Some(pos) => Outcome::Cached((guard, cache.manifests.remove(pos).1)),
                            None => Outcome::Populate(guard),
                        }
                    }
                    None => Outcome::WouldBlock,
                }
            });
            let parent_update_guard = match outcome {
                Outcome::Cached((guard, manifest)) => break 'get_lock_and_manifest (guard, manifest),
                Outcome::Populate(guard) => guard,
                Outcome::WouldBlock => {
                    return Err((self, IntoSyncConflictUpdaterError::WouldBlock));
                }
            };

            // The guard must be released by hand on every error from here on.
            let parent_manifest =
                match populate_cache_from_local_storage_or_server(self.store, parent_id).await {
                    Ok(manifest) => manifest,
                    Err(err) => {
                        let err = match err {
                            PopulateError::Offline => IntoSyncConflictUpdaterError::Offline,
                            PopulateError::EntryNotFound => {
                                IntoSyncConflictUpdaterError::ParentNotFound
                            }
                            PopulateError::Internal(e) => IntoSyncConflictUpdaterError::Internal(e),
                        };
                        return Err((self, err));
                    }
                };
            (parent_update_guard, parent_manifest)
        };

        let child_update_guard = self.update_guard.take().expect("always present");
        let updater = SyncConflictUpdater {
            store: self.store,
            update_guards: Some((child_update_guard, parent_update_guard)),
        };
        Ok((updater, parent_manifest))
    }
}

impl Drop for SyncUpdater<'_> {
    fn drop(&mut self) {
        if let Some(guard) = self.update_guard.take() {
            self.store
                .data
                .with_current_view_cache(|cache| cache.lock_update_manifests.release(guard));
        }
    }
}
