package apollotest

import (
	"net/http"
	"time"

	"github.com/orgapis/orgapis/internal/fakeserver"
)

// Fault makes one request fail; queue faults with Server.Fail.
type Fault = fakeserver.Fault

// RateLimited is Apollo's 429, with retry-after in seconds ("" sends none); its message
// names the endpoint called.
func RateLimited(retryAfter string) Fault {
	f := fakeserver.RateLimited(retryAfter)
	f.Body = `{"message":"The maximum number of api calls allowed for {path} is 600 times per hour. Please upgrade your plan."}`
	f.ContentType = "application/json"
	return f
}

// Forbidden is Apollo's 403 for an endpoint the plan does not include, naming the
// endpoint called, with error_code API_INACCESSIBLE.
func Forbidden() Fault {
	return Fault{Status: http.StatusForbidden, ContentType: "application/json",
		Body: `{"error":"{path} is not accessible with this api_key on a free plan.","error_code":"API_INACCESSIBLE"}`}
}

// ServerError is an answer with a 5xx status.
func ServerError(status int) Fault { return fakeserver.ServerError(status) }

// Slow delays the normal answer by d.
func Slow(d time.Duration) Fault { return fakeserver.Slow(d) }

// CutShort answers 200 and drops the connection in the middle of the body.
func CutShort() Fault { return fakeserver.CutShort() }

// Malformed answers 200 with a JSON body cut short.
func Malformed() Fault { return fakeserver.Malformed() }
