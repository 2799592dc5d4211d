package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Numbers are decoded as float64, which cannot hold every int64 and has no room for
// 1e999. kin-openapi compares the float64, so 9223372036854775808 passes as an int64,
// and encoding/json refuses 1e999 for the whole body. When a body may hold such a
// number, it is decoded a second time keeping each number's literal, every literal is
// checked against its schema exactly, and the findings point at the number.

// mayHoldBigNumbers reports whether body has, outside strings, a number of 16 or more
// digits or with an exponent: the only ways to write one that float64 cannot hold
// exactly.
func mayHoldBigNumbers(body []byte) bool { return digitRun(body, 16, true) }

// digitRun reports whether body has, outside strings, a number of at least n digits
// (its sign and point read as part of it), or, with exponent, one with an exponent.
func digitRun(body []byte, n int, exponent bool) bool {
	run, inString, escaped := 0, false, false
	for _, c := range body {
		switch {
		case escaped:
			escaped = false
		case inString:
			switch c {
			case '\\':
				escaped = true
			case '"':
				inString = false
			}
		case c == '"':
			inString, run = true, 0
		case c >= '0' && c <= '9':
			if run++; run >= n {
				return true
			}
		case exponent && (c == 'e' || c == 'E') && run > 0:
			return true
		case c == '.' || c == '-' || c == '+':
			// part of a number: keep counting digits
		default:
			run = 0
		}
	}
	return false
}

// numberFinding is a number its schema cannot take, found by its literal.
type numberFinding struct {
	pointer, expected, found string
}

// exactNumbers decodes body keeping number literals, checks each against the schema
// that applies to it, and returns the value with float64 numbers (an unrepresentable
// one replaced by 0, already reported) for the rest of the checks.
func exactNumbers(schema *openapi3.Schema, body []byte, prefix string) (any, []numberFinding, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("invalid character after top-level value")
	}
	var out []numberFinding
	v = walkNumbers([]*openapi3.Schema{schema}, v, prefix, &out)
	return v, out, nil
}

// walkNumbers replaces json.Number values in v by float64, checking each against
// schemas (those that apply at this place, allOf/anyOf/oneOf branches included). Its
// recursion is as deep as v, which encoding/json has already bounded.
func walkNumbers(schemas []*openapi3.Schema, v any, ptr string, out *[]numberFinding) any {
	switch t := v.(type) {
	case json.Number:
		return checkNumber(schemas, t, ptr, out)
	case map[string]any:
		for k, child := range t {
			var sub []*openapi3.Schema
			for _, s := range schemas {
				props := map[string][]*openapi3.Schema{}
				var extra []*openapi3.Schema
				open := false
				collect(s, props, &extra, &open, 0)
				if ps, ok := props[k]; ok {
					sub = append(sub, ps...)
				} else {
					sub = append(sub, extra...)
				}
			}
			t[k] = walkNumbers(sub, child, ptr+pointer([]string{k}), out)
		}
	case []any:
		var items []*openapi3.Schema
		for _, s := range schemas {
			collectItems(s, &items, 0)
		}
		for i, child := range t {
			t[i] = walkNumbers(items, child, ptr+"/"+strconv.Itoa(i), out)
		}
	}
	return v
}

func checkNumber(schemas []*openapi3.Schema, n json.Number, ptr string, out *[]numberFinding) any {
	lit := string(n)
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) {
		*out = append(*out, numberFinding{ptr, "a number within the range of a 64-bit float", lit})
		return 0.0
	}
	if wantsInt64(schemas) && !strings.ContainsAny(lit, ".eE") {
		if _, err := strconv.ParseInt(lit, 10, 64); err != nil {
			*out = append(*out, numberFinding{ptr, "format int64: an integer from -9223372036854775808 to 9223372036854775807", lit})
		}
	}
	return f
}

// wantsInt64 reports whether a schema here, or a branch of one, is an int64.
func wantsInt64(schemas []*openapi3.Schema) bool {
	for _, s := range schemas {
		if s == nil {
			continue
		}
		if s.Format == "int64" {
			return true
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, sub := range group {
				if wantsInt64([]*openapi3.Schema{sub.Value}) {
					return true
				}
			}
		}
	}
	return false
}
