//go:build tools

// Package tools pins the code generator and the linter, so that `go generate ./...`
// and `make check` run the versions recorded in go.mod rather than whatever is on the
// PATH.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
