package contract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgapis/orgapis/specs"
)

// fuzzRead feeds arbitrary bytes to a reader and checks what every reader promises:
// no panic, every exchange well formed, and a validator that can check it.
func fuzzRead(f *testing.F, seedFile string, read func(string, *bytes.Reader) func(func(Exchange, error) bool)) {
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "recordings", seedFile)); err == nil {
		f.Add(b)
	}
	f.Add([]byte(""))
	f.Add([]byte("{"))
	validators := map[specs.API]*Validator{}
	for _, api := range specs.APIs() {
		v, err := NewEmbedded(context.Background(), api, Strict(), CheckRequests())
		if err != nil {
			f.Fatal(err)
		}
		validators[api] = v
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		for ex, err := range read("fuzz", bytes.NewReader(data)) {
			if n++; n > 10000 {
				t.Fatal("reader does not stop")
			}
			if err != nil {
				if err.Error() == "" {
					t.Error("empty error")
				}
				continue
			}
			if ex.URL == nil || ex.Status < 100 || ex.Status > 599 || ex.Method == "" {
				t.Fatalf("malformed exchange %+v", ex)
			}
			for _, v := range validators {
				_ = v.Validate(ex)
			}
		}
	})
}

func FuzzReadHAR(f *testing.F) {
	fuzzRead(f, "affinity.har", func(name string, r *bytes.Reader) func(func(Exchange, error) bool) { return ReadHAR(name, r) })
}

func FuzzReadVCR(f *testing.F) {
	fuzzRead(f, "apollo.yaml", func(name string, r *bytes.Reader) func(func(Exchange, error) bool) { return ReadVCR(name, r) })
}

func FuzzReadLines(f *testing.F) {
	fuzzRead(f, "affinity-extra.jsonl", func(name string, r *bytes.Reader) func(func(Exchange, error) bool) { return ReadLines(name, r) })
}
