// Package readme tests README.md as a reader uses it: every Go snippet compiles in a
// module of the reader's own, and every command that runs offline runs and prints
// what the README says it prints.
package readme

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// block is one fenced block of the README.
type block struct {
	lang string
	text string
	line int // the README line of the block's first line of content
	// given is what a Go fragment is given, from an HTML comment "<!-- given: ... -->"
	// on the line before the fence: the parameters of the function it is the body of.
	given string
}

var givenComment = regexp.MustCompile(`^<!-- given: (.*) -->$`)

func readme(t *testing.T) (root, text string, blocks []block) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok {
			continue
		}
		b := block{lang: lang, line: i + 2}
		if i > 0 {
			if m := givenComment.FindStringSubmatch(lines[i-1]); m != nil {
				b.given = m[1]
			}
		}
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			body = append(body, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("README.md:%d: a fence that never closes", b.line-1)
		}
		b.text = strings.Join(body, "\n") + "\n"
		blocks = append(blocks, b)
	}
	return root, string(data), blocks
}

// imports are the packages a snippet may name, by the name it names them by.
var imports = map[string]string{
	"affinity": "github.com/orgapis/orgapis/wrappers/affinity", "affinitytest": "github.com/orgapis/orgapis/wrappers/affinity/affinitytest",
	"apollo": "github.com/orgapis/orgapis/wrappers/apollo", "apollotest": "github.com/orgapis/orgapis/wrappers/apollo/apollotest",
	"option": "github.com/orgapis/orgapis/wrappers/option", "apicall": "github.com/orgapis/orgapis/wrappers/apicall",
	"contract": "github.com/orgapis/orgapis/contract", "specs": "github.com/orgapis/orgapis/specs",
	"affinityapi": "github.com/orgapis/orgapis/generated/affinityapi", "apolloapi": "github.com/orgapis/orgapis/generated/apolloapi",
	"context": "context", "errors": "errors", "fmt": "fmt", "log": "log", "os": "os", "time": "time", "http": "net/http",
	"json": "encoding/json", "testing": "testing", "strings": "strings", "url": "net/url",
	"webhook": "github.com/orgapis/orgapis/wrappers/affinity/webhook",
}

// importsOf is the import block for the packages src names (an identifier followed by
// a dot, outside comments and strings).
func importsOf(src string) string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", fset.Base(), len(src)), []byte(src), nil, 0)
	used := map[string]bool{}
	prev := ""
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.PERIOD && imports[prev] != "" {
			used[prev] = true
		}
		prev = ""
		if tok == token.IDENT {
			prev = lit
		}
	}
	if len(used) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("import (\n")
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range used {
			if !yield(n) {
				return
			}
		}
	}) {
		fmt.Fprintf(&b, "\t%q\n", imports[name])
	}
	b.WriteString(")\n")
	return b.String()
}

// source is a Go block as a file of package pkg, and how many lines come before the
// block's text in it: a whole file as it is, declarations with the imports they need,
// and a fragment as the body of func snippet, given its parameters.
func (b block) source(pkg string) (string, int) {
	if strings.HasPrefix(strings.TrimSpace(stripComments(b.text)), "package ") {
		return b.text, 0
	}
	given := b.given
	if given == "" {
		given = "ctx context.Context"
	}
	if strings.HasPrefix(b.text, "func ") || strings.Contains(b.text, "\nfunc ") {
		head := "package " + pkg + "\n\n" + importsOf(b.text) + "\n"
		return head + b.text, strings.Count(head, "\n")
	}
	head := "package " + pkg + "\n\n" + importsOf(given+"\n"+b.text) + "\nfunc snippet(" + given + ") {\n"
	return head + b.text + "}\n", strings.Count(head, "\n")
}

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "//") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// goEnv is the environment of a go command that reaches no network: modules come from
// the cache this machine has.
func goEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "GOFLAGS", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOTOOLCHAIN", "GOWORK", "GONOPROXY", "GOPRIVATE":
			continue
		}
		out = append(out, kv)
	}
	return append(out, "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local", "GOWORK=off")
}

