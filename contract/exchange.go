// Package contract checks HTTP exchanges (recorded or live) against the project's
// OpenAPI documents and reports exactly where the traffic and the spec disagree: an
// undocumented endpoint or status, a content type, a header, every schema violation in
// a body, and, in strict mode, fields the spec does not describe.
//
// The package is what a program needs to check traffic: the embedded specs' validator,
// the recording readers, the Recorder and the validating Middleware. cmd/validate is a
// command-line front end with its own runner and reports; contract tests use Validator
// directly, or Middleware in a client.
package contract

import (
	"net/http"
	"net/url"
)

// Exchange is one request and its response.
type Exchange struct {
	// Source and Index say where the exchange came from: a file and the entry's
	// position in it (from 0), for reports.
	Source string
	Index  int
	// Line is the line of Source the exchange starts on (from 1), for the formats that
	// have lines (HAR, JSON lines); 0 when unknown.
	Line int
	// API is the API the recording says the exchange belongs to (a HAR entry's
	// comment, see APIComment), or empty.
	API string

	Method         string
	URL            *url.URL
	RequestHeader  http.Header
	RequestBody    []byte
	Status         int
	ResponseHeader http.Header
	ResponseBody   []byte
}

// Kinds of finding.
const (
	KindUndocumentedEndpoint = "undocumented-endpoint" // no operation has this method and path
	KindUndocumentedStatus   = "undocumented-status"   // the operation does not document the status
	KindContentType          = "content-type"          // the media type is not documented for the status
	KindHeader               = "header"                // a documented header has a bad value or is missing
	KindBody                 = "body"                  // the body breaks the schema
	KindUndocumentedField    = "undocumented-field"    // strict mode: a field the schema does not describe
	KindRequest              = "request"               // the request breaks the spec (with request checks on)
	KindUnreadable           = "unreadable"            // the entry could not be read; the others still are
	// KindTooManyFindings ends the findings of an exchange that had more than the
	// validator's bound (WithMaxFindings): the check stopped there, and what it did not
	// reach of the exchange was not checked.
	KindTooManyFindings = "too-many-findings"
)

// Finding is one disagreement between an exchange and the spec. Every field is always
// present in JSON, empty when it does not apply.
type Finding struct {
	Source string `json:"source"`
	Entry  int    `json:"entry"`
	// Line is the line of Source the exchange starts on, when its format has lines.
	Line        int    `json:"line,omitempty"`
	API         string `json:"api"`
	OperationID string `json:"operation_id"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Status      int    `json:"status"`
	Kind        string `json:"kind"`
	// Location is where in the exchange the finding is: "body" or "header" of the
	// response, or, for request findings, "query", "path", "header" or "body".
	Location string `json:"location"`
	// Pointer is a JSON pointer into the body, or /NAME of a header or parameter.
	Pointer  string `json:"pointer"`
	Expected string `json:"expected"`
	Found    string `json:"found"`
	// Known is set by a baseline: the finding was seen and accepted before.
	Known bool `json:"known"`
	// Severity is "warning" for a finding a run was told to report without failing
	// on it (validate --severity); "" for one that fails the run.
	Severity string `json:"severity,omitempty"`
}
