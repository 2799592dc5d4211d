package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity/webhook"
)

// BenchmarkRemember measures what DefaultMaxRemembered costs: the heap held per event
// remembered once the set is full, and the time of one delivery.
func BenchmarkRemember(b *testing.B) {
	const n = webhook.DefaultMaxRemembered
	h, err := webhook.NewHandler(secret, func(context.Context, webhook.Event) error { return nil },
		webhook.WithClock(func() time.Time { return epoch }))
	if err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range n {
		body := event("organization.updated", epoch, fmt.Sprintf(`{"id": %d, "name": "n", "domain": null, "domains": [], "global": false}`, i+1))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/"+secret, strings.NewReader(body)))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perEvent := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / n
	b.ResetTimer()
	for i := range b.N {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/"+secret,
			strings.NewReader(event("organization.updated", epoch, fmt.Sprintf(`{"id": %d, "name": "n", "domain": null, "domains": [], "global": false}`, n+i+1)))))
	}
	b.StopTimer()
	// After ResetTimer, which deletes reported metrics.
	b.ReportMetric(perEvent, "heap-B/remembered")
	runtime.KeepAlive(h)
}
