package affinity_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

// personMultiPage is a v2 page of one entry of list 1 whose only field is a
// person-multi value of n persons: under 18 MiB for 2 million, within the default
// body limit.
func personMultiPage(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"data":[{"id":1,"listId":1,"createdAt":"2025-01-01T00:00:00Z","creatorId":1,"type":"company",` +
		`"entity":{"id":5,"name":"Acme","domain":null,"domains":[],"isGlobal":false,"fields":[{"id":"field-9","name":"Team","type":"list",` +
		`"enrichmentSource":null,"value":{"type":"person-multi","data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d}`, i%9+1)
	}
	b.WriteString(`]}}]}}],"pagination":{"prevUrl":null,"nextUrl":null}}`)
	return b.Bytes()
}

// BenchmarkPersonMulti2M reads, through ListRows, a page whose one value is a
// person-multi of 2 million elements (an answer of under 18 MiB; v2 documents at most
// 100), and reports the bytes allocated per read (B/op):
//   - default-limit: refused with a *TooManyValuesError after counting the elements,
//     before decoding any: 55 MB a read, the body and its copy (before the limit, each
//     read decoded every element twice: 2.56 GB and 28 million allocations a read;
//     raised to 2 million with WithMaxFieldValues, a read now takes 0.93 GB);
//   - at-limit: a value of DefaultMaxFieldValues persons, read, for the cost of each.
func BenchmarkPersonMulti2M(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
		want int
	}{{"default-limit", 2_000_000, 0}, {"at-limit", affinity.DefaultMaxFieldValues, affinity.DefaultMaxFieldValues}} {
		b.Run(c.name, func(b *testing.B) {
			client, err := affinity.NewClient(key, option.WithBaseURL(serve(b, personMultiPage(c.n))), option.WithRetries(0))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				n, err := rowsErr(client)
				var tooMany *affinity.TooManyValuesError
				if n != c.want || (c.want == 0) != errors.As(err, &tooMany) {
					b.Fatalf("%d values, %v", n, err)
				}
			}
		})
	}
}
