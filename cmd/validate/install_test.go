package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// testVersion is the version the install test publishes the working tree as.
const testVersion = "v0.1.0"

// TestInstallFromAModuleProxy takes the path every user takes, offline: the working
// tree is published at testVersion in a module proxy on disk, and a scratch module of
// a user's pins the command with `go get -tool`, runs it with `go tool` (whose exit
// statuses must survive), and builds a program that imports both clients and fakes.
func TestInstallFromAModuleProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the module from a proxy")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	proxy := publish(t, root)
	hostCache := goEnv(t, "GOMODCACHE")
	user := t.TempDir()
	modcache := t.TempDir()
	t.Cleanup(func() { run(t, user, env(proxy, hostCache, modcache), "go", "clean", "-modcache") })
	e := env(proxy, hostCache, modcache)
	write(t, filepath.Join(user, "go.mod"), "module example.com/user\n\ngo 1.26\n")

	run(t, user, e, "go", "get", "-tool", "github.com/orgapis/orgapis/cmd/validate@"+testVersion)
	if out := run(t, user, e, "go", "tool", "validate", "version"); !strings.HasPrefix(out, "validate "+testVersion+"\n") {
		t.Errorf("go tool validate version printed %q, want %s", out, testVersion)
	}

	// The exit statuses a user's CI tells apart, kept by go tool.
	recordings := filepath.Join(user, "recordings")
	copyFile(t, filepath.Join(root, "testdata/recordings/affinity.har"), filepath.Join(recordings, "affinity.har"))
	conforming := `{"method":"DELETE","url":"https://api.affinity.co/organizations/5","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"success":true}}` + "\n"
	write(t, filepath.Join(user, "ok", "ok.jsonl"), conforming)
	if err := os.MkdirAll(filepath.Join(user, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"ok"}, 0},
		{[]string{"recordings"}, 1},
		{[]string{"empty"}, 2},
		{[]string{"frobnicate"}, 2},
	} {
		if code := status(t, user, e, append([]string{"go", "tool", "validate"}, c.args...)...); code != c.code {
			t.Errorf("go tool validate %v: exit %d, want %d", c.args, code, c.code)
		}
	}

	// A program of the user's that imports both clients and both fakes.
	write(t, filepath.Join(user, "sync", "main.go"), `package main

import (
	"context"
	"fmt"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

func main() {
	af := affinitytest.NewServer("affinity-key-1")
	defer af.Close()
	af.Generate(3)
	ap := apollotest.NewServer("apollo-key-12")
	defer ap.Close()
	ac, err := af.Client()
	if err != nil {
		panic(err)
	}
	pc, err := apollo.NewClient("apollo-key-12", option.WithBaseURL(ap.URL), option.WithRetries(1))
	if err != nil {
		panic(err)
	}
	n := 0
	for org, err := range ac.Organizations(context.Background(), affinity.OrganizationQuery{}) {
		if err != nil {
			panic(err)
		}
		if _, err := pc.EnrichOrganization(context.Background(), apollo.EnrichQuery{Domain: org.Domain}); err != nil {
			panic(err)
		}
		n++
	}
	fmt.Println("synced", n)
}
`)
	// Not go mod tidy: it wants the tests of every dependency, whose modules a user's
	// cache need not hold.
	run(t, user, e, "go", "get", "github.com/orgapis/orgapis/wrappers/...@"+testVersion)
	if out := run(t, user, e, "go", "run", "./sync"); strings.TrimSpace(out) != "synced 3" {
		t.Errorf("the user's program printed %q", out)
	}

	// A client of the user's own, generated from the module's specs with go generate:
	// the document comes from the pinned tool, not from a path into this module.
	run(t, user, e, "go", "get", "-tool", "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@"+requiredVersion(t, root, "github.com/oapi-codegen/oapi-codegen/v2"))
	for _, api := range []string{"affinity", "apollo"} {
		write(t, filepath.Join(user, api+"client", "generate.go"), fmt.Sprintf(`// Package %[1]sclient is generated from the orgapis %[1]s spec.
package %[1]sclient

%[2]s go tool validate spec --api %[1]s -o %[1]s.yaml --config oapi-codegen.yaml
%[2]s go tool oapi-codegen -config oapi-codegen.yaml -package %[1]sclient -o %[1]s.gen.go %[1]s.yaml
`, api, "//go:generate")) // not at the start of a line here: go generate in this module would run it
	}
	run(t, user, e, "go", "generate", "./...")
	// The generated code's runtime, at the version the module itself requires: an
	// unpinned go get takes whatever is newest in the day's module list.
	run(t, user, e, "go", "get", "github.com/oapi-codegen/runtime@"+requiredVersion(t, root, "github.com/oapi-codegen/runtime"))
	run(t, user, e, "go", "build", "./...")
	// The recipe's client is ours under another package name: the same names, types
	// and slices, byte for byte.
	for _, api := range []string{"affinity", "apollo"} {
		got, err := os.ReadFile(filepath.Join(user, api+"client", api+".gen.go"))
		if err != nil {
			t.Errorf("go generate wrote no %s client: %v", api, err)
			continue
		}
		ours, err := os.ReadFile(filepath.Join(root, "generated", api+"api", api+"api.gen.go"))
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.ReplaceAll(string(ours), api+"api", api+"client"); string(got) != want {
			t.Errorf("the recipe's %s client (%d bytes) is not generated/%sapi's under its own name (%d bytes)", api, len(got), api, len(want))
		}
	}
}

