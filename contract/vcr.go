package contract

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"

	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/internal/docread"
)

type vcrCassette struct {
	Version      int         `yaml:"version"`
	Interactions []yaml.Node `yaml:"interactions"`
}

type vcrInteraction struct {
	Request struct {
		Body    string              `yaml:"body"`
		Headers map[string][]string `yaml:"headers"`
		URL     string              `yaml:"url"`
		Method  string              `yaml:"method"`
	} `yaml:"request"`
	Response struct {
		Body    string              `yaml:"body"`
		Headers map[string][]string `yaml:"headers"`
		Code    int                 `yaml:"code"`
	} `yaml:"response"`
}

// MaxCassetteBytes is the largest go-vcr cassette ReadVCR reads by default
// (WithMaxCassetteBytes changes it). YAML is parsed whole, and its node tree takes
// several times the file's size, so a larger cassette is refused rather than read.
const MaxCassetteBytes = 16 << 20

// cassetteBytesPerNode is the fewest bytes a node of a cassette takes on average, at
// its limit: past Bytes/cassetteBytesPerNode nodes it is refused before it is parsed.
const cassetteBytesPerNode = 96

// WithMaxCassetteBytes has ReadVCR (and Read, for a cassette) accept cassettes of up
// to n bytes instead of MaxCassetteBytes. Whatever the size, a cassette is read
// through the module's bounded reader: one that nests deeper than 256 levels, or whose
// YAML aliases would expand past 100,000 nodes (an alias bomb), is refused before it is
// decoded. A size of 0 or less means MaxCassetteBytes.
func WithMaxCassetteBytes(n int64) ReadOption {
	return func(c *readConfig) { c.maxCassette = n }
}

// ReadVCR reads a go-vcr v4 cassette. Each interaction is decoded on its own, so one
// that is broken does not hide the others. The cassette is YAML and is parsed whole;
// one over MaxCassetteBytes is refused with an error that says so. Of the options,
// WithMaxCassetteBytes applies.
func ReadVCR(source string, r io.Reader, opts ...ReadOption) iter.Seq2[Exchange, error] {
	cfg := readOptions(opts)
	lim := docread.Limits{Bytes: cfg.maxCassette, Raise: "contract.WithMaxCassetteBytes (validate: --max-document-bytes)"}
	if lim.Bytes <= 0 {
		lim.Bytes = MaxCassetteBytes
	}
	// A parsed node takes about 240 bytes: a cassette of 16 MiB of one-word values
	// took 620 MB. One node per 96 bytes keeps one of 16 MiB under 100 MB, two read
	// at once under 200 (a recording's bodies are long scalars: the project's own
	// cassette takes 57 bytes a node, by docread's count).
	lim.Nodes = max(lim.Bytes/cassetteBytesPerNode, 1000)
	return func(yield func(Exchange, error) bool) {
		data, err := docread.Read(source, r, lim)
		if err == nil {
			var root *yaml.Node
			if root, err = docread.YAML("the cassette", data, lim); err == nil {
				var c vcrCassette
				if err = root.Decode(&c); err == nil {
					read(source, c, yield)
					return
				}
			}
		}
		var le *docread.LimitError
		if errors.As(err, &le) {
			le.Name = "the cassette"
			err = fmt.Errorf("refused: %w (YAML is parsed whole: record as HAR or JSON lines, which stream)", err)
		} else {
			err = fmt.Errorf("not a go-vcr cassette: %w", err)
		}
		yield(Exchange{}, &EntryError{Source: source, Index: -1, Err: err})
	}
}

// read yields the interactions of a decoded cassette.
func read(source string, c vcrCassette, yield func(Exchange, error) bool) {
	if c.Interactions == nil {
		yield(Exchange{}, &EntryError{Source: source, Index: -1, Err: errors.New("not a go-vcr cassette: no interactions")})
		return
	}
	for i, node := range c.Interactions {
		ex, err := vcrExchange(source, i, &node)
		if err != nil {
			if !yield(Exchange{}, &EntryError{Source: source, Index: i, Err: err}) {
				return
			}
			continue
		}
		if !yield(ex, nil) {
			return
		}
	}
}

func vcrExchange(source string, index int, node *yaml.Node) (Exchange, error) {
	var in vcrInteraction
	if err := node.Decode(&in); err != nil {
		return Exchange{}, err
	}
	ex, err := newExchange(source, index, in.Request.Method, in.Request.URL, in.Response.Code)
	if err != nil {
		return ex, err
	}
	addHeaders(ex.RequestHeader, in.Request.Headers)
	addHeaders(ex.ResponseHeader, in.Response.Headers)
	if err := checkSize("response body", len(in.Response.Body)); err != nil {
		return ex, err
	}
	ex.RequestBody = []byte(in.Request.Body)
	if ex.ResponseBody, err = decompress(ex.ResponseHeader.Get("Content-Encoding"), []byte(in.Response.Body)); err != nil {
		return ex, fmt.Errorf("response body: %w", err)
	}
	return ex, nil
}

func addHeaders(h http.Header, from map[string][]string) {
	for k, vs := range from {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
}
