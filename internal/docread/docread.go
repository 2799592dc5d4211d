// Package docread is the one reader of documents the module does not trust: recordings
// (go-vcr cassettes), overlays, vendor specs, --spec files, baselines and reports. It
// bounds what reading one may cost before the document is parsed for real: its size in
// bytes, how deep it nests, how many YAML aliases it holds and how much they would add
// once expanded (an alias bomb of a few hundred bytes is refused while it is still a
// few hundred bytes), and, for OpenAPI documents, how their $ref graph loops.
//
// It is internal so that both contract/ and cmd/ use it without it becoming public API;
// contract's readers expose the one limit a user of contract may need to raise as a
// ReadOption of their own.
package docread

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// Limits bound what reading one document may cost. The zero value of a field means
// its default (Default).
type Limits struct {
	// Bytes is the largest document, in bytes.
	Bytes int64
	// Depth is the deepest nesting of mappings and sequences, aliases expanded, and
	// of schemas through $ref in an OpenAPI document.
	Depth int
	// Aliases is the most YAML aliases a document may hold.
	Aliases int
	// AliasNodes is the most nodes that expanding a document's aliases may add to it.
	AliasNodes int64
	// Nodes is the most scalars, mappings and sequences a document may hold, counted
	// on its bytes before it is parsed: a parsed node costs about 190 bytes as a YAML
	// tree and more once kin-openapi has loaded it, so a document of a million
	// one-byte values would take a gigabyte while its size passed. 0 means
	// Bytes/DefaultBytesPerNode: the bound grows with the size the user allows.
	Nodes int64
	// Raise says how a user raises Bytes, for the error that refuses a document:
	// "--max-document-bytes" for the commands. Empty: the error says no more.
	Raise string
}

// The defaults. DefaultBytes keeps the peak memory of reading, loading and comparing
// an OpenAPI document at the limit under 200 MB: kin-openapi and oasdiff take about
// 65 MB per MiB of YAML (BENCHMARKS.md). Affinity's published v2 document is 552 kB;
// Apollo's is 2.1 MB of indented JSON, lighter per byte (104 MB of peak memory to
// compare with --max-document-bytes 4194304), which the README says how to read. Readers of lighter documents (a cassette only becomes a node tree)
// pass limits of their own.
const (
	DefaultBytes      = 2 << 20
	DefaultDepth      = 256
	DefaultAliases    = 10_000
	DefaultAliasNodes = 100_000
	// DefaultBytesPerNode is the fewest bytes a node takes on average in a document
	// at its Nodes limit by default (a JSON value counts as two nodes): the specs
	// of this module take 14 and 19 by the count, indented JSON 30 or more. At 2
	// MiB, 209,715 nodes: about 90 MB of YAML, 150 MB of JSON, loaded.
	DefaultBytesPerNode = 5
)

// Default is the limits with every field at its default.
func Default() Limits { return Limits{}.withDefaults() }

func (l Limits) withDefaults() Limits {
	if l.Bytes <= 0 {
		l.Bytes = DefaultBytes
	}
	if l.Depth <= 0 {
		l.Depth = DefaultDepth
	}
	if l.Aliases <= 0 {
		l.Aliases = DefaultAliases
	}
	if l.AliasNodes <= 0 {
		l.AliasNodes = DefaultAliasNodes
	}
	if l.Nodes <= 0 {
		l.Nodes = max(l.Bytes/DefaultBytesPerNode, 1000)
	}
	return l
}

// LimitError is a document refused because it is over one of its Limits.
type LimitError struct {
	Name  string // the document, as the user named it
	What  string // "size", "depth", "nodes", "aliases", "alias expansion", "schema depth"
	Got   int64  // what the document has, or at least has when Partial
	Limit int64
	Raise string // how to raise the limit, or ""
	// Partial says reading stopped past the limit, so the whole is unknown: Got is
	// what was read (a stream is never read further than one byte past the limit).
	Partial bool
}

func (e *LimitError) Error() string {
	var msg string
	switch e.What {
	case "size":
		// Exact counts: "2 MB is over the 2 MiB limit" reads as a contradiction.
		limit := fmt.Sprintf("%d bytes", e.Limit)
		if h := byteSize(e.Limit); h != limit {
			limit += " (" + h + ")"
		}
		msg = fmt.Sprintf("%s: %d bytes is over the limit for a document, %s", e.Name, e.Got, limit)
		if e.Partial {
			msg = fmt.Sprintf("%s: more than %s, the limit for a document", e.Name, limit)
		}
	case "depth":
		msg = fmt.Sprintf("%s: nests deeper than %d levels, the limit for a document", e.Name, e.Limit)
	case "schema depth":
		msg = fmt.Sprintf("%s: its schemas nest through $ref deeper than %d levels, the limit for a document", e.Name, e.Limit)
	case "nodes":
		msg = fmt.Sprintf("%s: holds too many values for its size, more than %d (a JSON value counts 4): parsed, each takes hundreds of bytes", e.Name, e.Limit)
	case "aliases":
		msg = fmt.Sprintf("%s: holds more than %d YAML aliases, the limit for a document", e.Name, e.Limit)
	default:
		msg = fmt.Sprintf("%s: its YAML aliases expand to more than %d nodes, the limit for a document (an alias bomb?)", e.Name, e.Limit)
	}
	if e.Raise != "" && (e.What == "size" || e.What == "nodes") {
		msg += "; raise it with " + e.Raise
	}
	return msg
}

// byteSize writes n as people read sizes: "210 MB", "16 MiB" for exact binary sizes.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0 && n < 1<<20:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1_000_000:
		return fmt.Sprintf("%d MB", n/1_000_000)
	case n >= 1000:
		return fmt.Sprintf("%d kB", n/1000)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ErrNotRegular is a path that names no regular file (a FIFO or a device could block
// or never end), refused before it is opened.
var ErrNotRegular = errors.New("not a regular file")

// ReadFile reads the regular file at path, refusing it unread when it is over
// lim.Bytes. A FIFO or a device is refused before it is opened.
func ReadFile(path string, lim Limits) ([]byte, error) {
	lim = lim.withDefaults()
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s), not read", path, ErrNotRegular, FileKind(info.Mode()))
	}
	if info.Size() > lim.Bytes {
		return nil, &LimitError{Name: path, What: "size", Got: info.Size(), Limit: lim.Bytes, Raise: lim.Raise}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w, not read", path, ErrNotRegular) // replaced since the first look
	}
	return Read(path, f, lim)
}

// Read reads r whole, refusing it once it is over lim.Bytes: at most lim.Bytes+1
// bytes are ever held.
func Read(name string, r io.Reader, lim Limits) ([]byte, error) {
	lim = lim.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.Bytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > lim.Bytes {
		return nil, &LimitError{Name: name, What: "size", Got: int64(len(data)), Limit: lim.Bytes, Raise: lim.Raise, Partial: true}
	}
	return data, nil
}

// FileKind names what a file that is not regular is, for an error that refuses it:
// "a named pipe (FIFO)", "a device", "a socket", "a directory".
func FileKind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	}
	return "not a regular file"
}

// IsJSON reports whether data is written as JSON rather than block YAML: its first
// byte past white space and a byte-order mark opens an object or an array.
func IsJSON(data []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("\ufeff")), " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}
