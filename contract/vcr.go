package contract

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"

	"gopkg.in/yaml.v3"
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

// MaxCassetteBytes is the largest go-vcr cassette ReadVCR reads. YAML is parsed whole,
// and its node tree takes several times the file's size, so a larger cassette is
// refused rather than read.
const MaxCassetteBytes = 16 << 20

// ReadVCR reads a go-vcr v4 cassette. Each interaction is decoded on its own, so one
// that is broken does not hide the others. The cassette is YAML and is parsed whole;
// one over MaxCassetteBytes is refused with an error that says so.
func ReadVCR(source string, r io.Reader) iter.Seq2[Exchange, error] {
	return func(yield func(Exchange, error) bool) {
		data, err := io.ReadAll(io.LimitReader(r, MaxCassetteBytes+1))
		if err != nil {
			yield(Exchange{}, &EntryError{Source: source, Index: -1, Err: err})
			return
		}
		if len(data) > MaxCassetteBytes {
			yield(Exchange{}, &EntryError{Source: source, Index: -1, Err: fmt.Errorf(
				"cassette is over %d MiB; YAML is parsed whole, so larger cassettes are refused (record as HAR or JSON lines, which stream)", MaxCassetteBytes>>20)})
			return
		}
		var c vcrCassette
		if err := yaml.Unmarshal(data, &c); err != nil {
			yield(Exchange{}, &EntryError{Source: source, Index: -1, Err: fmt.Errorf("not a go-vcr cassette: %w", err)})
			return
		}
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
