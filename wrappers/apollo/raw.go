package apollo

import (
	"context"
	"net/url"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Do sends a request this package has no method for, with everything the client does
// for its own methods: the key, retries, pacing of waits, the redirect guard, the body
// limit and the scrubbing of errors. Use it for an endpoint the wrapper lacks; for a
// parameter or a response member a method lacks, give that method option.WithQuery,
// option.WithJSONSet or option.WithRawResponseInto instead.
//
// path is relative to the client's base URL, which ends in /api/v1:
// "organizations/enrich" and "/organizations/enrich" are the same, and the /api/v1 of
// Apollo's documentation is not repeated. It may have a query; query is added to it. An
// absolute URL, a scheme-relative "//host", a backslash, or a "." or ".." segment (raw
// or percent-encoded) is refused with an *apicall.ParamError before anything is sent,
// as is a method other than GET, HEAD, POST, PUT, PATCH and DELETE. The key goes as for
// every method: x-api-key, or as WithOAuthToken says.
//
// body, unless nil, is sent as JSON: encoded with encoding/json, or as it is when a
// json.RawMessage or []byte. A 2xx answer's JSON body is decoded into out, a non-nil
// pointer (a *json.RawMessage keeps it whole); nil discards it, and an empty body leaves
// out as it was. A non-2xx answer is an *Error, as for every method, and matches the
// package's sentinels (ErrNotFound, ...) with errors.Is. Apollo charges credits for
// some endpoints: a call through Do costs what that endpoint costs, which Do cannot
// tell, so WithCreditBudget does not count it; given WithCreditBudget as a call
// option, Do refuses the call with an *apicall.ParamError rather than send it
// unchecked.
//
// Retries: a GET is repeated as every read is, and so is a POST to the search and bulk
// enrichment endpoints, which only read; any other request only when it never reached
// Apollo, since one that writes could then be applied twice.
//
// Why one method and not go-github's NewRequest and Do pair: the request never leaves
// the client between the check of its path and its sending, so nothing can point it
// elsewhere once checked, and the call options apply as they do to any method.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any, callOpts ...option.CallOption) error {
	if _, ok := httpcore.Inspect(callOpts).OwnValue(creditBudget); ok {
		return paramError(creditBudget, "Do cannot tell what a request costs, so it cannot hold one to a budget: use the method for the endpoint")
	}
	return httpcore.Raw(ctx, c.conn, method, path, query, body, out, callOpts)
}
