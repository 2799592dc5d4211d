package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// The hostile suite of the commands: every command of validate, every input kind it
// reads, against every fault that applies to that kind. The table is keyed by command
// name and checked against the command list, so that a command added without an entry
// fails here; each input kind says what it makes of each fault its kind can carry, so
// that a fault without an expectation fails too.

// fault is one way an input is hostile.
type fault string

const (
	aliasBomb  fault = "a YAML alias bomb of under 1 KB"
	overLimit  fault = "one byte over a lowered --max-document-bytes"
	atLimit    fault = "exactly a lowered --max-document-bytes"
	tooDeep    fault = "nested deeper than 256 levels"
	refSelf    fault = "a schema whose items $ref itself"
	refLoop    fault = "two schemas that $ref each other"
	withBOM    fault = "a byte-order mark at the start"
	nonASCII   fault = "non-ASCII text"
	nullInList fault = "null in a list"
	emptyFile  fault = "an empty file"
	aDirectory fault = "a directory where a file is expected"
	aFIFO      fault = "a FIFO where a file is expected"
)

// docKind is a kind of document a command reads, and how to write it hostile.
type docKind struct {
	name string
	// good is a document of the kind the command reads as intended.
	good func(t *testing.T) []byte
	// yaml: the kind is YAML (aliases apply; padded with a comment); else JSON or
	// lines (padded with white space).
	yaml bool
	// sized: the document is read whole, within --max-document-bytes.
	sized bool
	// hostile are the kind's own faults (deep, non-ASCII, null in a list, $ref
	// cycles, the alias bomb); the generic ones are made from good.
	hostile map[fault]func(t *testing.T) []byte
}

// faults are those the kind can carry: the generic ones, and its own.
func (k docKind) faults(path bool) []fault {
	fs := []fault{withBOM, emptyFile}
	if path {
		fs = append(fs, aDirectory, aFIFO)
	}
	if k.sized {
		fs = append(fs, overLimit, atLimit)
	}
	for f := range k.hostile {
		fs = append(fs, f)
	}
	slices.Sort(fs)
	return fs
}

// limitFor is the lowered --max-document-bytes of the size faults: the good document
// and a little room, so that padding to it keeps the document whole.
func limitFor(good []byte) int { return len(good) + 100 }

// content is the kind's document carrying f.
func (k docKind) content(t *testing.T, f fault) []byte {
	good := k.good(t)
	switch f {
	case withBOM:
		return append([]byte("\ufeff"), good...)
	case emptyFile:
		return nil
	case overLimit, atLimit:
		n := limitFor(good)
		if f == overLimit {
			n++
		}
		pad := bytes.Repeat([]byte(" "), n-len(good)-1)
		if k.yaml {
			pad[0] = '#'
			return append(append(append(append([]byte{}, good...), '\n'), pad[:len(pad)-1]...), '\n')
		}
		return append(append(append([]byte{}, good...), pad...), '\n')
	}
	if make, ok := k.hostile[f]; ok {
		return make(t)
	}
	t.Fatalf("%s cannot carry %s", k.name, f)
	return nil
}

// outcome is what a command makes of a fault: its exit status, and what its output
// (report and messages) says. checked, when not negative, is the number of exchanges
// the report counts: the good input's beside the hostile one's.
type outcome struct {
	code    int
	says    []string
	checked int
}

// refused is an input refused with exit 2, the output saying why.
func refused(says ...string) outcome { return outcome{code: 2, says: says, checked: -1} }

// input is one input kind of a command.
type input struct {
	kind docKind
	// args is the command line reading the document at file ("-" for stdin) beside
	// the good inputs the command needs; limit, when not 0, is a lowered
	// --max-document-bytes to pass.
	args func(t *testing.T, file string, limit int) []string
	// stdin: the document is given on standard input, as "-".
	stdin bool
	// inDir: the document is put in a directory, and the directory given.
	inDir bool
	// expect is the outcome of each fault; {file} in a says is the file's path.
	expect map[fault]outcome
}

// commandEntry is what the suite tries on one command.
type commandEntry struct {
	inputs []input
	// cases are the command's other hostile inputs: servers, keys, requests, args.
	cases map[string]func(t *testing.T)
	// peak names where the command's peak memory is measured under maxPeakMB for
	// inputs that could set it, or says why no input can.
	peak string
}

// hostileRun runs the command in this process, without changing directory: every path
// is absolute. A panic fails the test with the command line, rather than the process.
func hostileRun(t *testing.T, stdin []byte, args ...string) (r result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("validate %q panicked: %v", args, p)
		}
	}()
	code := Run(ctx, args, bytes.NewReader(stdin), &out, &errOut)
	if ctx.Err() != nil {
		t.Errorf("validate %q ran past its minute", args)
	}
	return result{code, out.String(), errOut.String()}
}

// clean fails when output holds the key in any form, or a control character a
// terminal would act on.
func clean(t *testing.T, what, text string) {
	t.Helper()
	for _, form := range keyForms() {
		if strings.Contains(text, form) {
			t.Errorf("%s holds the key as %q:\n%s", what, form, text)
		}
	}
	for _, r := range text {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			t.Errorf("%s holds the control character %q:\n%.2000s", what, r, text)
			break
		}
	}
}

// Hostile documents: the pieces.

var (
	authBasic = base64.StdEncoding.EncodeToString([]byte(":" + hostileKey))
	orgBody   = `{"id":1,"name":"Org","domain":"org.example","domains":["org.example"],"crunchbase_uuid":null,"global":false}`
	uniBody   = `{"id":1,"name":"Ünïcødé 名前 🚀 \u0000-free","domain":"xn--nxasmq6b.example","domains":["org.example"],"crunchbase_uuid":null,"global":false}`
)

func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func deepJSON(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// harEntry is a HAR entry of GET path answered with body, its request carrying the key
// in every place a recording carries one.
func harEntry(path, body string) string {
	return `{"request":{"method":"GET","url":"https://api.affinity.co` + path + `","headers":[{"name":"Authorization","value":"Basic ` + authBasic +
		`"},{"name":"X-Api-Key","value":` + jsonText(hostileKey) + `}]},"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],` +
		`"content":{"mimeType":"application/json","text":` + jsonText(body) + `}}}`
}

func har(entries ...string) []byte {
	return []byte(`{"log":{"version":"1.2","creator":{"name":"hostile","version":"1"},"entries":[` + strings.Join(entries, ",") + "]}}\n")
}

func jsonLine(path, body string) string {
	return `{"method":"GET","url":"https://api.affinity.co` + path + `","status":200,"request_headers":{"Authorization":"Basic ` + authBasic +
		`"},"response_headers":{"Content-Type":"application/json"},"response_body":` + body + "}\n"
}

func cassetteEntry(id int, path, body string) string {
	return fmt.Sprintf(`    - id: %d
      request:
        body: ""
        headers:
            Authorization:
                - Basic %s
        url: https://api.affinity.co%s
        method: GET
      response:
        body: %s
        headers:
            Content-Type:
                - application/json
        status: 200 OK
        code: 200
`, id, authBasic, path, jsonText(body))
}

func cassette(entries ...string) []byte {
	return []byte("---\ninteractions:\n" + strings.Join(entries, ""))
}

// bombYAML is under 1 KB and expands to 10^9 nodes: nine levels of ten aliases.
func bombYAML(indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%sx-0: &a0 [l, l, l, l, l, l, l, l, l, l]\n", indent)
	for i := 1; i < 9; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&b, "%sx-%d: &a%d [%s]\n", indent, i, i, strings.Repeat(p+", ", 9)+p)
	}
	return b.String()
}

