use crate::cells::{LeasableMutableBuffer, MapCell};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Fail,
    NoMem,
    Size,
}

#[derive(Clone, Copy)]
pub struct IpAddr(pub [u8; 16]);

#[derive(Clone, Copy)]
pub struct SocketAddr {
    pub addr: IpAddr,
    pub port: u16,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ProcessId(pub usize);

pub struct App {
    pub pending_tx: Option<[SocketAddr; 2]>,
}

pub struct ReadOnlyProcessBuffer<'p>(&'p [u8]);

impl<'p> ReadOnlyProcessBuffer<'p> {
    pub fn enter<R>(&self, f: impl FnOnce(&[u8]) -> R) -> Result<R, ErrorCode> {
        Ok(f(self.0))
    }
}

pub struct KernelData<'p> {
    write: &'p [u8],
}

impl<'p> KernelData<'p> {
    pub fn get_readonly_processbuffer(&self) -> Result<ReadOnlyProcessBuffer<'p>, ErrorCode> {
        Ok(ReadOnlyProcessBuffer(self.write))
    }
}

pub struct Grant {
    apps: Vec<(ProcessId, App)>,
}

impl Grant {
    pub fn enter<R>(&self, _id: ProcessId, _f: impl FnOnce(&mut App, &KernelData) -> R) -> Result<R, ErrorCode> {
        Err(ErrorCode::Fail)
    }
}

pub trait UDPSender<'a> {
    /// Queues the datagram; the buffer comes back in `Err` if it cannot be.
    fn driver_send_to(
        &self,
        dest: IpAddr,
        dst_port: u16,
        src_port: u16,
        buf: LeasableMutableBuffer<'static, u8>,
    ) -> Result<(), LeasableMutableBuffer<'static, u8>>;
}

pub struct UDPDriver<'a> {
    sender: &'a dyn UDPSender<'a>,
    apps: Grant,
    current_app: core::cell::Cell<Option<ProcessId>>,
    /// The one buffer datagrams are copied into before they are sent; the
    /// sender gives it back with `send_done`.
    kernel_buffer: MapCell<LeasableMutableBuffer<'static, u8>>,
}

impl<'a> UDPDriver<'a> {
    /// Sends `appid`'s pending datagram now.
    fn perform_tx_sync(&self, appid: ProcessId) -> Result<(), ErrorCode> {
        self.apps.enter(appid, |app, kernel_data| {
            let addr_ports = match app.pending_tx.take() {
                Some(pending_tx) => pending_tx,
                None => {
                    return Ok(());
                }
            };
            let dst_addr = addr_ports[1].addr;
            let dst_port = addr_ports[1].port;
            let src_port = addr_ports[0].port;

            // Copy the payload into the driver's buffer, then queue it.
            let result = kernel_data
                .get_readonly_processbuffer()
                .and_then(|write| {
                    write.enter(|payload| {
                        self.kernel_buffer.take().map_or(
                            Err(ErrorCode::NoMem),
                            |mut kernel_buffer| {
                                if payload.len() > kernel_buffer.len() {
                                    self.kernel_buffer.replace(kernel_buffer);
                                    return Err(ErrorCode::Size);
                                }
                                kernel_buffer.slice(0..payload.len());
                                match self.sender.driver_send_to(
                                    dst_addr,
                                    dst_port,
                                    src_port,
                                    kernel_buffer,
                                ) {
                                    Ok(_) => Ok(()),
                                    Err(mut buf) => {
                                        buf.reset();
                                        self.kernel_buffer.replace(buf);
                                        Err(ErrorCode::Fail)
                                    }
                                }
                            },
                        )
                    })
                })
                .unwrap_or(Err(ErrorCode::NoMem));
            if result == Ok(()) {
                self.current_app.set(Some(appid));
            }
            result
        })?
    }

    /// The sender is done with the buffer.
    pub fn send_done(&self, mut dgram: LeasableMutableBuffer<'static, u8>) {
        dgram.reset();
        self.kernel_buffer.replace(dgram);
    }
}
