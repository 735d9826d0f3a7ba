use crate::bus::BusState;

pub struct Timer;

impl Timer {
    pub async fn after_millis(_ms: u64) {}
}

#[derive(Debug)]
pub enum PipeError {
    Timeout,
    Stall,
}

#[derive(Debug)]
pub enum HostError {
    PipeError(PipeError),
    Other,
}

#[derive(Debug)]
pub enum EnumerationError {
    NoPipe,
    InvalidDescriptor,
    ConfigBufferTooSmall(usize),
    Host(HostError),
}

impl From<HostError> for EnumerationError {
    fn from(e: HostError) -> Self {
        EnumerationError::Host(e)
    }
}

pub struct DeviceDescriptor {
    pub max_packet_size0: u8,
    pub vendor_id: u16,
}

pub struct ConfigurationDescriptor {
    pub total_len: u16,
    pub configuration_value: u8,
}

impl ConfigurationDescriptor {
    pub fn try_from_bytes(bytes: &[u8]) -> Result<Self, ()> {
        if bytes.len() < 9 {
            return Err(());
        }
        Ok(ConfigurationDescriptor {
            total_len: u16::from_le_bytes([bytes[2], bytes[3]]),
            configuration_value: bytes[5],
        })
    }
}

pub trait ControlPipe {
    async fn request_descriptor(&mut self) -> Result<DeviceDescriptor, HostError>;
    async fn device_set_address(&mut self, addr: u8) -> Result<(), HostError>;
    async fn control_in(&mut self, setup: &[u8], buf: &mut [u8]) -> Result<usize, HostError>;
    async fn control_out(&mut self, setup: &[u8], buf: &[u8]) -> Result<(), HostError>;
}

pub trait UsbHostAllocator {
    type Pipe: ControlPipe;
    fn alloc_pipe(&self, addr: u8, max_packet_size: u16) -> Result<Self::Pipe, ()>;
}

pub struct EnumerationInfo {
    pub device_address: u8,
    pub device_desc: DeviceDescriptor,
}

pub struct BusHandle<'d, A: UsbHostAllocator> {
    state: &'d BusState,
    alloc: A,
}

impl<'d, A: UsbHostAllocator> BusHandle<'d, A> {
    /// Gives the device on the default address a bus address and configures it.
    pub async fn enumerate(
        &self,
        config_buf: &mut [u8],
    ) -> Result<(EnumerationInfo, usize), EnumerationError> {
        let _enum_guard = self.state.enum_lock.lock().await;

        let addr = self.state.alloc_address().ok_or(EnumerationError::NoPipe)?; //~ PL001

        let mut ch = self.alloc.alloc_pipe(0, 8).map_err(|_| {
            self.state.free_address(addr);
            EnumerationError::NoPipe
        })?;

        let max_packet_size0 = {
            let mut max_retries = 10;
            loop {
                match ch.request_descriptor().await { //~ PL011
                    Ok(desc) => break desc.max_packet_size0,
                    Err(e) => {
                        if max_retries > 0 {
                            max_retries -= 1;
                            Timer::after_millis(1).await; //~ PL011
                            continue;
                        } else {
                            self.state.free_address(addr);
                            return Err(e.into());
                        }
                    }
                }
            }
        };
        if !matches!(max_packet_size0, 8 | 16 | 32 | 64) {
            self.state.free_address(addr);
            return Err(EnumerationError::InvalidDescriptor);
        }

        ch.device_set_address(addr).await?; //~ PL011
        Timer::after_millis(2).await; //~ PL011
        drop(ch);

        let mut ch = self
            .alloc
            .alloc_pipe(addr, max_packet_size0 as u16)
            .map_err(|_| {
                self.state.free_address(addr);
                EnumerationError::NoPipe
            })?;

        let dev_desc = async {
            for _ in 0..5 {
                match ch.request_descriptor().await {
                    Err(HostError::PipeError(PipeError::Timeout)) => {
                        Timer::after_millis(1).await;
                        continue;
                    }
                    v => return v,
                }
            }
            Err(HostError::PipeError(PipeError::Timeout))
        }
        .await?; //~ PL011

        let n = ch
            .control_in(&[0x80, 6, 0, 2, 0, 0, 9, 0], &mut config_buf[..9])
            .await //~ PL011
            .inspect_err(|_| self.state.free_address(addr))?;
        if n < 9 {
            self.state.free_address(addr);
            return Err(EnumerationError::InvalidDescriptor);
        }

        let config_header = ConfigurationDescriptor::try_from_bytes(&config_buf[..9])
            .map_err(|_| EnumerationError::InvalidDescriptor)?;
        let total_len = config_header.total_len as usize;
        if total_len > config_buf.len() {
            self.state.free_address(addr);
            return Err(EnumerationError::ConfigBufferTooSmall(total_len));
        }

        let n = ch
            .control_in(&[0x80, 6, 0, 2, 0, 0, 0, 0], &mut config_buf[..total_len])
            .await?; //~ PL011
        if n != total_len {
            self.state.free_address(addr);
            return Err(EnumerationError::InvalidDescriptor);
        }

        ch.control_out(&[0, 9, config_header.configuration_value, 0, 0, 0, 0, 0], &[])
            .await //~ PL011
            .inspect_err(|_| self.state.free_address(addr))?;
        drop(ch);

        Ok((
            EnumerationInfo {
                device_address: addr,
                device_desc: dev_desc,
            },
            n,
        ))
    }
}
