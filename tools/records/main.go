// Command records writes a wrapper's record types: for each type named, a struct of its
// own with the fields, tags and documentation of the generated type of that name, so
// that go doc of the wrapper lists the fields an alias would hide. The two convert
// into each other (Organization(g) and affinityapi.Organization(o)), at no cost, and a
// change of the generated type that the wrapper's misses stops the build where they
// convert.
//
//	records -src ../../generated/affinityapi/affinityapi.gen.go -pkg affinity -o records.gen.go Organization List ...
//
// With -check it writes nothing and fails when the output file is not what it would
// write.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

func main() {
	src := flag.String("src", "", "the generated Go file the types come from")
	pkg := flag.String("pkg", "", "the package the output belongs to")
	out := flag.String("o", "", "the output file")
	check := flag.Bool("check", false, "fail when the output file is stale instead of writing it")
	flag.Parse()
	if *src == "" || *pkg == "" || *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: records -src FILE.go -pkg NAME -o OUT.go [-check] TYPE...")
		os.Exit(2)
	}
	code, err := generate(*src, *pkg, flag.Args())
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