// deepYAML is a flow sequence nested n deep.
func deepYAML(n int) string { return deepJSON(n) }

// cycleSpec is an Affinity spec of one operation whose answer is a recursive schema:
// A is an array of A (self), or A an array of B and B an array of A (loop).
func cycleSpec(loop bool) []byte {
	schemas := "    A: {type: array, items: {$ref: '#/components/schemas/A'}}\n"
	if loop {
		schemas = "    A: {type: array, items: {$ref: '#/components/schemas/B'}}\n    B: {type: array, items: {$ref: '#/components/schemas/A'}}\n"
	}
	return []byte(`openapi: 3.0.3
info: {title: cycle, version: "1"}
servers: [{url: "https://api.affinity.co"}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: A tree.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
components:
  schemas:
` + schemas)
}

// thingsHAR answers GET /things/1 with arrays nested 300 deep (past the limit of a
// document, within what a body may hold) and a shallow one: the recursive schema is
// walked as deep as the body goes.
func thingsHAR() []byte {
	return har(harEntry("/things/1", deepJSON(300)), harEntry("/things/1", "[[[],[]],[]]"))
}

func affinitySpec(t *testing.T) []byte {
	src, err := specs.Source(specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func mustRead(t *testing.T, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// openAPIKind is an OpenAPI document whose good form good makes: the hostile forms put
// their own top-level member before info, a null first among the servers, or are a
// document of recursive schemas.
func openAPIKind(name string, good func(t *testing.T) []byte) docKind {
	top := func(t *testing.T, member string) []byte {
		return []byte(strings.Replace(string(good(t)), "\ninfo:", "\n"+member+"\ninfo:", 1))
	}
	return docKind{name: name, yaml: true, sized: true, good: good,
		hostile: map[fault]func(*testing.T) []byte{
			aliasBomb: func(t *testing.T) []byte { return top(t, "x-bomb:\n"+strings.TrimSuffix(bombYAML("  "), "\n")) },
			tooDeep:   func(t *testing.T) []byte { return top(t, "x-deep: "+deepYAML(100_000)) },
			refSelf:   func(*testing.T) []byte { return cycleSpec(false) },
			refLoop:   func(*testing.T) []byte { return cycleSpec(true) },
			nonASCII:  func(t *testing.T) []byte { return top(t, "x-note: Ünïcødé 名前 🚀") },
			nullInList: func(t *testing.T) []byte {
				return []byte(strings.Replace(string(good(t)), "\nservers:\n", "\nservers:\n  - null\n", 1))
			},
		}}
}

// The kinds.

var (
	harKind = docKind{name: "HAR", good: func(*testing.T) []byte { return har(harEntry("/organizations/1", orgBody)) },
		hostile: map[fault]func(*testing.T) []byte{
			tooDeep: func(*testing.T) []byte {
				return har(strings.Replace(harEntry("/organizations/1", orgBody), `{"request"`, `{"_deep":`+deepJSON(100_000)+`,"request"`, 1))
			},
			nonASCII:   func(*testing.T) []byte { return har(harEntry("/organizations/1?term=%E5%90%8D%E5%89%8D", uniBody)) },
			nullInList: func(*testing.T) []byte { return har("null", harEntry("/organizations/1", orgBody)) },
		}}
	jsonLinesKind = docKind{name: "JSON lines", good: func(*testing.T) []byte { return []byte(jsonLine("/organizations/1", orgBody)) },
		hostile: map[fault]func(*testing.T) []byte{
			tooDeep:  func(*testing.T) []byte { return []byte(jsonLine("/organizations/1", `{"x":`+deepJSON(100_000)+`}`)) },
			nonASCII: func(*testing.T) []byte { return []byte(jsonLine("/organizations/1?term=%E5%90%8D", uniBody)) },
			nullInList: func(*testing.T) []byte {
				return []byte(jsonLine("/organizations/1", orgBody) + "null\n" + jsonLine("/organizations/1", orgBody))
			},
		}}
	cassetteKind = docKind{name: "go-vcr cassette", yaml: true, sized: true,
		good: func(*testing.T) []byte { return cassette(cassetteEntry(0, "/organizations/1", orgBody)) },
		hostile: map[fault]func(*testing.T) []byte{
			aliasBomb: func(*testing.T) []byte {
				return []byte(string(cassette(cassetteEntry(0, "/organizations/1", orgBody))) + bombYAML(""))
			},
			tooDeep: func(*testing.T) []byte {
				return []byte(string(cassette(cassetteEntry(0, "/organizations/1", orgBody))) + "x-deep: " + deepYAML(100_000) + "\n")
			},
			nonASCII: func(*testing.T) []byte { return cassette(cassetteEntry(0, "/organizations/1?term=%E5%90%8D", uniBody)) },
			nullInList: func(*testing.T) []byte {
				return cassette("    - null\n", cassetteEntry(1, "/organizations/1", orgBody))
			},
		}}
	specKind   = openAPIKind("OpenAPI document", affinitySpec)
	vendorKind = openAPIKind("vendor's OpenAPI document", func(t *testing.T) []byte {
		return mustRead(t, filepath.Join(root, "cmd/validate/internal/cli/testdata/vendor-apollo.yaml"))
	})
	overlayKind = docKind{name: "OpenAPI Overlay", yaml: true, sized: true,
		good: func(*testing.T) []byte {
			return []byte(overlayHead + "  - target: $.info\n    update: {title: Patched}\n")
		},
		hostile: map[fault]func(*testing.T) []byte{
			aliasBomb: func(*testing.T) []byte {
				return []byte(overlayHead + "  - target: $.info\n    update:\n" + bombYAML("      "))
			},
			tooDeep: func(*testing.T) []byte {
				return []byte(overlayHead + "  - target: $.info\n    update: {x-deep: " + deepYAML(100_000) + "}\n")
			},
			refSelf: func(*testing.T) []byte {
				return []byte(overlayHead + "  - target: $.components.schemas\n    update:\n      Loop: {type: array, items: {$ref: '#/components/schemas/Loop'}}\n")
			},
			refLoop: func(*testing.T) []byte {
				return []byte(overlayHead + "  - target: $.components.schemas\n    update:\n      LoopA: {type: array, items: {$ref: '#/components/schemas/LoopB'}}\n" +
					"      LoopB: {type: array, items: {$ref: '#/components/schemas/LoopA'}}\n")
			},
			nonASCII: func(*testing.T) []byte {
				return []byte(overlayHead + "  - target: $.info\n    update: {title: Ünïcødé 名前 🚀}\n")
			},
			nullInList: func(*testing.T) []byte {
				return []byte(overlayHead + "  - null\n  - target: $.info\n    update: {title: Patched}\n")
			},
		}}
	// The baselines are made from the good recording by the command itself.
	baselineReportKind = docKind{name: "JSON report as a baseline", sized: true, good: goodReport,
		hostile: map[fault]func(*testing.T) []byte{
			tooDeep: func(t *testing.T) []byte {
				return []byte(strings.Replace(string(goodReport(t)), `"findings":`, `"x-deep":`+deepJSON(100_000)+`,"findings":`, 1))
			},
			nonASCII: func(t *testing.T) []byte {
				return []byte(strings.Replace(string(goodReport(t)), `"findings":[`, `"findings":[{"api":"affinity","operation_id":"名前","kind":"body","location":"body","pointer":"/Ünïcødé"},`, 1))
			},
			nullInList: func(t *testing.T) []byte {
				return []byte(strings.Replace(string(goodReport(t)), `"findings":[`, `"findings":[null,`, 1))
			},
		}}
	baselineFileKind = docKind{name: "baseline file", sized: true, good: goodBaseline,
		hostile: map[fault]func(*testing.T) []byte{
			nonASCII: func(t *testing.T) []byte {
				return append(goodBaseline(t), "affinity\t名前\tbody\tbody\t/Ünïcødé\n"...)
			},
		}}
)

// goodHAR is the project's own Affinity recording: 6 exchanges of Affinity, 2 with a
// finding each, beside which a hostile input is given.
func goodHAR(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.har")
	if err := os.WriteFile(path, mustRead(t, filepath.Join(root, "testdata/recordings/affinity.har")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// goodChecked is what the report counts of goodHAR.
const goodChecked = 6

func goodReport(t *testing.T) []byte {
	r := hostileRun(t, nil, "check", "--format", "json", goodHAR(t))
	if r.code != 1 {
		t.Fatalf("the good recording: exit %d\n%s", r.code, r.stderr)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(r.stdout)); err != nil {
		t.Fatal(err)
	}
	return compact.Bytes()
}

func goodBaseline(t *testing.T) []byte {
	file := filepath.Join(t.TempDir(), "base.txt")
	if r := hostileRun(t, nil, "check", "--write-baseline", file, goodHAR(t)); r.code != 0 {
		t.Fatalf("writing the baseline: exit %d\n%s", r.code, r.stderr)
	}
	return mustRead(t, file)
}

// withLimit adds a lowered --max-document-bytes to args.
func withLimit(args []string, limit int) []string {
	if limit == 0 {
		return args
	}
	return append(args, "--max-document-bytes", fmt.Sprint(limit))
}

// read is an outcome of a hostile recording read beside the good one: exit 1 for the
// good one's findings, and the exchanges of both counted.
func read(extra int, says ...string) outcome {
	return outcome{code: 1, says: says, checked: goodChecked + extra}
}

// unreadable is an outcome of a hostile recording refused beside the good one: exit 2,
// the report naming it, and the good one's exchanges still counted.
func unreadable(extra int, says ...string) outcome {
	return outcome{code: 2, says: says, checked: goodChecked + extra}
}

// recordings are the recording inputs of check and propose: each kind named outright
// beside the good recording, a HAR on standard input and a cassette in a directory.
func recordings(command string, har, lines, vcr, stdin, dir map[fault]outcome) []input {
	args := func(t *testing.T, file string, limit int) []string {
		if command == "check" {
			return withLimit([]string{"check", "--format", "json", goodHAR(t), file}, limit)
		}
		return withLimit([]string{"propose", "--api", "affinity", goodHAR(t), file}, limit)
	}
	return []input{
		{kind: harKind, args: args, expect: har},
		{kind: jsonLinesKind, args: args, expect: lines},
		{kind: cassetteKind, args: args, expect: vcr},
		{kind: harKind, args: args, stdin: true, expect: stdin},
		{kind: cassetteKind, args: args, inDir: true, expect: dir},
	}
}

// hostileCommands is the suite's table, keyed by command name.
func hostileCommands() map[string]commandEntry {
	return map[string]commandEntry{
		"check":   checkEntry(),
		"propose": proposeEntry(),
		"diff":    diffEntry(),
		"spec":    specEntry(),
		"live":    liveEntry(),
		"mock":    mockEntry(),
		"proxy":   proxyEntry(),
		"help":    helpEntry(),
		"version": versionEntry(),
	}
}

// Every command of the list has an entry, and every entry names a command: a command
// added without one fails here.
func TestHostileCommandsCoverTheCommandList(t *testing.T) {
	table := hostileCommands()
	for _, name := range commands {
		e, ok := table[name]
		if !ok {
			t.Errorf("command %q has no entry in the hostile suite", name)
			continue
		}
		if len(e.inputs)+len(e.cases) == 0 {
			t.Errorf("command %q: its entry tries nothing", name)
		}
		if e.peak == "" {
			t.Errorf("command %q: its entry says nothing of its peak memory", name)
		}
	}
	for name := range table {
		if !slices.Contains(commands, name) {
			t.Errorf("the hostile suite has an entry for %q, which is no command", name)
		}
	}
}

// Every input kind of every command meets every fault its kind can carry.
func TestHostileCommandsInputs(t *testing.T) {
	for _, name := range commands {
		e := hostileCommands()[name]
		for _, in := range e.inputs {
			where := in.kind.name
			switch {
			case in.stdin:
				where += " on stdin"
			case in.inDir:
				where += " in a directory"
			}
			for _, f := range in.kind.faults(!in.stdin) {
				t.Run(name+"/"+where+"/"+string(f), func(t *testing.T) {
					want, ok := in.expect[f]
					if !ok {
						t.Fatalf("no outcome stated for %s", f)
					}
					tryFault(t, in, f, want)
				})
			}
			for f := range in.expect {
				if !slices.Contains(in.kind.faults(!in.stdin), f) {
					t.Errorf("%s/%s: an outcome for %s, which the kind cannot carry", name, where, f)
				}
			}
		}
	}
}

func tryFault(t *testing.T, in input, f fault, want outcome) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hostile"+map[bool]string{true: ".yaml", false: ".json"}[in.kind.yaml])
	var stdin []byte
	switch f {
	case aDirectory:
		if err := os.Mkdir(file, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(file, "inside.har"), []byte("not a recording"), 0o644); err != nil {
			t.Fatal(err)
		}
	case aFIFO:
		if err := syscall.Mkfifo(file, 0o644); err != nil {
			t.Skip("no FIFO here:", err)
		}
	default:
		data := in.kind.content(t, f)
		if in.stdin {
			stdin, file = data, "-"
		} else if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	given := file
	if in.inDir {
		given = dir
	}
	limit := 0
	if f == overLimit || f == atLimit {
		limit = limitFor(in.kind.good(t))
	}
	args := in.args(t, given, limit)
	r := hostileRun(t, stdin, args...)
	if r.code != want.code {
		t.Errorf("%q: exit %d, want %d\n%s", args, r.code, want.code, brief(r))
	}
	output := r.stdout + r.stderr
	for _, s := range want.says {
		s = strings.ReplaceAll(s, "{file}", file)
		if !strings.Contains(output, s) {
			t.Errorf("%q: the output does not say %q\n%s", args, s, brief(r))
		}
	}
	if want.checked >= 0 {
		var rep JSONReport
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("%q: no JSON report: %v\n%.2000s\n%s", args, err, r.stdout, r.stderr)
		}
		if rep.Summary.Checked != want.checked {
			t.Errorf("%q: %d exchanges checked, want %d (the good recording's %d and the hostile one's)\n%s", args, rep.Summary.Checked, want.checked, goodChecked, r.stderr)
		}
	}
	clean(t, "stdout", r.stdout)
	clean(t, "stderr", r.stderr)
}

func checkEntry() commandEntry {
	// A recording of one exchange read beside the good one: 7 checked.
	one := read(1)
	fifo := unreadable(0, "{file}", "a named pipe (FIFO), not read")
	har := map[fault]outcome{
		withBOM: one, nonASCII: one, emptyFile: read(0),
		tooDeep:    unreadable(0, "{file}", "entry nests deeper than 10000 levels, the limit for JSON"),
		nullInList: unreadable(1, "{file}", "response is missing"),
		aDirectory: read(0),
		aFIFO:      fifo,
	}
	lines := maps.Clone(har)
	lines[tooDeep] = unreadable(0, "{file}", "line nests deeper than 10000 levels, the limit for JSON")
	lines[nullInList] = unreadable(2, "{file}", "request method is missing")
	vcr := map[fault]outcome{
		withBOM: one, nonASCII: one, emptyFile: read(0), atLimit: one,
		aliasBomb:  unreadable(0, "{file}", "alias"),
		overLimit:  unreadable(0, "{file}", "--max-document-bytes"),
		tooDeep:    unreadable(0, "{file}", "nests deeper than 256 levels"),
		nullInList: unreadable(1, "{file}", "request method is missing"),
		aDirectory: read(0),
		aFIFO:      fifo,
	}
	dir := maps.Clone(vcr)
	dir[aFIFO] = read(0) // in a directory, a FIFO is counted and never opened
	stdin := map[fault]outcome{
		withBOM: one, nonASCII: one, emptyFile: read(0),
		tooDeep:    unreadable(0, "(stdin)", "entry nests deeper than 10000 levels, the limit for JSON"),
		nullInList: unreadable(1, "(stdin)", "response is missing"),
	}
	spec := func(t *testing.T, file string, limit int) []string {
		things := filepath.Join(t.TempDir(), "things.har")
		if err := os.WriteFile(things, thingsHAR(), 0o644); err != nil {
			t.Fatal(err)
		}
		return withLimit([]string{"check", "--format", "json", "--strict", "--spec", file, goodHAR(t), things}, limit)
	}
	overlay := func(t *testing.T, file string, limit int) []string {
		return withLimit([]string{"check", "--format", "json", "--overlay", file, goodHAR(t)}, limit)
	}
	baseline := func(t *testing.T, file string, limit int) []string {
		return withLimit([]string{"check", "--format", "json", "--baseline", file, goodHAR(t)}, limit)
	}
	known := outcome{code: 0, checked: goodChecked}
	return commandEntry{
		inputs: append(recordings("check", har, lines, vcr, stdin, dir),
			input{kind: specKind, args: spec, expect: map[fault]outcome{
				withBOM: read(2), nonASCII: read(2), atLimit: read(2),
				refSelf: read(2), refLoop: read(2),
				aliasBomb:  refused("--spec {file}", "alias"),
				overLimit:  refused("--spec {file}", "--max-document-bytes"),
				tooDeep:    refused("--spec {file}", "nests deeper than 256 levels"),
				nullInList: refused("--spec {file}"),
				emptyFile:  refused("--spec {file}"),
				aDirectory: refused("--spec {file}", "directory"),
				aFIFO:      refused("--spec {file}", "FIFO"),
			}},
			input{kind: overlayKind, args: overlay, expect: map[fault]outcome{
				withBOM: read(0), nonASCII: read(0), atLimit: read(0),
				refSelf: read(0), refLoop: read(0),
				aliasBomb:  refused("--overlay {file}", "alias"),
				overLimit:  refused("--overlay {file}", "--max-document-bytes"),
				tooDeep:    refused("--overlay {file}", "nests deeper than 256 levels"),
				nullInList: refused("--overlay {file}"),
				emptyFile:  refused("--overlay {file}"),
				aDirectory: refused("--overlay {file}", "directory"),
				aFIFO:      refused("--overlay {file}", "FIFO"),
			}},
			input{kind: baselineReportKind, args: baseline, expect: map[fault]outcome{
				withBOM: known, nonASCII: known, atLimit: known,
				overLimit:  refused("--baseline", "{file}", "--max-document-bytes"),
				tooDeep:    refused("--baseline", "{file}", "nests deeper than 256 levels"),
				nullInList: refused("--baseline", "{file}"),
				emptyFile:  read(0),
				aDirectory: refused("--baseline", "{file}", "directory"),
				aFIFO:      refused("--baseline", "{file}", "FIFO"),
			}},
			input{kind: baselineFileKind, args: baseline, expect: map[fault]outcome{
				withBOM: known, nonASCII: known, atLimit: known,
				overLimit:  refused("--baseline", "{file}", "--max-document-bytes"),
				emptyFile:  read(0),
				aDirectory: refused("--baseline", "{file}", "directory"),
				aFIFO:      refused("--baseline", "{file}", "FIFO"),
			}},
		),
		cases: map[string]func(t *testing.T){
			"--write-baseline a directory": func(t *testing.T) {
				refusedArgs("validate: --write-baseline: ", "check", "--write-baseline", t.TempDir(), goodHAR(t))(t)
			},
			"--format of control characters": refusedArgs(`--format "\x1b[2J`, "check", "--format", controlArg, filepath.Join(root, "testdata/recordings/affinity.har")),
			"a recording named with control characters": func(t *testing.T) {
				file := filepath.Join(t.TempDir(), "\x1b[2Jrec\a.har")
				if err := os.WriteFile(file, mustRead(t, goodHAR(t)), 0o644); err != nil {
					t.Fatal(err)
				}
				r := hostileRun(t, nil, "check", file, filepath.Join(t.TempDir(), "\x1b[31mmissing.har"))
				if r.code != 2 || !strings.Contains(r.stdout, `\x1b[31mmissing.har`) || !strings.Contains(r.stdout, `\x1b[2Jrec\x07.har#2`) {
					t.Errorf("exit %d\n%s", r.code, brief(r))
				}
				clean(t, "stdout", r.stdout)
				clean(t, "stderr", r.stderr)
			},
		},
		peak: "TestHostileCommandsPeakRSS/check (cassettes at and over their node limit), TestMillionFindingsPeakMemory, TestDocumentsPeakRSS",
	}
}

// proposed is propose's outcome with the good recording's 6 exchanges and extra more
// read.
func proposed(code, extra int, says ...string) outcome {
	return outcome{code: code, says: append(says, fmt.Sprintf("%d exchanges of affinity read", goodChecked+extra)), checked: -1}
}

func proposeEntry() commandEntry {
	one := proposed(0, 1)
	har := map[fault]outcome{
		withBOM: one, nonASCII: one, emptyFile: proposed(0, 0),
		tooDeep:    proposed(2, 0, "{file} entry 0", "nests deeper than 10000 levels"),
		nullInList: proposed(2, 1, "{file} entry 0"),
		aDirectory: proposed(0, 0),
		aFIFO:      proposed(2, 0, "{file}", "a named pipe (FIFO), not read"),
	}
	vcr := map[fault]outcome{
		withBOM: one, nonASCII: one, emptyFile: proposed(0, 0), atLimit: one,
		aliasBomb:  proposed(2, 0, "{file}", "alias"),
		overLimit:  proposed(2, 0, "{file}", "--max-document-bytes"),
		tooDeep:    proposed(2, 0, "{file}", "nests deeper than 256 levels"),
		nullInList: proposed(2, 1, "{file} entry 0"),
		aDirectory: proposed(0, 0),
		aFIFO:      proposed(2, 0, "{file}", "a named pipe (FIFO), not read"),
	}
	lines := map[fault]outcome{
		withBOM: one, nonASCII: one, emptyFile: proposed(0, 0),
		tooDeep:    proposed(2, 0, "{file} entry 0", "nests deeper than 10000 levels"),
		nullInList: proposed(2, 2, "{file} entry 1"),
		aDirectory: proposed(0, 0),
		aFIFO:      proposed(2, 0, "{file}", "a named pipe (FIFO), not read"),
	}
	stdin := map[fault]outcome{
		withBOM: one, nonASCII: one, emptyFile: proposed(0, 0),
		tooDeep:    proposed(2, 0, "(stdin) entry 0", "nests deeper than 10000 levels"),
		nullInList: proposed(2, 1, "(stdin) entry 0"),
	}
	dir := maps.Clone(vcr)
	dir[aFIFO] = proposed(0, 0)
	ins := recordings("propose", har, lines, vcr, stdin, dir)
	spec := func(t *testing.T, file string, limit int) []string {
		things := filepath.Join(t.TempDir(), "things.har")
		if err := os.WriteFile(things, thingsHAR(), 0o644); err != nil {
			t.Fatal(err)
		}
		return withLimit([]string{"propose", "--api", "affinity", "--spec", file, goodHAR(t), things}, limit)
	}
	both := proposed(0, 2)
	ins = append(ins, input{kind: specKind, args: spec, expect: map[fault]outcome{
		withBOM: both, nonASCII: both, atLimit: both, refSelf: both, refLoop: both,
		aliasBomb:  refused("validate propose: {file}", "alias"),
		overLimit:  refused("validate propose: {file}", "--max-document-bytes"),
		tooDeep:    refused("validate propose: {file}", "nests deeper than 256 levels"),
		nullInList: refused("validate propose: {file}"),
		emptyFile:  refused("validate propose: {file}"),
		aDirectory: refused("validate propose: {file}", "directory"),
		aFIFO:      refused("validate propose: {file}", "FIFO"),
	}})
	return commandEntry{inputs: ins, peak: "TestProposeHugeBodyPeakMemory (2.6 million members; a body at --max-members)"}
}

func diffEntry() commandEntry {
	against := func(t *testing.T, file string, limit int) []string {
		return withLimit([]string{"diff", "--api", "apollo", "--against", file}, limit)
	}
	// The vendor's document differs in ways code generated from ours would feel: exit 1.
	differs := outcome{code: 1, says: []string{"3 operations compared"}, checked: -1}
	// A recursive document is cut where each loop closes, and said so; this one
	// describes none of Apollo's operations, which is an error of its own.
	cut := refused("{file}: #/components/schemas/A refers to itself; compared down to its first repetition", "describes none of the apollo spec's operations")
	return commandEntry{
		inputs: []input{{kind: vendorKind, args: against, expect: map[fault]outcome{
			withBOM: differs, nonASCII: differs, atLimit: differs,
			refSelf: cut, refLoop: cut,
			aliasBomb:  refused("--against {file}", "alias"),
			overLimit:  refused("--against {file}", "--max-document-bytes"),
			tooDeep:    refused("--against {file}", "nests deeper than 256 levels"),
			nullInList: refused("--against {file}"),
			emptyFile:  refused("--against {file}"),
			aDirectory: refused("--against {file}", "directory"),
			aFIFO:      refused("--against {file}", "FIFO"),
		}}},
		peak: "TestDocumentsPeakRSS (alias bomb, 200 MB, deep nesting, both sides of the limit)",
	}
}

// controlArg is an argument a terminal would act on: it clears the screen, sets a
// colour, rings and writes a false line.
const controlArg = "\x1b[2J\x1b[31mred\x07\r\nvalidate: all good\x00"

// refusedArgs runs args and wants exit 2, says in standard error, and no control
// character of controlArg written.
func refusedArgs(says string, args ...string) func(t *testing.T) {
	return func(t *testing.T) {
		r := hostileRun(t, nil, args...)
		if r.code != 2 || !strings.Contains(r.stdout+r.stderr, says) {
			t.Errorf("%q: exit %d, want 2 saying %q\n%s", args, r.code, says, brief(r))
		}
		clean(t, "stdout", r.stdout)
		clean(t, "stderr", r.stderr)
	}
}

func specEntry() commandEntry {
	written := func(flag string) func(t *testing.T) {
		return func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "Ünïcødé 名前.yaml")
			if r := hostileRun(t, nil, "spec", "--api", "affinity", flag, file); r.code != 0 || len(mustRead(t, file)) == 0 {
				t.Errorf("%s to a non-ASCII name: exit %d\n%s", flag, r.code, brief(r))
			}
		}
	}
	toDir := func(flag string) func(t *testing.T) {
		return func(t *testing.T) {
			dir := t.TempDir()
			refusedArgs("validate spec: "+flag+": ", "spec", "--api", "affinity", flag, dir)(t)
		}
	}
	underFile := func(flag string) func(t *testing.T) {
		return func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(file, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			refusedArgs("validate spec: "+flag+": ", "spec", "--api", "affinity", flag, filepath.Join(file, "x.yaml"))(t)
		}
	}
	return commandEntry{
		cases: map[string]func(t *testing.T){
			"-o a directory":                toDir("-o"),
			"--config a directory":          toDir("--config"),
			"-o under a file":               underFile("-o"),
			"--config under a file":         underFile("--config"),
			"-o a non-ASCII name":           written("-o"),
			"--config a non-ASCII name":     written("--config"),
			"--api with control characters": refusedArgs("--api", "spec", "--api", controlArg),
			"an argument beside the flags":  refusedArgs("unexpected arguments", "spec", "--api", "affinity", controlArg),
			"the embedded documents":        TestSpecCommand,
		},
		peak: "none: it writes the embedded document, which no input sizes",
	}
}

func helpEntry() commandEntry {
	return commandEntry{
		cases: map[string]func(t *testing.T){
			"help an unknown command":              refusedArgs(`unknown command "frob"`, "help", "frob"),
			"help a command of control characters": refusedArgs("unknown command", "help", controlArg),
			"help an empty name":                   refusedArgs(`unknown command ""`, "help", ""),
			"help with two names":                  refusedArgs("help", "help", "check", controlArg),
			"a first word of control characters":   refusedArgs(`unknown command or file "\x1b[2J\x1b[31mred\a\r\nvalidate: all good"`, strings.TrimSuffix(controlArg, "\x00")),
			// With a NUL it names no file that could exist: checked as a path, it is
			// an unreadable input, named escaped.
			"a first word with a NUL": refusedArgs(`unreadable input`, controlArg),
			"help of each command": func(t *testing.T) {
				for _, name := range commands {
					if r := hostileRun(t, nil, "help", name); r.code != 0 || r.stdout == "" {
						t.Errorf("help %s: exit %d\n%s", name, r.code, brief(r))
					}
				}
			},
		},
		peak: "none: it writes fixed text",
	}
}

func versionEntry() commandEntry {
	return commandEntry{
		cases: map[string]func(t *testing.T){
			"an argument of control characters": refusedArgs("version", "version", controlArg),
			"an unknown flag":                   refusedArgs("version", "version", "--bogus"),
			"no argument": func(t *testing.T) {
				if r := hostileRun(t, nil, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "validate ") {
					t.Errorf("exit %d\n%s", r.code, brief(r))
				}
			},
		},
		peak: "none: it writes fixed text",
	}
}

// Every command's other hostile inputs: servers, keys, requests and arguments.
func TestHostileCommandsCases(t *testing.T) {
	for _, name := range commands {
		for what, run := range hostileCommands()[name].cases {
			t.Run(name+"/"+what, run)
		}
	}
}

// brief is what a failure shows of a run: a JSON report's summary and unreadable
// findings, else the start of standard output, and standard error.
func brief(r result) string {
	out := r.stdout
	var rep JSONReport
	if json.Unmarshal([]byte(r.stdout), &rep) == nil {
		var b strings.Builder
		fmt.Fprintf(&b, "summary %+v\n", rep.Summary)
		for _, f := range rep.Findings {
			if f.Kind == "unreadable" {
				fmt.Fprintf(&b, "unreadable %s#%d: %s\n", f.Source, f.Entry, f.Found)
			}
		}
		out = b.String()
	}
	if len(out) > 2000 {
		out = out[:2000] + "..."
	}
	return "stdout:\n" + out + "\nstderr:\n" + r.stderr
}

// hostileFront serves path with h and proxies everything else to an Affinity fake
// that takes hostileKey, holding 3 organizations and a list: the service answering
// as it should but for the one operation.
func hostileFront(t *testing.T, path string, h http.HandlerFunc) (string, *affinitytest.Server) {
	t.Helper()
	fake := affinitytest.NewServer(hostileKey, affinitytest.WithTest(t))
	t.Cleanup(fake.Close)
	fake.Generate(3)
	fake.GenerateList("Deal Flow", 3, 2)
	target, _ := url.Parse(fake.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			h(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, fake
}

// endless writes a JSON page of organizations that never ends, until the client goes.
func endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"organizations":[`))
	item := bytes.Repeat([]byte(`{"id":1,"name":"Org","domain":"org.example","domains":[],"crunchbase_uuid":null,"global":false},`), 1000)
	for r.Context().Err() == nil {
		if _, err := w.Write(item); err != nil {
			return
		}
	}
}

// liveRun runs validate live in this process with hostileKey (or key) in the
// environment, and fails on any form of the key or a control character in its output.
func liveRun(t *testing.T, key string, args ...string) (int, string, string) {
	t.Helper()
	var vars map[string]string
	if key != "" {
		vars = map[string]string{"AFFINITY_API_KEY": key, "APOLLO_API_KEY": key}
	}
	done := make(chan struct{})
	var code int
	var out, stderr string
	go func() {
		defer close(done)
		code, out, stderr = live(t, vars, args...)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("validate live %q still runs after a minute: it waits on what the server said", args)
	}
	clean(t, "stdout", out)
	clean(t, "stderr", stderr)
	if key != "" && key != hostileKey && (strings.Contains(out, key) || strings.Contains(stderr, key)) {
		t.Errorf("the output holds the key %q:\n%s\n%s", key, out, stderr)
	}
	return code, out, stderr
}

func liveEntry() commandEntry {
	// failsFast: a server asks to wait a year before the next request; the call fails
	// at once, naming the wait, and the other calls are still made.
	failsFast := func(header func(h http.Header)) func(t *testing.T) {
		return func(t *testing.T) {
			base, fake := hostileFront(t, "/organizations", func(w http.ResponseWriter, r *http.Request) {
				header(w.Header())
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"message":"slow down"}`))
			})
			code, out, stderr := liveRun(t, hostileKey, "--api", "affinity", "--base-url", base, "--max-pages", "1", "--timeout", "30s")
			if code != 2 || !strings.Contains(out+stderr, "retry after 87") { // 8760h, or a moment less for a date
				t.Errorf("exit %d, want 2 naming the year's wait\n%s\n%s", code, out, stderr)
			}
			if n := len(fake.Requests()); n < 10 {
				t.Errorf("%d requests reached the service after the refused wait; the other calls were not made\n%s", n, out)
			}
		}
	}
	// bounded: a body past the core's limit fails its call, saying so; the others
	// are made.
	bounded := func(h http.HandlerFunc) func(t *testing.T) {
		return func(t *testing.T) {
			base, fake := hostileFront(t, "/organizations", h)
			code, out, stderr := liveRun(t, hostileKey, "--api", "affinity", "--base-url", base, "--max-pages", "1")
			if code != 2 || !strings.Contains(out+stderr, "33554432") {
				t.Errorf("exit %d, want 2 naming the 32 MiB limit\n%.3000s\n%s", code, out, stderr)
			}
			if n := len(fake.Requests()); n < 10 {
				t.Errorf("%d requests reached the service after the huge body\n%.3000s", n, out)
			}
		}
	}
	return commandEntry{
		cases: map[string]func(t *testing.T){
			"a redirect to another port or host (v1, v2, Apollo)": TestLiveSendsTheKeyOnlyToTheBaseURLsOrigin,
			"the key echoed in any encoding":                      TestLiveKeyEchoedInAnyFormReachesNoOutput,
			"a rate-limit reset a day away":                       TestLiveDoesNotWaitOutADaysReset,
			"Retry-After of a year in seconds":                    failsFast(func(h http.Header) { h.Set("Retry-After", "31536000") }),
			"Retry-After of a year as a date": failsFast(func(h http.Header) {
				h.Set("Retry-After", time.Now().Add(365*24*time.Hour).UTC().Format(http.TimeFormat))
			}),
			"an endless body": bounded(endless),
			"a huge body": bounded(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", fmt.Sprint(int64(1)<<40))
				endless(w, r)
			}),
			"a key of control characters": func(t *testing.T) {
				base, fake := hostileFront(t, "/none", nil)
				key := "k\r\nX-Injected: 1\x1b[31m"
				code, out, stderr := liveRun(t, key, "--api", "affinity", "--base-url", base, "--max-pages", "1")
				if code != 2 || strings.Contains(out+stderr, "X-Injected: 1") {
					t.Errorf("exit %d\n%s\n%s", code, out, stderr)
				}
				for _, r := range fake.Requests() {
					t.Errorf("a request reached the service with an injected key: %+v", r)
					break
				}
			},
			"--base-url of control characters": func(t *testing.T) {
				code, out, stderr := liveRun(t, hostileKey, "--api", "affinity", "--base-url", "http://127.0.0.1:1/"+controlArg)
				if code != 2 || !strings.Contains(stderr, "--base-url") {
					t.Errorf("exit %d\n%s\n%s", code, out, stderr)
				}
			},
			"--base-url not HTTP": func(t *testing.T) {
				for _, u := range []string{"file:///etc/passwd", "ftp://127.0.0.1/", "//127.0.0.1:1", "127.0.0.1:1"} {
					code, out, stderr := liveRun(t, hostileKey, "--api", "affinity", "--base-url", u)
					if code != 2 || !strings.Contains(stderr, "--base-url") {
						t.Errorf("--base-url %s: exit %d\n%s\n%s", u, code, out, stderr)
					}
				}
			},
			"--org-id that climbs out of its path": func(t *testing.T) {
				var paths []string
				var mu sync.Mutex
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					paths = append(paths, r.URL.EscapedPath())
					mu.Unlock()
					http.NotFound(w, r)
				}))
				defer srv.Close()
				// With credits, so that the job postings, whose path holds the id, are asked for.
				liveRun(t, hostileKey, "--api", "apollo", "--base-url", srv.URL+"/api/v1", "--org-id", "../../../admin?x=1#", "--spend-credits", "5")
				mu.Lock()
				defer mu.Unlock()
				if !slices.ContainsFunc(paths, func(p string) bool { return strings.HasPrefix(p, "/api/v1/organizations/") }) {
					t.Fatalf("no job postings were asked for: the check checked nothing (%q)", paths)
				}
				// Every read stays under the base path; the id goes in a path only escaped.
				for _, p := range paths {
					if !strings.HasPrefix(p, "/api/v1/") || strings.Contains(p, "/admin") && !strings.Contains(p, "%2F") {
						t.Errorf("--org-id reached %s", p)
					}
				}
			},
			"--record a directory": func(t *testing.T) {
				base, fake := hostileFront(t, "/none", nil)
				code, out, stderr := liveRun(t, hostileKey, "--api", "affinity", "--base-url", base, "--record", t.TempDir())
				if code != 2 || !strings.Contains(stderr, "--record") || len(fake.Requests()) != 0 {
					t.Errorf("exit %d after %d requests\n%s\n%s", code, len(fake.Requests()), out, stderr)
				}
			},
			"--api of control characters": refusedArgs("--api", "live", "--api", controlArg),
		},
		peak: "TestHostileCommandsPeakRSS/live (an endless body)",
	}
}

