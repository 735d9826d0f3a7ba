package cmd

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/url"
	"strconv"
	"sync"

	"github.com/tinylib/msgp/msgp"
)

const (
	storageRESTMethodReadVersion  = "/rversion"
	storageRESTMethodStatInfoFile = "/statfile"
	storageRESTVolume             = "volume"
	storageRESTFilePath           = "file-path"
	storageRESTGlob               = "glob"
	storageRESTReadData           = "read-data"
)

type FileInfo struct{ Name string }

func (fi *FileInfo) DecodeMsg(dc *msgp.Reader) (err error) {
	fi.Name, err = dc.ReadString()
	return err
}

type StatInfo struct{ Size int64 }

func (st *StatInfo) DecodeMsg(dc *msgp.Reader) (err error) {
	st.Size, err = dc.ReadInt64()
	return err
}

type storageRESTClient struct {
	endpoint string
}

func (client *storageRESTClient) call(ctx context.Context, method string, values url.Values, body io.Reader, length int64) (io.ReadCloser, error) {
	return nil, errors.New("not connected")
}

func drainBody(respBody io.ReadCloser) {
	if respBody != nil {
		io.Copy(io.Discard, respBody)
		respBody.Close()
	}
}

var readMsgpReaderPool = sync.Pool{New: func() interface{} { return &msgp.Reader{} }}

// msgpNewReader returns a *Reader that reads from the provided reader.
// The reader will be buffered.
func msgpNewReader(r io.Reader) *msgp.Reader {
	p := readMsgpReaderPool.Get().(*msgp.Reader)
	if p.R == nil {
		p.R = bufio.NewReaderSize(r, 8<<10)
	} else {
		p.R.Reset(r)
	}
	return p
}

func (client *storageRESTClient) ReadVersion(ctx context.Context, volume, path string, readData bool) (fi FileInfo, err error) {
	values := make(url.Values)
	values.Set(storageRESTVolume, volume)
	values.Set(storageRESTFilePath, path)
	values.Set(storageRESTReadData, strconv.FormatBool(readData))

	respBody, err := client.call(ctx, storageRESTMethodReadVersion, values, nil, -1)
	if err != nil {
		return fi, err
	}
	defer drainBody(respBody)

	dec := msgpNewReader(respBody)
	defer readMsgpReaderPool.Put(dec)

	err = fi.DecodeMsg(dec)
	return fi, err
}

func (client *storageRESTClient) StatInfoFile(ctx context.Context, volume, path string, glob bool) (stat []StatInfo, err error) {
	values := make(url.Values)
	values.Set(storageRESTVolume, volume)
	values.Set(storageRESTFilePath, path)
	values.Set(storageRESTGlob, strconv.FormatBool(glob))
	respBody, err := client.call(ctx, storageRESTMethodStatInfoFile, values, nil, -1)
	if err != nil {
		return stat, err
	}
	defer drainBody(respBody)
	rd := msgpNewReader(respBody) //~ PL001
	for {
		var st StatInfo
		err = st.DecodeMsg(rd)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			break
		}
		stat = append(stat, st)
	}

	return stat, err
}
