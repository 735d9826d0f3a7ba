use crate::alloc::{
    new_instance_handle, Alloc, CtxMap, Error, InstanceHandle, Limits, Module, Region,
    RegionInternal,
};
use std::ffi::c_void;
use std::sync::{Arc, RwLock};

const PROT_READ_WRITE: i32 = 3;
const PROT_NONE: i32 = 0;

unsafe fn mprotect(_ptr: *mut c_void, _len: usize, _prot: i32) -> Result<(), Error> {
    Ok(())
}

pub struct MmapRegion {
    capacity: usize,
    freelist: RwLock<Vec<crate::alloc::Slot>>,
    limits: Limits,
}

impl Region for MmapRegion {}

impl RegionInternal for MmapRegion {
    fn new_instance_with(
        &self,
        module: Arc<dyn Module>,
        embed_ctx: CtxMap,
    ) -> Result<InstanceHandle, Error> {
        let slot = self.freelist.write().unwrap().pop().ok_or(Error::RegionFull(self.capacity))?; //~ PL001

        let limits = &slot.limits;
        module.validate_runtime_spec(limits)?;

        for (ptr, len) in [
            (slot.stack, limits.stack_size),
            (slot.globals, limits.globals_size),
            (slot.sigstack, limits.signal_stack_size),
        ]
        .iter()
        {
            unsafe { mprotect(*ptr, *len, PROT_READ_WRITE)? };
        }

        let inst_ptr = slot.start;
        let region = slot
            .region
            .upgrade()
            .expect("backing region of slot exists");
        let alloc = Alloc {
            heap_accessible_size: 0,
            heap_inaccessible_size: slot.limits.heap_address_space_size,
            slot: Some(slot),
            region,
        };

        // From here the `Alloc`'s Drop puts the slot back on the free list.
        let inst = new_instance_handle(inst_ptr, module, alloc, embed_ctx)?;
        Ok(inst)
    }

    fn drop_alloc(&self, alloc: &mut Alloc) {
        let slot = alloc.slot.take().expect("alloc has a slot until dropped");
        for (ptr, len) in [
            (slot.heap, alloc.heap_accessible_size),
            (slot.stack, slot.limits.stack_size),
        ]
        .iter()
        {
            unsafe { mprotect(*ptr, *len, PROT_NONE).expect("mprotect succeeds during drop") };
        }
        self.freelist.write().unwrap().push(slot);
    }
}
