package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/orgapis/orgapis/specs"
)

// parseArgs parses flags wherever they stand among the positional arguments (the
// standard flag package stops at the first positional one, so that a flag after a path
// would silently become a path). Everything after "--" is positional. -h and --help
// print the usage to stdout; the bool reports that the command is done (help, or an
// error already printed to stderr) with that exit code.
func parseArgs(fl *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) ([]string, int, bool) {
	fl.SetOutput(io.Discard) // errors are printed here, once, with a pointer to --help
	fl.Usage = func() {}
	var positional []string
	for {
		err := fl.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fl.SetOutput(stdout)
			fl.PrintDefaults()
			return nil, 0, true
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v (see %s --help)\n", fl.Name(), err, fl.Name())
			return nil, 2, true
		}
		rest := fl.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), 0, false
		}
		if len(rest) == 0 {
			return positional, 0, false
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// parseAPIFlags parses the flags of a command that takes flags only and needs --api,
// whose value apiName points at. When done is true, the command exits with code.
func parseAPIFlags(fl *flag.FlagSet, args []string, usage string, apiName *string, stdout, stderr io.Writer) (api specs.API, code int, done bool) {
	rest, code, done := parseArgs(fl, args, usage, stdout, stderr)
	if done {
		return "", code, true
	}
	if len(rest) > 0 {
		return "", usageFail(stderr, fl.Name(), fmt.Errorf("unexpected arguments %q: %s takes flags only", rest, strings.TrimPrefix(fl.Name(), "validate "))), true
	}
	api, err := requiredAPI(*apiName)
	if err != nil {
		return "", usageFail(stderr, fl.Name(), err), true
	}
	return api, 0, false
}

// requiredAPI parses --api, which a command cannot do without.
func requiredAPI(name string) (specs.API, error) {
	if name == "" {
		return "", fmt.Errorf("--api is required: affinity or apollo")
	}
	api, err := specs.ParseAPI(name)
	if err != nil {
		return "", fmt.Errorf("--api: %w", err)
	}
	return api, nil
}

// listFlag is a flag that may be given many times.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// usageFail prints a usage error to stderr and returns exit status 2.
func usageFail(stderr io.Writer, command string, err error) int {
	fmt.Fprintf(stderr, "%s: %v (see %s --help)\n", command, err, command)
	return 2
}
