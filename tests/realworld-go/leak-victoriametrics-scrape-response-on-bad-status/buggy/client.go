package promscrape

import (
	"fmt"
	"time"

	"github.com/valyala/fasthttp"
)

type counter struct{ n uint64 }

func (c *counter) Inc() { c.n++ }

var (
	scrapesTimedout     = &counter{}
	scrapesOK           = &counter{}
	scrapesGunzipFailed = &counter{}
	scrapesGunzipped    = &counter{}
	scrapesByStatus     = map[int]*counter{}
)

type client struct {
	hc                 *fasthttp.HostClient
	scrapeURL          string
	host               string
	requestURI         string
	authHeader         string
	disableCompression bool
	disableKeepAlive   bool
}

func doRequestWithPossibleRetry(hc *fasthttp.HostClient, req *fasthttp.Request, resp *fasthttp.Response, deadline time.Time) error {
	for {
		err := hc.DoDeadline(req, resp, deadline)
		if err == nil || err != fasthttp.ErrConnectionClosed || time.Now().After(deadline) {
			return err
		}
	}
}

// ReadData scrapes the target and appends the (decompressed) body to dst.
func (c *client) ReadData(dst []byte) ([]byte, error) {
	deadline := time.Now().Add(c.hc.ReadTimeout)
	req := fasthttp.AcquireRequest()
	req.SetRequestURI(c.requestURI)
	req.SetHost(c.host)
	req.Header.Set("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1")
	if !c.disableCompression {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	if c.disableKeepAlive {
		req.SetConnectionClose()
	}
	if c.authHeader != "" {
		req.Header.Set("Authorization", c.authHeader)
	}
	resp := fasthttp.AcquireResponse() //~ PL001
	swapResponseBodies := len(dst) == 0
	if swapResponseBodies {
		// read straight into dst: the response gets dst's memory for the body
		dst = resp.SwapBody(dst)
	}
	err := doRequestWithPossibleRetry(c.hc, req, resp, deadline)
	statusCode := resp.StatusCode()
	if err == nil && (statusCode == fasthttp.StatusMovedPermanently || statusCode == fasthttp.StatusFound) {
		// follow one redirect on the same host
		if location := resp.Header.Peek("Location"); len(location) > 0 {
			req.URI().UpdateBytes(location)
			err = c.hc.DoDeadline(req, resp, deadline)
			statusCode = resp.StatusCode()
		}
	}
	if swapResponseBodies {
		dst = resp.SwapBody(dst)
	}
	fasthttp.ReleaseRequest(req)
	if err != nil {
		fasthttp.ReleaseResponse(resp)
		if err == fasthttp.ErrTimeout {
			scrapesTimedout.Inc()
			return dst, fmt.Errorf("error when scraping %q with timeout %s: %w", c.scrapeURL, c.hc.ReadTimeout, err)
		}
		return dst, fmt.Errorf("error when scraping %q: %w", c.scrapeURL, err)
	}
	if ce := resp.Header.Peek("Content-Encoding"); string(ce) == "gzip" {
		var src []byte
		if swapResponseBodies {
			src = append(src, dst...)
			dst = dst[:0]
		} else {
			src = resp.Body()
		}
		var err error
		dst, err = fasthttp.AppendGunzipBytes(dst, src)
		if err != nil {
			fasthttp.ReleaseResponse(resp)
			scrapesGunzipFailed.Inc()
			return dst, fmt.Errorf("cannot ungzip response from %q: %w", c.scrapeURL, err)
		}
		scrapesGunzipped.Inc()
	} else if !swapResponseBodies {
		dst = append(dst, resp.Body()...)
	}
	if statusCode != fasthttp.StatusOK {
		if m := scrapesByStatus[statusCode]; m != nil {
			m.Inc()
		}
		// the response is not released on this path
		return dst, fmt.Errorf("unexpected status code returned when scraping %q: %d; expecting %d; response body: %q",
			c.scrapeURL, statusCode, fasthttp.StatusOK, dst)
	}
	scrapesOK.Inc()
	fasthttp.ReleaseResponse(resp)
	return dst, nil
}
