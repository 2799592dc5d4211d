package fakeserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A handler behind LimitBody reads at most MaxRequestBody bytes of any body, declared
// or chunked, and a declared length over the limit is refused unread.
func TestLimitBody(t *testing.T) {
	var read int64
	h := LimitBody(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		read = n
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		}
	})
	for _, c := range []struct {
		name   string
		size   int64
		length int64 // -1: chunked
		status int
		read   int64
	}{
		{"at the limit", MaxRequestBody, MaxRequestBody, http.StatusOK, MaxRequestBody},
		{"declared over the limit", MaxRequestBody + 1, MaxRequestBody + 1, http.StatusRequestEntityTooLarge, 0},
		{"chunked at the limit", MaxRequestBody, -1, http.StatusOK, MaxRequestBody},
		{"chunked over the limit", 8 * MaxRequestBody, -1, http.StatusRequestEntityTooLarge, MaxRequestBody},
	} {
		t.Run(c.name, func(t *testing.T) {
			read = 0
			req := httptest.NewRequest(http.MethodPost, "/", io.LimitReader(strings.NewReader(strings.Repeat("0", int(c.size))), c.size))
			req.ContentLength = c.length
			w := httptest.NewRecorder()
			h(w, req)
			if w.Code != c.status || read != c.read {
				t.Errorf("status %d, read %d; want %d, %d", w.Code, read, c.status, c.read)
			}
		})
	}
}

func TestRememberKeepsTheLast(t *testing.T) {
	var log []int
	for i := range MaxRecorded + 5 {
		log = Remember(log, i)
	}
	if len(log) != MaxRecorded || log[0] != 5 || log[len(log)-1] != MaxRecorded+4 {
		t.Errorf("len %d, first %d, last %d", len(log), log[0], log[len(log)-1])
	}
}
