package main

import (
	"testing"

	"github.com/orgapis/orgapis/contract"
)

func TestWhereAndGroupTitle(t *testing.T) {
	for _, c := range []struct {
		f    contract.Finding
		want string
	}{
		{contract.Finding{Kind: contract.KindHeader, Location: "header", Pointer: "/X-Rate"}, " header:X-Rate"},
		{contract.Finding{Kind: contract.KindRequest, Location: "query", Pointer: "/page"}, " query:page"},
		{contract.Finding{Kind: contract.KindRequest, Location: "path", Pointer: "/id"}, " path:id"},
		{contract.Finding{Kind: contract.KindRequest, Location: "body", Pointer: "/name"}, " /name"},
		{contract.Finding{Kind: contract.KindBody, Location: "body", Pointer: "/a/0"}, " /a/0"},
		{contract.Finding{Kind: contract.KindBody, Location: "body"}, " (body)"},
		{contract.Finding{Kind: contract.KindRequest, Location: "body"}, " (request body)"},
		{contract.Finding{Kind: contract.KindRequest, Location: "query"}, " query:"},
		{contract.Finding{Kind: contract.KindUndocumentedStatus}, ""},
	} {
		if got := where(c.f); got != c.want {
			t.Errorf("where(%+v) = %q, want %q", c.f, got, c.want)
		}
	}
	for _, c := range []struct {
		f    contract.Finding
		want string
	}{
		{contract.Finding{Kind: contract.KindUnreadable, OperationID: "x"}, "unreadable input"},
		{contract.Finding{Kind: KindCallFailed, OperationID: "x"}, "failed calls"},
		{contract.Finding{Kind: contract.KindUndocumentedEndpoint, API: "apollo"}, "undocumented endpoints (apollo)"},
		{contract.Finding{Kind: contract.KindBody, API: "affinity", OperationID: "getOrganization", Method: "GET", Path: "/organizations/{id}"},
			"getOrganization (affinity GET /organizations/{id})"},
	} {
		if got := groupTitle(c.f); got != c.want {
			t.Errorf("groupTitle(%+v) = %q, want %q", c.f, got, c.want)
		}
	}
}