// offline skips the test when out says a module the build needs is not in the cache.
func offline(t *testing.T, out string) {
	t.Helper()
	for _, sign := range []string{"GOPROXY=off", "module lookup disabled", "missing go.sum entry"} {
		if strings.Contains(out, sign) {
			t.Skipf("a module the README's code needs is not in this machine's module cache, and the test reaches no network:\n%s", out)
		}
	}
}

func goCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, goEnv()
	out, err := cmd.CombinedOutput()
	offline(t, string(out))
	return string(out), err
}

// userModule is a module of a reader's own that requires this one (replaced by the
// working tree), with every Go block of the README as a package of its own, named by
// its README line; it returns the module's directory and, by package, the block and
// the lines before its text.
func userModule(t *testing.T, root string, blocks []block) (string, map[string]block, map[string]int) {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/reader\n\ngo 1.26\n\nrequire github.com/orgapis/orgapis v0.0.0\n\nreplace github.com/orgapis/orgapis => "+root+"\n")
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	byPkg, heads := map[string]block{}, map[string]int{}
	for _, b := range blocks {
		if b.lang != "go" {
			continue
		}
		pkg := fmt.Sprintf("l%04d", b.line)
		src, head := b.source(pkg)
		write(t, filepath.Join(dir, pkg, "snippet.go"), src)
		byPkg[pkg], heads[pkg] = b, head
	}
	if len(byPkg) < 10 {
		t.Fatalf("%d Go blocks in the README: the reader found too few", len(byPkg))
	}
	return dir, byPkg, heads
}

var errorLine = regexp.MustCompile(`^(?:\./)?(l\d{4})/snippet\.go:(\d+):(\d+): (.*)$`)

// Every Go block of the README compiles as a reader pastes it: into a module of their
// own that requires this one, as the body of a function given what its comment names.
// Errors are reported at the README's lines.
func TestREADMEGoSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every snippet of the README")
	}
	root, _, blocks := readme(t)
	dir, byPkg, heads := userModule(t, root, blocks)
	out, err := goCmd(t, dir, "build", "-gcflags=-e", "./...")
	if err == nil {
		return
	}
	var msgs []string
	for _, l := range strings.Split(out, "\n") {
		if m := errorLine.FindStringSubmatch(l); m != nil {
			var n int
			fmt.Sscan(m[2], &n)
			msgs = append(msgs, fmt.Sprintf("README.md:%d: %s", byPkg[m[1]].line+n-1-heads[m[1]], m[4]))
		} else if l != "" && !strings.HasPrefix(l, "# ") {
			msgs = append(msgs, l)
		}
	}
	t.Errorf("the README's Go snippets do not compile (%v):\n%s", err, strings.Join(msgs, "\n"))
}

