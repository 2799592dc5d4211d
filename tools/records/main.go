// Command records writes a wrapper's record types: for each type named, a struct of its
// own with the members, tags and documentation of the generated type of that name, so
// that go doc of the wrapper lists the fields an alias would hide, and the wrapper
// decodes the service's JSON into it directly.
//
//	records -src ../../generated/affinityapi/affinityapi.gen.go -pkg affinity -o records.gen.go \
//		-plain string,int64,time.Time -pointers Location -as ListEntry_Entity=Entity,Field.ValueType=ValueType \
//		Organization List ...
//
// A record never shows a generated type: every generated type it refers to is a record
// too, or mapped with -as onto a type the wrapper writes itself, or the command fails.
// -plain names the types whose pointers become plain values (the zero value for null or
// absent), except in the records -pointers names; -as also gives single members
// (Type.Member) the wrapper's type.
//
// With -check it writes nothing and fails when the output file is not what it would
// write.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	src := flag.String("src", "", "the generated Go file the types come from")
	pkg := flag.String("pkg", "", "the package the output belongs to")
	out := flag.String("o", "", "the output file")
	check := flag.Bool("check", false, "fail when the output file is stale instead of writing it")
	plain := flag.String("plain", "", "comma-separated types (string, int64, time.Time) whose pointers become plain values")
	pointers := flag.String("pointers", "", "comma-separated records whose members keep the generated pointers")
	as := flag.String("as", "", "comma-separated Generated=WrapperType and Record.Member=WrapperType")
	flag.Parse()
	if *src == "" || *pkg == "" || *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: records -src FILE.go -pkg NAME -o OUT.go [-check] [-plain TYPES] [-pointers RECORDS] [-as FROM=TO,...] TYPE...")
		os.Exit(2)
	}
	shape := shapes{plain: set(*plain), pointers: set(*pointers), as: map[string]string{}}
	for _, pair := range list(*as) {
		from, to, ok := strings.Cut(pair, "=")
		if !ok || from == "" || to == "" {
			fmt.Fprintf(os.Stderr, "records: -as %q: want FROM=TO\n", pair)
			os.Exit(2)
		}
		shape.as[from] = to
	}
	code, err := generate(*src, *pkg, flag.Args(), shape)
	if err != nil {
		fmt.Fprintln(os.Stderr, "records:", err)
		os.Exit(2)
	}
	if *check {
		have, err := os.ReadFile(*out)
		if err != nil || !bytes.Equal(have, code) {
			fmt.Fprintf(os.Stderr, "%s of package %s is stale: run 'make generate' and commit it\n", *out, *pkg)
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(*out, code, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "records:", err)
		os.Exit(2)
	}
}

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, v := range list(s) {
		m[v] = true
	}
	return m
}
