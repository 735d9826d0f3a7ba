use core::cell::RefCell;

pub struct BlockingMutex<T>(T);

impl<T> BlockingMutex<T> {
    pub fn lock<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

pub struct AsyncMutex<T>(T);

impl<T> AsyncMutex<T> {
    pub async fn lock(&self) -> &T {
        &self.0
    }
}

pub struct BusState {
    addr_bitmap: BlockingMutex<RefCell<[u32; 4]>>,
    pub enum_lock: AsyncMutex<()>,
}

impl BusState {
    /// The next free device address, marked in use.
    pub fn alloc_address(&self) -> Option<u8> {
        self.addr_bitmap.lock(|b| {
            let mut b = b.borrow_mut();
            for addr in 1u8..=127 {
                let (word, bit) = ((addr / 32) as usize, addr % 32);
                if b[word] & (1 << bit) == 0 {
                    b[word] |= 1 << bit;
                    return Some(addr);
                }
            }
            None
        })
    }

    /// Marks `addr` free again.
    pub fn free_address(&self, addr: u8) {
        if (1..=127).contains(&addr) {
            self.addr_bitmap.lock(|b| {
                let (word, bit) = ((addr / 32) as usize, addr % 32);
                b.borrow_mut()[word] &= !(1 << bit);
            });
        }
    }
}