// commands are the README's shell commands, one a line, without comments.
func commands(blocks []block) []string {
	var out []string
	for _, b := range blocks {
		if b.lang != "sh" {
			continue
		}
		for _, l := range strings.Split(b.text, "\n") {
			if i := strings.Index(l, "#"); i >= 0 {
				l = l[:i]
			}
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// excused are the commands the test cannot run offline, and why.
var excused = []struct {
	match  *regexp.Regexp
	reason string
}{
	{regexp.MustCompile(`^git clone `), "needs the network; the test runs in a clone"},
	{regexp.MustCompile(`^make `), "make check runs every check and test, this one included; CI runs it"},
	{regexp.MustCompile(`\[flags\]|--api API`), "a synopsis, not a command"},
	{regexp.MustCompile(`^[A-Z_]+_API_KEY=\.\.\.`), "needs a key of the live service"},
	{regexp.MustCompile(`diff --api apollo --against apollo-published\.json --max-document-bytes 4194304`), "needs the vendor's published spec, from the network"},
	{regexp.MustCompile(`^go tool validate `), "in a module that pinned the tool: cmd/validate's install test runs it"},
	{regexp.MustCompile(`^go (get|install) `), "checked for a version that exists (TestREADMEInstallLines)"},
}

// The install lines name a version that exists: @latest, or a tag of this repository
// for this module, or what go.mod requires for another.
func TestREADMEInstallLines(t *testing.T) {
	root, text, _ := readme(t)
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]bool{}
	if out, err := exec.Command("git", "-C", root, "tag", "--list", "v*").Output(); err == nil {
		for _, tag := range strings.Fields(string(out)) {
			tags[tag] = true
		}
	}
	lines := regexp.MustCompile(`go (?:get|install)(?: -tool)?\s+(\S+)@(\S+?)[\x60\s)]`).FindAllStringSubmatch(text, -1)
	if len(lines) < 3 {
		t.Fatalf("%d install lines found: the pattern missed them", len(lines))
	}
	for _, m := range lines {
		path, version := m[1], m[2]
		switch {
		case version == "latest":
		case strings.HasPrefix(path, "github.com/orgapis/orgapis"):
			if !tags[version] {
				t.Errorf("go get %s@%s: this repository has no tag %s (tags: %v); say @latest, or how to pick one", path, version, version, tags)
			}
		default:
			mod := path
			for !strings.Contains(string(gomod), "\t"+mod+" ") && strings.Contains(mod, "/") {
				mod = mod[:strings.LastIndex(mod, "/")]
			}
			if !strings.Contains(string(gomod), "\t"+mod+" "+version+"\n") {
				t.Errorf("go get %s@%s: go.mod requires another version of %s", path, version, mod)
			}
		}
	}
}

// Every JSON block is JSON.
func TestREADMEJSONBlocks(t *testing.T) {
	_, _, blocks := readme(t)
	n := 0
	for _, b := range blocks {
		if b.lang != "json" {
			continue
		}
		n++
		if !json.Valid([]byte(b.text)) {
			t.Errorf("README.md:%d: not JSON", b.line)
		}
	}
	if n == 0 {
		t.Error("no JSON block found")
	}
}

// build builds a command of cmd/ once, as go run would, and returns its path.
func build(t *testing.T, root, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/"+name)
	cmd.Dir = root
	cmd.Env = append(goEnv(), "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		offline(t, string(out))
		t.Fatalf("go build ./cmd/%s: %v\n%s", name, err, out)
	}
	return bin
}

// commandsOf are the README's commands by the path go run names: each built once.
type commandsOf map[string]string

// run runs a README command line in dir with the built command for go run
// ./cmd/validate or ./cmd/enrichsync, an environment assignment before it and a
// redirection of its output after it, and returns its output and exit status.
func run(t *testing.T, dir string, bins commandsOf, line string) (stdout, stderr string, code int) {
	t.Helper()
	fields := strings.Fields(line)
	var env []string
	for len(fields) > 0 && strings.Contains(fields[0], "=") && !strings.HasPrefix(fields[0], "-") {
		env, fields = append(env, fields[0]), fields[1:]
	}
	redirect := ""
	if i := slices.Index(fields, ">"); i >= 0 {
		redirect, fields = fields[i+1], fields[:i]
	}
	if len(fields) < 3 || fields[0] != "go" || fields[1] != "run" || bins[fields[2]] == "" {
		t.Fatalf("%q is not a go run ./cmd/validate or ./cmd/enrichsync line", line)
	}
	cmd := exec.Command(bins[fields[2]], fields[3:]...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", line, err)
	}
	if redirect != "" {
		write(t, filepath.Join(dir, redirect), out.String())
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// Every command of the README runs, offline, in a fresh clone, and does what the README
// says; a command the test neither runs nor excuses, with its reason, fails it.
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	root, text, blocks := readme(t)
	bins := commandsOf{"./cmd/validate": build(t, root, "validate"), "./cmd/enrichsync": build(t, root, "enrichsync")}
	// A clone's working directory, whose outputs go nowhere near this tree.
	clone := t.TempDir()
	if err := os.Symlink(filepath.Join(root, "testdata"), filepath.Join(clone, "testdata")); err != nil {
		t.Fatal(err)
	}
	ran := map[string]bool{}
	check := func(line string, want func(stdout, stderr string, code int) string) {
		t.Helper()
		ran[line] = true
		stdout, stderr, code := run(t, clone, bins, line)
		if problem := want(stdout, stderr, code); problem != "" {
			t.Errorf("%s: %s\nexit %d\nstdout:\n%s\nstderr:\n%s", line, problem, code, stdout, stderr)
		}
	}

	// Quick start: the report the README shows, exactly, with exit status 1.
	quick := "go run ./cmd/validate testdata/recordings"
	for i, b := range blocks {
		if b.lang == "sh" && strings.Contains(b.text, quick+" ") && i+1 < len(blocks) && blocks[i+1].lang == "" {
			check(quick, func(stdout, _ string, code int) string {
				if code != 1 || stdout != blocks[i+1].text {
					return fmt.Sprintf("want exit 1 and the report of README.md:%d", blocks[i+1].line)
				}
				return ""
			})
		}
	}
	check("go run ./cmd/validate help", func(stdout, stderr string, code int) string {
		if code != 0 || !strings.Contains(stdout+stderr, "mock") {
			return "want exit 0 and every command listed"
		}
		return ""
	})
	check("go run ./cmd/validate version", func(stdout, _ string, code int) string {
		if code != 0 || !strings.HasPrefix(stdout, "validate ") || !strings.Contains(stdout, "spec affinity.yaml sha256:") {
			return "want exit 0, the version and the specs' digests"
		}
		return ""
	})
	check("go run ./cmd/validate --coverage testdata/recordings", func(stdout, _ string, code int) string {
		if code != 1 || !strings.Contains(stdout, "operations") {
			return "want the findings (exit 1) and what the recordings missed"
		}
		return ""
	})
	check("go run ./cmd/validate testdata/recordings --min-coverage operations=50", func(_, stderr string, code int) string {
		if code != 1 || !strings.Contains(stderr, "under --min-coverage") {
			return "want exit 1 under the floor"
		}
		return ""
	})
	check("go run ./cmd/validate propose --api apollo testdata/recordings > apollo.overlay.yaml", func(stdout, _ string, code int) string {
		if code != 0 || !strings.Contains(stdout, "overlay:") {
			return "want exit 0 and an overlay"
		}
		return ""
	})
	check("go run ./cmd/validate --overlay apollo.overlay.yaml testdata/recordings", func(stdout, _ string, code int) string {
		if code != 1 || strings.Contains(stdout, "(apollo ") || !strings.Contains(stdout, "(affinity ") {
			return "want Apollo's drift accepted and Affinity's findings left (exit 1)"
		}
		return ""
	})

	// validate mock as the README starts it; live and the replay against it; and the
	// Deal Flow snippet printing its rows.
	mockLine := "go run ./cmd/validate mock --api affinity --orgs 100 --lists 2 --person-lists 1 --entries 25"
	ran[mockLine] = true
	baseURL := startMock(t, bins["./cmd/validate"], strings.Fields(mockLine)[3:])
	liveLine := "AFFINITY_API_KEY=mock-key go run ./cmd/validate live --api affinity --base-url http://127.0.0.1:41234 --record out.har"
	ran[liveLine] = true
	stdout, stderr, code := run(t, clone, bins, strings.Replace(liveLine, "http://127.0.0.1:41234", baseURL, 1))
	if code != 0 || !strings.Contains(stdout, " passed, 0 failed") {
		t.Errorf("%s: exit %d\n%s%s", liveLine, code, stdout, stderr)
	}
	check("go run ./cmd/validate out.har", func(stdout, _ string, code int) string {
		if code != 0 || !strings.Contains(stdout, " passed, 0 failed") {
			return "want the recording to conform (exit 0)"
		}
		return ""
	})
	t.Run("Deal Flow against validate mock", func(t *testing.T) { dealFlowAgainstMock(t, root, text, blocks, baseURL) })

	// enrichsync: the demo, printing what the README shows after it; the demo's store
	// kept and its audit log; the example mapping.
	demo := "go run ./cmd/enrichsync demo"
	for i, b := range blocks {
		if b.lang == "sh" && strings.TrimSpace(b.text) == demo && i+1 < len(blocks) && blocks[i+1].lang == "" {
			check(demo, func(stdout, stderr string, code int) string {
				if code != 0 || stderr != "" {
					return "want exit 0 and nothing on standard error"
				}
				for _, l := range strings.Split(strings.TrimSpace(blocks[i+1].text), "\n") {
					if !strings.Contains(stdout, "\n"+l+"\n") {
						return fmt.Sprintf("README.md:%d shows %q, which the demo does not print", blocks[i+1].line, l)
					}
				}
				return ""
			})
		}
	}
	if !ran[demo] {
		t.Errorf("the README shows no %q with what it prints after it", demo)
	}
	check("go run ./cmd/enrichsync demo --db demo.db", func(stdout, _ string, code int) string {
		if code != 0 || !strings.Contains(stdout, "enrichsync log --db demo.db") {
			return "want exit 0 and the store kept"
		}
		return ""
	})
	check("go run ./cmd/enrichsync log --db demo.db --org acme.com", func(stdout, _ string, code int) string {
		if code != 0 || strings.Count(stdout, " acme.com ") != 7 || !strings.Contains(stdout, "OLD") {
			return "want exit 0 and the seven writes of acme.com"
		}
		return ""
	})
	check("go run ./cmd/enrichsync example > enrichsync.yaml", func(stdout, _ string, code int) string {
		if code != 0 || !strings.HasPrefix(stdout, "# enrichsync.yaml") || !strings.Contains(stdout, "\nfields:\n") {
			return "want exit 0 and the example mapping"
		}
		return ""
	})
	check("go run ./cmd/enrichsync help", func(stdout, _ string, code int) string {
		if code != 0 || !strings.Contains(stdout, "enrichsync demo") {
			return "want exit 0 and every command listed"
		}
		return ""
	})
	// validate proxy in front of a mock with a planted answer, as the README runs it:
	// curl and the Python snippet through it, the finding it logs, and the replay.
	proxyMock := "go run ./cmd/validate mock --api affinity --key mock-key --faults offspec"
	proxyLine := "go run ./cmd/validate proxy --api affinity --upstream http://127.0.0.1:41234 --addr 127.0.0.1:8080 --record traffic.har"
	curlLine := "curl -s -u :mock-key 'http://127.0.0.1:8080/organizations?page_size=2'"
	replayLine := "go run ./cmd/validate --requests traffic.har"
	for _, line := range []string{proxyMock, proxyLine, curlLine} {
		ran[line] = true
	}
	upstream := startMock(t, bins["./cmd/validate"], strings.Fields(proxyMock)[3:])
	proxyURL, stopProxy := startProxy(t, clone, bins["./cmd/validate"], strings.Fields(strings.NewReplacer("http://127.0.0.1:41234", upstream, "127.0.0.1:8080", "127.0.0.1:0").Replace(proxyLine))[3:])
	out, err := exec.Command("sh", "-c", strings.ReplaceAll(curlLine, "http://127.0.0.1:8080", proxyURL)).Output()
	if err != nil || !strings.Contains(string(out), `"name":42`) {
		t.Errorf("%s: %v %s: want the planted answer as the mock sent it", curlLine, err, out)
	}
	pythonExample(t, blocks, proxyURL)
	code, logged := stopProxy()
	if i := slices.IndexFunc(blocks, func(b block) bool { return strings.HasPrefix(b.text, "validate proxy: finding: ") }); i < 0 {
		t.Error("the README shows no finding of validate proxy")
	} else if code != 1 || !strings.Contains(logged, blocks[i].text) {
		t.Errorf("%s: exit %d, logged:\n%s\nwant exit 1 and the line of README.md:%d", proxyLine, code, logged, blocks[i].line)
	}
	check(replayLine, func(stdout, _ string, code int) string {
		if code != 1 || !strings.Contains(stdout, "traffic.har#0 200 body /organizations/0/name") {
			return "want the proxy's finding again (exit 1)"
		}
		return ""
	})

	for _, line := range commands(blocks) {
		if ran[line] {
			continue
		}
		if !slices.ContainsFunc(excused, func(e struct {
			match  *regexp.Regexp
			reason string
		}) bool {
			return e.match.MatchString(line)
		}) {
			t.Errorf("README command %q is neither run by this test nor excused with a reason", line)
		}
	}
}

// startMock starts validate mock with args until the test ends, and returns its base URL.
func startMock(t *testing.T, bin string, args []string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if strings.Contains(stderr.String(), "finding") {
			t.Errorf("validate mock logged findings:\n%s", stderr.String())
		}
	})
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "base URL: "); ok {
			go io.Copy(io.Discard, out)
			return u
		}
	}
	t.Fatalf("validate mock printed no base URL: %v %s", lines.Err(), stderr.String())
	return ""
}