// hostileMock runs validate mock (startMock) and returns its base URL and its
// messages so far; at the end of the test they hold no form of the key and no control
// character.
func hostileMock(t *testing.T, args ...string) (string, func() string) {
	t.Helper()
	base, stderr := startMock(t, args...)
	t.Cleanup(func() { clean(t, "the mock's messages", stderr.String()) })
	return base, stderr.String
}

// send sends a request to the mock with the key in every place a client puts one,
// and returns the status.
func send(t *testing.T, method, rawURL string, body io.Reader) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("", hostileKey)
	req.Header.Set("X-Api-Key", hostileKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req) // a client of the test's, to the loopback mock
	if err != nil {
		return 0 // the server may close a connection whose body it refuses
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode
}

// hugeBody is a JSON request body of n bytes, made as it is read.
func hugeBody(n int64) io.Reader {
	return io.MultiReader(strings.NewReader(`{"name":"`), io.LimitReader(repeatReader('a'), n-11), strings.NewReader(`"}`))
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func mockEntry() commandEntry {
	// alive: after the hostile requests, the mock still answers a good one.
	alive := func(t *testing.T, base string) {
		t.Helper()
		if code := send(t, "GET", base+"/organizations/fields", nil); code != http.StatusOK {
			t.Errorf("after the hostile requests, a good one: %d", code)
		}
	}
	return commandEntry{
		cases: map[string]func(t *testing.T){
			"ids that climb with ..": func(t *testing.T) {
				base, _ := hostileMock(t, "--api", "affinity", "--key", hostileKey)
				for _, p := range []string{"/organizations/..%2F..", "/organizations/..%2f..%2fetc%2fpasswd", "/v2/lists/../companies", "/lists/1/list-entries/..%2F..%2F..%2Forganizations",
					"/v2/companies/%2e%2e", "/organizations/" + url.PathEscape(hostileKey)} {
					if code := send(t, "GET", base+p, nil); code == 0 || code >= 500 {
						t.Errorf("GET %s: %d", p, code)
					}
				}
				alive(t, base)
			},
			"a huge request body": func(t *testing.T) {
				base, _ := hostileMock(t, "--api", "affinity", "--key", hostileKey)
				// Both sides of the fake's 1 MiB: at it, the organization is created; past
				// it, or 64 MiB sent without a length, 413 (or the connection closed).
				if code := send(t, "POST", base+"/organizations", hugeBody(1<<20)); code != http.StatusCreated {
					t.Errorf("a body of 1 MiB: %d, want 201", code)
				}
				for _, n := range []int64{1<<20 + 1, 64 << 20} {
					if code := send(t, "POST", base+"/organizations", hugeBody(n)); code != 0 && code != http.StatusRequestEntityTooLarge {
						t.Errorf("a body of %d bytes: %d, want 413", n, code)
					}
				}
				alive(t, base)
			},
			"the key in the request reaches no message": func(t *testing.T) {
				base, messages := hostileMock(t, "--api", "affinity", "--key", hostileKey)
				for _, form := range keyForms() {
					send(t, "GET", base+"/nowhere/"+url.PathEscape(form)+"?api_key="+url.QueryEscape(form), nil)
					send(t, "GET", base+"/organizations?term="+url.QueryEscape(form)+"&page_size=x"+url.QueryEscape(form), nil)
				}
				send(t, "POST", base+"/organizations", strings.NewReader(`{"name":`+jsonText(hostileKey)+`,"`+hostileKey+`":1}`))
				alive(t, base)
				if !strings.Contains(messages(), "finding") {
					t.Errorf("no finding logged of the undocumented requests: the check checked nothing\n%s", messages())
				}
				// The messages are checked for every form of the key when the mock stops.
			},
			"a key in the request of control characters": func(t *testing.T) {
				base, messages := hostileMock(t, "--api", "affinity", "--key", hostileKey)
				send(t, "GET", base+"/nowhere/"+url.PathEscape(controlArg)+"?q="+url.QueryEscape(controlArg), nil)
				alive(t, base)
				if !strings.Contains(messages(), `\x1b[2J`) {
					t.Errorf("the finding does not name the path, escaped:\n%s", messages())
				}
			},
			"--entries past its bound":       refusedArgs("--entries 10001: want 0 to 10000", "mock", "--api", "affinity", "--entries", "10001"),
			"--orgs past its bound":          refusedArgs("--orgs 100001", "mock", "--api", "affinity", "--orgs", "100001"),
			"--faults of control characters": refusedArgs("--faults: unknown fault", "mock", "--api", "affinity", "--faults", controlArg),
			"--addr of control characters":   refusedArgs("validate mock: --addr: ", "mock", "--api", "affinity", "--addr", controlArg),
			"--api of control characters":    refusedArgs("--api", "mock", "--api", controlArg),
			"the seed's bounds":              TestMockSeedBounds,
		},
		peak: "TestHostileCommandsPeakRSS/mock (a 64 MiB request body)",
	}
}

// padCassette writes a cassette of one exchange and values padded to size bytes,
// perNode bytes a value (a key and its value are two).
func padCassette(t *testing.T, path string, size, perNode int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	head := string(cassette(cassetteEntry(0, "/organizations/1", orgBody))) + "x-pad:\n"
	w.WriteString(head)
	line := 2 * perNode
	for i := range (size - len(head)) / line {
		fmt.Fprintf(w, "  k%010d: %s\n", i, strings.Repeat("v", line-16))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// childPeak runs the built command's child through the go-between while the test
// works with it (the mock serves until interrupted): start has it print, work sends it
// requests, and then it is interrupted. It returns the exit code and the peak in MiB.
func childPeak(t *testing.T, binary string, work func(stdout *bufio.Reader), args ...string) (int, string, float64) {
	t.Helper()
	peakFile := filepath.Join(t.TempDir(), "peak")
	cmd := exec.Command(os.Args[0], append([]string{binary}, args...)...)
	cmd.Env = append(os.Environ(), peakEnv+"="+peakFile)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	work(bufio.NewReader(out))
	// The command is the go-between's child: interrupt it, not the go-between.
	child := 0
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", cmd.Process.Pid))
	for _, task := range tasks {
		data, _ := os.ReadFile(task)
		if f := strings.Fields(string(data)); len(f) > 0 {
			child, _ = strconv.Atoi(f[0])
		}
	}
	if child == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Skip("the go-between's child is not listed in /proc")
	}
	if err := syscall.Kill(child, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	raw, err := os.ReadFile(peakFile)
	if err != nil {
		t.Fatalf("no peak written: %v\n%s", err, errOut.String())
	}
	kb, _ := strconv.Atoi(string(raw))
	return cmd.ProcessState.ExitCode(), errOut.String(), float64(kb) / 1024
}

// Inputs that could set a command's memory leave its peak under maxPeakMB, measured on
// the built command in a child process: check reading two cassettes at their node
// limit at once beside one over it, diff on the densest JSON document its size allows
// and on one of a million values, live against an endless body, and mock taking
// request bodies of 64 MiB.
func TestHostileCommandsPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and writes 50 MB")
	}
	binary := buildCommand(t)
	dir := t.TempDir()
	t.Run("check", func(t *testing.T) {
		at1, at2, over := filepath.Join(dir, "at1.yaml"), filepath.Join(dir, "at2.yaml"), filepath.Join(dir, "over.yaml")
		// 16 MiB, the cassettes' default limit, at one node per 100 bytes (the limit is
		// one per 96), and one at one per 20.
		padCassette(t, at1, 16<<20-4096, 100)
		padCassette(t, at2, 16<<20-4096, 100)
		padCassette(t, over, 16<<20-4096, 20)
		code, out, stderr, peak := childRun(t, binary, "check", "--format", "json", goodHAR(t), at1, at2, over)
		t.Logf("check of two cassettes of 16 MiB at their node limit and one over it: exit %d, peak %.0f MiB", code, peak)
		var rep JSONReport
		if err := json.Unmarshal(out, &rep); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		if code != 2 || rep.Summary.Checked != goodChecked+2 || rep.Summary.Unreadable != 1 || !strings.Contains(string(out), "holds too many values for its size") {
			t.Errorf("exit %d, summary %+v\n%s", code, rep.Summary, brief(result{code, string(out), stderr}))
		}
		if peak >= maxPeakMB {
			t.Errorf("peak %.0f MiB, over %d MiB", peak, maxPeakMB)
		}
	})
	t.Run("diff", func(t *testing.T) {
		write := func(name string, n, width int) string {
			var b strings.Builder
			b.WriteString(`{"openapi":"3.0.3","info":{"title":"dense","version":"1"},"paths":{},"x-pad":[`)
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `"%0*d"`, width, i)
			}
			b.WriteString("]}")
			return writeFile(t, dir, name, b.String())
		}
		for _, c := range []struct {
			file string
			says string
		}{
			{write("edge.json", 100_000, 17), "describes none of the apollo spec's operations"}, // 2.0 MB, under the count
			{write("million.json", 1_000_000, 1), "holds too many values for its size"},         // 8.9 MB, under the raised limit
		} {
			code, _, stderr, peak := childRun(t, binary, "diff", "--api", "apollo", "--against", c.file, "--max-document-bytes", fmt.Sprint(16<<20))
			t.Logf("diff --against %s: exit %d, peak %.0f MiB", filepath.Base(c.file), code, peak)
			if code != 2 || !strings.Contains(stderr, c.says) {
				t.Errorf("%s: exit %d\n%s", c.file, code, stderr)
			}
			if peak >= maxPeakMB {
				t.Errorf("%s: peak %.0f MiB, over %d MiB", c.file, peak, maxPeakMB)
			}
		}
	})
	t.Run("live", func(t *testing.T) {
		base, _ := hostileFront(t, "/organizations", endless)
		t.Setenv("AFFINITY_API_KEY", hostileKey)
		t.Setenv("GOMEMLIMIT", "") // live's own soft limit, as a user runs it
		code, out, stderr, peak := childRun(t, binary, "live", "--api", "affinity", "--base-url", base, "--max-pages", "2")
		t.Logf("live against an endless body: exit %d, peak %.0f MiB", code, peak)
		if code != 2 || !strings.Contains(string(out)+stderr, "33554432") {
			t.Errorf("exit %d\n%.2000s\n%s", code, out, stderr)
		}
		clean(t, "stdout", string(out))
		clean(t, "stderr", stderr)
		if peak >= maxPeakMB {
			t.Errorf("peak %.0f MiB, over %d MiB", peak, maxPeakMB)
		}
	})
	t.Run("mock", func(t *testing.T) {
		code, stderr, peak := childPeak(t, binary, func(out *bufio.Reader) {
			line, err := out.ReadString('\n')
			base, ok := strings.CutPrefix(strings.TrimSpace(line), "base URL: ")
			if err != nil || !ok {
				t.Fatalf("the mock printed %q: %v", line, err)
			}
			for range 4 {
				if code := send(t, "POST", base+"/organizations", hugeBody(64<<20)); code != 0 && code != http.StatusRequestEntityTooLarge {
					t.Errorf("64 MiB: %d", code)
				}
			}
			if code := send(t, "GET", base+"/organizations/fields", nil); code != http.StatusOK {
				t.Errorf("after the huge bodies: %d", code)
			}
		}, "mock", "--api", "affinity", "--key", hostileKey)
		t.Logf("mock taking four bodies of 64 MiB: exit %d, peak %.0f MiB", code, peak)
		if code != 0 {
			t.Errorf("exit %d\n%s", code, stderr)
		}
		clean(t, "stderr", stderr)
		if peak >= maxPeakMB {
			t.Errorf("peak %.0f MiB, over %d MiB", peak, maxPeakMB)
		}
	})
}
