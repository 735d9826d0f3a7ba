package nbconn

import "sync"

const minBufferQueueLen = 8

// bufferQueue keeps the buffers read ahead of the caller, in order.
type bufferQueue struct {
	lock  sync.Mutex
	queue [][]byte
	r, w  int
}

func (bq *bufferQueue) pushBack(buf []byte) {
	bq.lock.Lock()
	defer bq.lock.Unlock()

	if bq.w >= len(bq.queue) {
		bq.growQueue()
	}
	bq.queue[bq.w] = buf
	bq.w++
}

func (bq *bufferQueue) pushFront(buf []byte) {
	bq.lock.Lock()
	defer bq.lock.Unlock()

	if bq.w >= len(bq.queue) {
		bq.growQueue()
	}
	copy(bq.queue[bq.r+1:bq.w+1], bq.queue[bq.r:bq.w])
	bq.queue[bq.r] = buf
	bq.w++
}

func (bq *bufferQueue) popFront() []byte {
	bq.lock.Lock()
	defer bq.lock.Unlock()

	if bq.r == bq.w {
		return nil
	}
	buf := bq.queue[bq.r]
	bq.queue[bq.r] = nil
	bq.r++
	if bq.r == bq.w {
		bq.r, bq.w = 0, 0
	}
	return buf
}

func (bq *bufferQueue) growQueue() {
	n := len(bq.queue) * 2
	if n < minBufferQueueLen {
		n = minBufferQueueLen
	}
	grown := make([][]byte, n)
	copy(grown, bq.queue[bq.r:bq.w])
	bq.w -= bq.r
	bq.r = 0
	bq.queue = grown
}
