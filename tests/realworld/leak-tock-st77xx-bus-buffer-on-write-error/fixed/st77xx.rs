use crate::cells::TakeCell;
use core::cell::Cell;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Busy,
    Size,
    Fail,
}

#[derive(Clone, Copy)]
pub enum DataWidth {
    Bits8,
    Bits16BE,
}

/// The display bus: a write takes the buffer and hands it back in
/// `command_complete`, or at once inside `Err` when it cannot start.
pub trait Bus<'a> {
    fn set_addr(&self, addr: u8) -> Result<(), ErrorCode>;
    fn write(
        &self,
        data_width: DataWidth,
        buffer: &'static mut [u8],
        len: usize,
    ) -> Result<(), (ErrorCode, &'static mut [u8])>;
}

pub trait BusClient {
    fn command_complete(&self, buffer: Option<&'static mut [u8]>, len: usize, status: Result<(), ErrorCode>);
}

#[derive(Clone, Copy, PartialEq)]
pub enum Status {
    Idle,
    SendCommand(usize, usize, usize),
    SendParametersSlice,
    Error(ErrorCode),
}

pub struct ST77XX<'a, B: Bus<'a>> {
    bus: &'a B,
    status: Cell<Status>,
    /// Holds the command parameters between bus transfers.
    buffer: TakeCell<'static, [u8]>,
    /// Holds the pixels a client asked to write, while they are sent.
    write_buffer: TakeCell<'static, [u8]>,
}

impl<'a, B: Bus<'a>> ST77XX<'a, B> {
    fn do_next_op(&self) {
        if let Status::Error(_) = self.status.get() {
            self.status.set(Status::Idle);
        }
    }

    fn send_parameters(&self, position: usize, len: usize, repeat: usize) {
        self.status.set(Status::SendCommand(0, len, repeat - 1));
        if len > 0 {
            self.buffer.take().map_or_else(
                || panic!("st77xx: send parameters has no buffer"),
                |buffer| {
                    // Shift the parameters to the start of the buffer.
                    if position > 0 {
                        for i in position..len + position {
                            buffer[i - position] = buffer[i];
                        }
                    }
                    match self.bus.write(DataWidth::Bits8, buffer, len) {
                        Ok(()) => (),
                        Err((e, buf)) => {
                            self.buffer.replace(buf);
                            self.status.set(Status::Error(e));
                            self.do_next_op();
                        }
                    }
                },
            );
        } else {
            self.do_next_op();
        }
    }

    fn send_parameters_slice(&self, len: usize) {
        self.write_buffer.take().map_or_else(
            || panic!("st77xx: no write buffer"),
            |buffer| {
                self.status.set(Status::SendParametersSlice);
                match self.bus.write(DataWidth::Bits16BE, buffer, len / 2) {
                    Ok(()) => (),
                    Err((e, buf)) => {
                        self.write_buffer.replace(buf);
                        self.status.set(Status::Error(e));
                        self.do_next_op();
                    }
                }
            },
        );
    }
}

impl<'a, B: Bus<'a>> BusClient for ST77XX<'a, B> {
    fn command_complete(&self, buffer: Option<&'static mut [u8]>, _len: usize, status: Result<(), ErrorCode>) {
        if let Some(buffer) = buffer {
            if self.status.get() == Status::SendParametersSlice {
                self.write_buffer.replace(buffer);
            } else {
                self.buffer.replace(buffer);
            }
        }
        if let Err(e) = status {
            self.status.set(Status::Error(e));
        }
        self.do_next_op();
    }
}
