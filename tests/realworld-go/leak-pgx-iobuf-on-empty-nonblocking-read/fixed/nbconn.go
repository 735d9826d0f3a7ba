package nbconn

import (
	"errors"
	"net"
	"sync"

	"github.com/jackc/pgx/v5/internal/iobufpool"
)

// ErrWouldBlock is returned by a non-blocking read that found nothing to read.
var ErrWouldBlock = errors.New("would block")

// NetConn buffers what non-blocking reads return until Read asks for it.
type NetConn struct {
	conn          net.Conn
	readFlushLock sync.Mutex
	readQueue     bufferQueue
}

// Read hands out buffered bytes first.
func (c *NetConn) Read(b []byte) (n int, err error) {
	c.readFlushLock.Lock()
	defer c.readFlushLock.Unlock()

	for n < len(b) {
		buf := c.readQueue.popFront()
		if buf == nil {
			break
		}
		copiedN := copy(b[n:], buf)
		if copiedN < len(buf) {
			c.readQueue.pushFront(buf[copiedN:])
		} else {
			iobufpool.Put(buf)
		}
		n += copiedN
	}
	if n > 0 {
		return n, nil
	}
	return c.conn.Read(b)
}

// BufferReadUntilBlock reads everything the socket has without blocking and
// queues it for Read.
func (c *NetConn) BufferReadUntilBlock() error {
	for {
		buf := iobufpool.Get(8 * 1024)
		n, err := c.nonblockingRead(buf)
		if n > 0 {
			buf = buf[:n]
			c.readQueue.pushBack(buf)
		} else if n == 0 {
			iobufpool.Put(buf)
		}

		if err != nil {
			if errors.Is(err, ErrWouldBlock) {
				return nil
			}
			return err
		}
	}
}

func (c *NetConn) nonblockingRead(b []byte) (n int, err error) {
	n, err = c.conn.Read(b)
	if n == 0 && err == nil {
		err = ErrWouldBlock
	}
	return n, err
}
