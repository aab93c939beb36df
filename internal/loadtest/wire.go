package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// wireClient is the driver's HTTP/1.1 client: each request runs start to
// finish on the calling goroutine over a kept-alive connection from a pool,
// as wrk does.
//
// net/http's Transport hands every request between three goroutines (the
// caller, and the connection's writer and reader). On a saturated 2-core
// machine every hand-off waits in the scheduler's run queue, and the driver
// would count those waits of its own as the server's latency. The server
// side is untouched: it is the real net/http server and handler.
type wireClient struct {
	addr string // host:port
	idle chan *wireConn
}

type wireConn struct {
	c  net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

func newWireClient(addr string, conns int) *wireClient {
	return &wireClient{addr: addr, idle: make(chan *wireConn, conns)}
}

// wireResponse is what the driver looks at in an answer.
type wireResponse struct {
	Status   int
	Header   http.Header
	Body     []byte
	Location string
}

// requestTimeout bounds one request, like the Timeout of an http.Client.
const requestTimeout = 30 * time.Second

// do sends one request and reads the whole answer. header lines are
// "Name: value" pairs; body may be nil.
func (c *wireClient) do(ctx context.Context, method, target string, header []string, body []byte) (wireResponse, error) {
	if err := ctx.Err(); err != nil {
		return wireResponse{}, err
	}
	wc, err := c.conn(ctx)
	if err != nil {
		return wireResponse{}, err
	}
	deadline := time.Now().Add(requestTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	wc.c.SetDeadline(deadline)
	res, keep, err := wc.roundTrip(method, c.addr, target, header, body)
	if err != nil || !keep {
		wc.c.Close()
		return res, err
	}
	select {
	case c.idle <- wc:
	default:
		wc.c.Close()
	}
	return res, nil
}

func (c *wireClient) conn(ctx context.Context) (*wireConn, error) {
	select {
	case wc := <-c.idle:
		return wc, nil
	default:
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return nil, err
	}
	return &wireConn{c: nc, br: bufio.NewReaderSize(nc, 16<<10), bw: bufio.NewWriterSize(nc, 4<<10)}, nil
}

func (wc *wireConn) roundTrip(method, host, target string, header []string, body []byte) (wireResponse, bool, error) {
	bw := wc.bw
	bw.WriteString(method)
	bw.WriteByte(' ')
	bw.WriteString(target)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(host)
	bw.WriteString("\r\nUser-Agent: kuulu-loadtest\r\n")
	for _, h := range header {
		bw.WriteString(h)
		bw.WriteString("\r\n")
	}
	if body != nil {
		bw.WriteString("Content-Length: ")
		bw.WriteString(strconv.Itoa(len(body)))
		bw.WriteString("\r\n")
	}
	bw.WriteString("\r\n")
	bw.Write(body)
	if err := bw.Flush(); err != nil {
		return wireResponse{}, false, err
	}
	res, err := http.ReadResponse(wc.br, &http.Request{Method: method})
	if err != nil {
		return wireResponse{}, false, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return wireResponse{}, false, fmt.Errorf("%s %s: reading the body: %w", method, target, err)
	}
	return wireResponse{Status: res.StatusCode, Header: res.Header, Body: b, Location: res.Header.Get("Location")}, !res.Close, nil
}

// close closes the idle connections.
func (c *wireClient) close() {
	for {
		select {
		case wc := <-c.idle:
			wc.c.Close()
		default:
			return
		}
	}
}