// requiredVersion is the version of module path that root's go.mod requires.
func requiredVersion(t *testing.T, root, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == path {
			return f[1]
		}
	}
	t.Fatalf("go.mod requires no %s", path)
	return ""
}

// publish writes the working tree as testVersion of the module into a file-system
// module proxy and returns its directory.
func publish(t *testing.T, root string) string {
	t.Helper()
	proxy := t.TempDir()
	dir := filepath.Join(proxy, "github.com", "orgapis", "orgapis", "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, testVersion+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := modzip.CreateFromDir(f, module.Version{Path: "github.com/orgapis/orgapis", Version: testVersion}, root); err != nil {
		f.Close()
		t.Fatalf("zipping the module: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, testVersion+".mod"), string(gomod))
	write(t, filepath.Join(dir, testVersion+".info"), fmt.Sprintf(`{"Version":%q,"Time":%q}`, testVersion, time.Now().UTC().Format(time.RFC3339)))
	write(t, filepath.Join(dir, "list"), testVersion+"\n")
	return proxy
}

// env is an environment that reaches no network: the module comes from proxy, its
// dependencies from the download cache this machine already has, and modules are
// unpacked into a cache of the test's own, so the published test version never
// reaches the user's.
func env(proxy, hostCache, modcache string) []string {
	var out []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "GOFLAGS", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOMODCACHE", "GOTOOLCHAIN", "GOWORK", "GONOPROXY", "GOPRIVATE":
			continue
		}
		out = append(out, kv)
	}
	return append(out, "GOFLAGS=-mod=mod", "GOPROXY=file://"+proxy+",file://"+filepath.Join(hostCache, "cache", "download"),
		"GOSUMDB=off", "GOMODCACHE="+modcache, "GOTOOLCHAIN=local", "GOWORK=off")
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// run runs a command in dir and returns its standard output; a failure ends the test.
func run(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	out, code, stderr := execute(t, dir, env, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out, stderr)
	}
	return out
}

// status runs a command in dir and returns its exit status.
func status(t *testing.T, dir string, env []string, args ...string) int {
	t.Helper()
	_, code, _ := execute(t, dir, env, args...)
	return code
}

func execute(t *testing.T, dir string, env []string, args ...string) (string, int, string) {
	t.Helper()
	// Not t.Context(): cleanups run after it is cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), 0, stderr.String()
	case errors.As(err, &exit):
		return stdout.String(), exit.ExitCode(), stderr.String()
	}
	t.Fatalf("%v: %v", args, err)
	return "", 0, ""
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, string(data))
}
