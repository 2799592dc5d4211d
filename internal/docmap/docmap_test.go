package docmap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func pkg(t *testing.T, doc string) string {
	t.Helper()
	dir := t.TempDir()
	src := doc + `package p

// Client is a client.
type Client struct{}

// NewClient makes one.
func NewClient() *Client { return nil }

func (c *Client) Alpha() {}
func (c *Client) Beta()  {}
func (c *Client) String() string { return "" }
func (c *Client) unexported() {}
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\n\nfunc (c *Client) Gamma() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A map naming every method passes; a method left off, a name the package lacks, no
// section at all, or a parse that finds too few methods fail.
func TestCheck(t *testing.T) {
	ok := pkg(t, "// Package p.\n//\n// # A map of the calls\n//\n// Calls: Alpha, Beta. Make one with NewClient.\n")
	if problems, err := Check(ok, "Client", 2); err != nil || len(problems) != 0 {
		t.Errorf("a whole map: %v %v", problems, err)
	}
	missing := pkg(t, "// Package p.\n//\n// # A map of the calls\n//\n// Calls: Alpha, Delta.\n")
	problems, err := Check(missing, "Client", 2)
	if err != nil || strings.Join(problems, "\n") != "Client.Beta is not on the package comment's map\nthe map names Delta, which the package does not declare" {
		t.Errorf("a map with a gap: %q %v", problems, err)
	}
	if _, err := Check(pkg(t, "// Package p.\n"), "Client", 2); err == nil || !strings.Contains(err.Error(), Section) {
		t.Errorf("no section: %v", err)
	}
	if _, err := Check(ok, "Client", 3); err == nil || !strings.Contains(err.Error(), "found 2 methods") {
		t.Errorf("too few methods: %v", err)
	}
	if _, err := Check(ok, "Other", 1); err == nil {
		t.Error("a receiver with no methods passed")
	}
}
