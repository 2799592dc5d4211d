package cli

import (
	"bytes"
	"io"
	"testing"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

func BenchmarkTmpSmall(b *testing.B) {
	small, _ := harOf(16<<20, smallEntry)
	runner := &Runner{Validators: map[specs.API]*contract.Validator{}}
	for _, api := range specs.APIs() {
		v, _ := contract.NewEmbedded(b.Context(), api)
		runner.Validators[api] = v
	}
	b.SetBytes(int64(len(small)))
	for b.Loop() {
		runner.Run(b.Context(), []Input{{Name: "bench.har", Open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(small)), nil
		}}})
	}
}
