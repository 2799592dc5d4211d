package contract

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// answerJSON answers every request 200 with a JSON body of {} and the extra headers
// given as name, value pairs.
func answerJSON(extra ...string) transportFunc {
	return func(*http.Request) (*http.Response, error) {
		h := http.Header{"Content-Type": {"application/json"}}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Set(extra[i], extra[i+1])
		}
		return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader("{}"))}, nil
	}
}

// send sends method, url and body through rt and reads the answer to its end.
func send(t *testing.T, rt http.RoundTripper, method, url, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// cutReader gives its text, then err in place of io.EOF.
type cutReader struct {
	r   io.Reader
	err error
}

func (c *cutReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF {
		err = c.err
	}
	return n, err
}

// readByBytes reads r a byte at a time, as a slow caller does, and gives up after 100
// reads so that a body that never ends fails the test instead of hanging it.
func readByBytes(r io.Reader) (string, error) {
	var b strings.Builder
	p := make([]byte, 1)
	for range 100 {
		n, err := r.Read(p)
		b.Write(p[:n])
		if err != nil {
			return b.String(), err
		}
	}
	return b.String(), errors.New("the body did not end")
}

// The caller of a capturing round trip reads what it would have read without it:
// every byte, then io.EOF, or the error that cut the body short, at the same place.
func TestCaptureGivesTheCallerTheSameBody(t *testing.T) {
	for _, cut := range []error{io.EOF, io.ErrUnexpectedEOF} {
		base := transportFunc(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, ContentLength: -1, Header: http.Header{},
				Body: io.NopCloser(&cutReader{r: strings.NewReader("abc"), err: cut})}, nil
		})
		req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
		resp, c, err := captureRoundTrip(base, req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readByBytes(resp.Body)
		if got != "abc" || err != cut {
			t.Errorf("cut by %v: the caller read %q, %v", cut, got, err)
		}
		if string(c.body) != "abc" || (cut == io.EOF) != (c.readErr == nil) {
			t.Errorf("cut by %v: captured %q, %v", cut, c.body, c.readErr)
		}
	}
}
