package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// windowCase is a HAR file whose entries straddle reads of every size tried: bodies of
// many lengths (some ending just at a read's end), one entry per line after the
// first, and among them an entry that is broken JSON, two of the wrong type (one a
// number, which a read may cut without making it wrong) and one over the limit. want is, by entry, the body or the error.
func windowCase(limit int) (file string, want []string) {
	entries := []string{}
	for i := range 60 {
		body, _ := json.Marshal(map[string]string{"n": strings.Repeat("x", i*i%97+i), "q": `"\` + fmt.Sprint(i)})
		text, _ := json.Marshal(string(body))
		e := fmt.Sprintf(`{"request":{"method":"GET","url":"https://api.affinity.co/x/%d","headers":[]},"response":{"status":200,"content":{"text":%s}}}`, i, text)
		switch i {
		case 7:
			e, body = `{"request":{"method":"GET",,"url":"x"},"response":{"status":200}}`, []byte("error: not valid JSON")
		case 19:
			e, body = `{"request":{"method":["GET"],"url":"x"},"response":{"status":200}}`, []byte("error: field request.method")
		case 43:
			e, body = `12345678`, []byte("error: found number 12345678")
		case 31:
			e, body = `{"request":{"method":"GET","url":"x"},"response":{"status":200,"content":{"text":"`+strings.Repeat("y", limit)+`"}}}`, []byte("error: over the")
		}
		entries = append(entries, e)
		want = append(want, string(body))
	}
	file = `{"log":{"version":"1.2","entries":[` + strings.Join(entries, ",\n") + "\n]}}"
	return file, want
}

// recycler hands out body buffers and takes them back, as cmd/validate does, filling a
// buffer taken back with junk so that a reader still using it would be found out.
type recycler struct {
	free  [][]byte
	taken int
}

func (r *recycler) alloc(n int) []byte {
	r.taken++
	for i, b := range r.free {
		if cap(b) >= n {
			r.free = append(r.free[:i], r.free[i+1:]...)
			return b[:n]
		}
	}
	return make([]byte, n)
}

func (r *recycler) put(b []byte) {
	for i := range b {
		b[i] = '#'
	}
	r.free = append(r.free, b)
}

// Entries are read the same whatever the window's step and however the input arrives:
// each body whole, each error at its entry, each entry on its line, reading going on
// after the broken and the over-large ones; with bodies in buffers of their own or in
// buffers handed back and reused.
func TestHARWindowReadsEntriesThatStraddleReads(t *testing.T) {
	const limit = 2000
	file, want := windowCase(limit)
	for _, reuse := range []bool{false, true} {
		for _, step := range []int{1, 7, 64, 500, 1 << 20} {
			for name, r := range map[string]func() io.Reader{
				"whole":            func() io.Reader { return strings.NewReader(file) },
				"a byte at a time": func() io.Reader { return iotest.OneByteReader(strings.NewReader(file)) },
				"half reads":       func() io.Reader { return iotest.HalfReader(strings.NewReader(file)) },
			} {
				t.Run(fmt.Sprintf("step %d %s reuse %v", step, name, reuse), func(t *testing.T) {
					var cfg readConfig
					var bodies recycler
					if reuse {
						cfg.alloc = bodies.alloc
					}
					got := make([]string, len(want))
					for ex, err := range readHAR("w.har", r(), limit, step, cfg) {
						var ee *EntryError
						switch {
						case errors.As(err, &ee):
							got[ee.Index] = "error: " + ee.Err.Error()
						case err != nil:
							t.Fatal(err)
						default:
							got[ex.Index] = string(ex.ResponseBody)
							if ex.Line != ex.Index+1 || ex.URL.Path != fmt.Sprintf("/x/%d", ex.Index) {
								t.Errorf("entry %d: line %d, path %s", ex.Index, ex.Line, ex.URL.Path)
							}
							bodies.put(ex.ResponseBody)
						}
					}
					if reuse && bodies.taken < 50 {
						t.Errorf("%d bodies taken from the allocator", bodies.taken)
					}
					for i := range want {
						if w := want[i]; got[i] != w && !(strings.HasPrefix(w, "error: ") && strings.Contains(got[i], strings.TrimPrefix(w, "error: "))) {
							t.Errorf("entry %d = %.80q, want %.80q", i, got[i], w)
						}
					}
				})
			}
		}
	}
}

// A file cut off inside an entry, or after one, says so at that entry and stops; a
// file that ends just after an entry's last byte, with no more to come, still yields
// that entry first.
func TestHARWindowCutShort(t *testing.T) {
	file, want := windowCase(2000)
	cut := strings.Index(file, `/x/40"`)
	for _, step := range []int{3, 1 << 20} {
		var bodies, errs int
		for ex, err := range readHAR("w.har", strings.NewReader(file[:cut]), 2000, step, readConfig{}) {
			if err != nil {
				var ee *EntryError
				if !errors.As(err, &ee) || !strings.Contains(err.Error(), "broken JSON, reading stops here") && ee.Index != 7 && ee.Index != 19 && ee.Index != 31 {
					t.Errorf("step %d: %v", step, err)
				}
				errs++
				continue
			}
			if string(ex.ResponseBody) != want[ex.Index] {
				t.Errorf("step %d: entry %d body %q", step, ex.Index, ex.ResponseBody)
			}
			bodies++
		}
		if bodies != 37 || errs != 4 {
			t.Errorf("step %d: %d bodies and %d errors, want 37 and 4", step, bodies, errs)
		}
	}
	end := strings.Index(file, ",\n{") // just after the first entry
	n := 0
	for ex, err := range readHAR("w.har", strings.NewReader(file[:end]), 2000, 5, readConfig{}) {
		if err == nil && ex.Index == 0 {
			n++
		} else if err == nil || !strings.Contains(err.Error(), "broken JSON") {
			t.Errorf("%v %v", ex.Index, err)
		}
	}
	if n != 1 {
		t.Errorf("the entry before the cut was not read")
	}
}

// A value that ends where the window does may go on past it: a number cut by a read
// is read whole.
func TestHARWindowReadsOnPastItsEnd(t *testing.T) {
	w := &harWindow{r: strings.NewReader("12345678]"), step: 2} // the first read brings 4 bytes
	var scratch []byte
	err, fatal := w.entry(100, &scratch, readConfig{}, &harEntry{})
	if fatal != nil || err == nil || !strings.Contains(err.Error(), "found number 12345678") || string(w.unread()) != "]" {
		t.Fatalf("err %v, fatal %v, left %q", err, fatal, w.unread())
	}
}
