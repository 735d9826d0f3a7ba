use std::ffi::c_void;
use std::sync::{Arc, Weak};

#[derive(Clone, Debug)]
pub struct Limits {
    pub heap_address_space_size: usize,
    pub stack_size: usize,
    pub globals_size: usize,
    pub signal_stack_size: usize,
}

/// One instance's memory in a region: taken from the region's free list and
/// pushed back when its `Alloc` drops.
pub struct Slot {
    pub start: *mut c_void,
    pub heap: *mut c_void,
    pub stack: *mut c_void,
    pub globals: *mut c_void,
    pub sigstack: *mut c_void,
    pub limits: Limits,
    pub region: Weak<dyn RegionInternal>,
}

pub struct Alloc {
    pub heap_accessible_size: usize,
    pub heap_inaccessible_size: usize,
    pub slot: Option<Slot>,
    pub region: Arc<dyn RegionInternal>,
}

impl Drop for Alloc {
    fn drop(&mut self) {
        self.region.clone().drop_alloc(self);
    }
}

pub trait RegionInternal: Send + Sync {
    fn new_instance_with(
        &self,
        module: Arc<dyn Module>,
        embed_ctx: CtxMap,
    ) -> Result<InstanceHandle, Error>;
    fn drop_alloc(&self, alloc: &mut Alloc);
}

pub trait Region: RegionInternal {
    fn new_instance(&self, module: Arc<dyn Module>) -> Result<InstanceHandle, Error> {
        self.new_instance_with(module, CtxMap::default())
    }
}

pub trait Module: Send + Sync {
    fn validate_runtime_spec(&self, limits: &Limits) -> Result<(), Error>;
}

#[derive(Default)]
pub struct CtxMap;

pub struct InstanceHandle {
    pub alloc: Alloc,
}

#[derive(Debug)]
pub enum Error {
    RegionFull(usize),
    LimitsExceeded(String),
    Errno(i32),
}

pub fn new_instance_handle(
    _inst: *mut c_void,
    _module: Arc<dyn Module>,
    alloc: Alloc,
    _embed_ctx: CtxMap,
) -> Result<InstanceHandle, Error> {
    Ok(InstanceHandle { alloc })
}
