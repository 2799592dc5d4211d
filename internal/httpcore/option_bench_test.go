package httpcore

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// What a call's options cost before anything is sent: none, and three (retries,
// timeout, header), as interfaces applied one by one.
func BenchmarkBegin(b *testing.B) {
	d := NewDoer(Config[int]{})
	three := []CallOption{
		Shared{Client: func(*Settings) error { return nil }, Call: func(c *Call) error { c.Retries = 0; return nil }},
		CallFunc(func(c *Call) error { c.Timeout = time.Minute; return nil }),
		CallFunc(func(c *Call) error { c.Header = http.Header{"X-Trace": {"t"}}; return nil }),
	}
	for _, tc := range []struct {
		name string
		opts []CallOption
	}{{"none", nil}, {"three", three}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, end, err := Begin(context.Background(), d, tc.opts)
				if err != nil {
					b.Fatal(err)
				}
				end()
			}
		})
	}
}

// What WithJSONSet costs on a search body of about 1 KB: decode, set, encode.
func BenchmarkJSONSet(b *testing.B) {
	body := []byte(`{"page":1,"per_page":100,"q_organization_name":"Acme","organization_locations[]":[` +
		strings.Repeat(`"United States",`, 50) + `"Canada"],"organization_num_employees_ranges[]":["1,100","101,500"]}`)
	set, perr := NewJSONSet("extra.label", "Zürich")
	if perr != nil {
		b.Fatal(perr)
	}
	call := &Call{Sets: []JSONSet{set}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, "https://api.example.test/x", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if err := call.edit(req); err != nil {
			b.Fatal(err)
		}
	}
}
