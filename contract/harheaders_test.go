package contract

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// headerAllocHAR is a HAR whose entries have header sets that differ from one entry
// to the next (none, a repeated name, names in lower case, a postData and a content
// whose mime types fill a missing Content-Type, one with Content-Type given), so that
// a map handed back from one entry holds names the next one does not have.
func headerAllocHAR() string {
	entries := []string{
		`{"request":{"method":"GET","url":"https://api.affinity.co/organizations/1","headers":[{"name":"Accept","value":"application/json"},{"name":"x-trace","value":"a"},{"name":"X-Trace","value":"b"}]},` +
			`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"},{"name":"X-Ratelimit-Limit-User","value":"900"}],"content":{"mimeType":"text/plain","text":"{}"}}}`,
		`{"request":{"method":"POST","url":"https://api.affinity.co/notes","headers":[],"postData":{"mimeType":"application/json","text":"{\"a\":1}"}},` +
			`"response":{"status":201,"headers":[{"name":"date","value":"Fri, 20 Nov 2026 10:00:00 GMT"}],"content":{"mimeType":"application/json; charset=utf-8","text":"{}"}}}`,
		`{"request":{"method":"GET","url":"https://api.affinity.co/organizations/2"},` +
			`"response":{"status":404,"headers":[{"name":"Ünïcode","value":"é"},{"name":"X-Empty","value":""},{"name":"X-Ratelimit-Limit-User","value":"unlimited"}],"content":{"text":""}}}`,
	}
	var b strings.Builder
	b.WriteString(`{"log":{"version":"1.2","entries":[`)
	for range 3 {
		b.WriteString(strings.Join(entries, ",") + ",")
	}
	b.WriteString(entries[0] + `]}}`)
	return b.String()
}

// Exchanges read with WithHeaderAlloc, each exchange's maps handed back once read and
// lent to a later one with junk left in them, are the exchanges read without it; the
// maps are the ones lent, emptied, but for one grown past maxReusedHeader, which is
// left alone; an alloc returning nil has the reader make the map.
func TestHeaderAllocReusesMapsAndReadsTheSame(t *testing.T) {
	har := headerAllocHAR()
	var want []Exchange
	for ex, err := range ReadHAR("a.har", strings.NewReader(har)) {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, ex)
	}
	big := http.Header{}
	for i := range maxReusedHeader + 1 {
		big.Set(fmt.Sprintf("X-Old-%d", i), "junk")
	}
	var kept []http.Header
	lent := map[uintptr]bool{} // the maps alloc lent, which the reader must use
	var alive []http.Header    // every map lent, so that no address is another map's later
	calls, lends, used := 0, 0, 0
	alloc := func() http.Header {
		calls++
		switch {
		case calls%7 == 3:
			return nil
		case calls == 5:
			return big
		case len(kept) == 0:
			h := http.Header{"X-Stale": {"old"}, "Content-Type": {"text/html"}}
			lent[reflect.ValueOf(h).Pointer()], lends, alive = true, lends+1, append(alive, h)
			return h
		}
		h := kept[0]
		kept = kept[1:]
		h.Set("Content-Type", "stale/junk") // what a caller's last use left
		lent[reflect.ValueOf(h).Pointer()], lends = true, lends+1
		return h
	}
	i := 0
	for ex, err := range ReadHAR("a.har", strings.NewReader(har), WithHeaderAlloc(alloc)) {
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ex, want[i]) {
			t.Fatalf("entry %d with reused maps:\n%#v\nwant\n%#v", i, ex, want[i])
		}
		for _, h := range []http.Header{ex.RequestHeader, ex.ResponseHeader} {
			if lent[reflect.ValueOf(h).Pointer()] {
				used++
			}
			if reflect.ValueOf(h).Pointer() == reflect.ValueOf(big).Pointer() {
				t.Fatalf("entry %d: a map of more than %d names was reused", i, maxReusedHeader)
			}
		}
		kept = append(kept, ex.RequestHeader, ex.ResponseHeader)
		i++
	}
	if i != len(want) || calls != 2*len(want) {
		t.Fatalf("%d exchanges, %d calls of alloc; want %d and %d", i, calls, len(want), 2*len(want))
	}
	if used != lends || used < len(want) {
		t.Errorf("%d of the %d maps lent used, want all and at least %d", used, lends, len(want))
	}
	if len(big) != maxReusedHeader+1 {
		t.Errorf("the map left alone was changed: %d names", len(big))
	}
}

// The header names a reader keeps from one entry to the next stay within their
// bounds (maxNameMemo places a list, maxNameMemoText bytes) however many names the
// entries have and however they change, and still give each name's canonical key.
func TestHeaderNameMemoIsBounded(t *testing.T) {
	var e harEntry
	for entry := range 300 {
		e.reset()
		var fields []harHeader
		for j := range 100 {
			fields = append(fields, harHeader{Name: fmt.Sprintf("x-name-%d-%d-%s", entry%7, j, strings.Repeat("é", entry%5)), Value: "v"})
		}
		e.Response.Headers = e.fieldsOf(fields)
		values := make([]string, len(fields))
		got := e.header(responseNames, e.Response.Headers, string(e.values), values)
		if len(got.h) != len(fields) {
			t.Fatalf("entry %d: %d names, want %d", entry, len(got.h), len(fields))
		}
		for _, f := range fields {
			if got.h[http.CanonicalHeaderKey(f.Name)] == nil {
				t.Fatalf("entry %d: %q missing", entry, f.Name)
			}
		}
		if len(e.memoText) > maxNameMemoText || len(e.names[responseNames]) > maxNameMemo || len(e.names[requestNames]) != 0 {
			t.Fatalf("entry %d: %d bytes of names kept, %d and %d places", entry, len(e.memoText), len(e.names[requestNames]), len(e.names[responseNames]))
		}
	}
}