// dealFlowAgainstMock builds the README's Deal Flow snippet into a program of a
// reader's, with a client of the mock, and checks it prints what the README says.
func dealFlowAgainstMock(t *testing.T, root, text string, blocks []block, baseURL string) {
	i := slices.IndexFunc(blocks, func(b block) bool {
		return b.lang == "go" && strings.Contains(b.text, `client.ListByName(ctx, "Deal Flow")`) && strings.Contains(b.text, "ListRows")
	})
	if i < 0 {
		t.Fatal("no Deal Flow snippet in the README")
	}
	dir, _, _ := userModule(t, root, blocks)
	src, _ := blocks[i].source("main")
	write(t, filepath.Join(dir, "dealflow", "snippet.go"), src)
	write(t, filepath.Join(dir, "dealflow", "main.go"), `package main

import (
	"context"
	"log"
	"os"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

func main() {
	client, err := affinity.NewClient(os.Args[2], option.WithBaseURL(os.Args[1]))
	if err != nil {
		log.Fatal(err)
	}
	snippet(context.Background(), client)
}
`)
	bin := filepath.Join(t.TempDir(), "dealflow")
	if out, err := goCmd(t, dir, "build", "-o", bin, "./dealflow"); err != nil {
		t.Fatalf("the Deal Flow snippet as a program: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, baseURL, "mock-key").CombinedOutput()
	if err != nil {
		t.Fatalf("the Deal Flow snippet against validate mock: %v\n%s", err, out)
	}
	rows := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	m := regexp.MustCompile("it prints the (\\d+)\\s+entries of its Deal Flow list, the first `([^`]+)`").FindStringSubmatch(text)
	if m == nil {
		t.Fatal("the README does not say what the Deal Flow snippet prints against validate mock")
	}
	if fmt.Sprint(len(rows)) != m[1] || rows[0] != m[2] {
		t.Errorf("against validate mock it printed %d rows, the first %q; the README says %s, the first %q", len(rows), rows[0], m[1], m[2])
	}
	row := regexp.MustCompile(`^Org \d+ org\d+\.example \[(New|In Progress|Won)\]$`)
	for _, r := range rows {
		if !row.MatchString(r) {
			t.Errorf("row %q: want an organization, its domain and its Status", r)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startProxy starts validate proxy with args in dir, and returns the address it
// listens on and a function that stops it as Ctrl-C does, returning its exit status
// and what it logged.
func startProxy(t *testing.T, dir, bin string, args []string) (string, func() (int, string)) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	lines := bufio.NewScanner(errPipe)
	addr := ""
	for addr == "" && lines.Scan() {
		logged.WriteString(lines.Text() + "\n")
		if _, after, ok := strings.Cut(lines.Text(), "listening on "); ok {
			addr, _, _ = strings.Cut(after, ",")
		}
	}
	if addr == "" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("validate proxy did not listen: %s", logged.String())
	}
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()
	stopped := false
	stop := func() (int, string) {
		stopped = true
		_ = cmd.Process.Signal(os.Interrupt)
		tail := <-rest
		_ = cmd.Wait()
		return cmd.ProcessState.ExitCode(), logged.String() + tail
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return addr, stop
}

// pythonExample runs the README's Python client through the proxy at proxyURL; it is
// skipped without python3 and requests, unless ORGAPIS_REQUIRE_CLIENT_SCRIPTS=1.
func pythonExample(t *testing.T, blocks []block, proxyURL string) {
	t.Helper()
	i := slices.IndexFunc(blocks, func(b block) bool { return b.lang == "python" && strings.Contains(b.text, "requests.Session()") })
	if i < 0 {
		t.Error("the README has no Python client of validate proxy")
		return
	}
	python := cmp.Or(os.Getenv("ORGAPIS_PYTHON"), "python3") // make test sets it to one with requests
	if err := exec.Command(python, "-c", "import requests").Run(); err != nil {
		if os.Getenv("ORGAPIS_REQUIRE_CLIENT_SCRIPTS") == "1" {
			t.Errorf("python3 with requests is not usable: %v", err)
		}
		return
	}
	out, err := exec.Command(python, "-c", strings.ReplaceAll(blocks[i].text, "http://127.0.0.1:8080", proxyURL)).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "2 organizations" {
		// The planted answer comes first: curl had it, so this page is the mock's own.
		t.Errorf("README.md:%d through the proxy: %v\n%s", blocks[i].line, err, out)
	}
}
