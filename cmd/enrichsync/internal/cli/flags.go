package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// days is a duration flag that also takes days ("90d"), as a TTL is said.
type days struct{ d time.Duration }

func (v *days) String() string {
	if v == nil || v.d == 0 {
		return "0"
	}
	if v.d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", v.d/(24*time.Hour))
	}
	return v.d.String()
}

func (v *days) Set(s string) error {
	d, err := parseDays(s)
	if err != nil {
		return err
	}
	v.d = d
	return nil
}

// parseDays reads "90d", "36h", "1h30m".
func parseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		k, err := strconv.ParseUint(n, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("want a whole number of days such as 90d, or a duration such as 36h")
		}
		return time.Duration(k) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as 90d, 36h or 15m")
	}
	return d, nil
}

// parseFlags parses args into fl, which names the command; usage is the text --help
// prints before the flags. done is set when the command should exit with code: after
// --help (0) or a flag error, which is printed naming the flag (2).
func parseFlags(fl *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (code int, done bool) {
	fl.SetOutput(io.Discard)
	err := fl.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		fl.SetOutput(stdout)
		fl.PrintDefaults()
		return exitOK, true
	case err != nil:
		fmt.Fprintf(stderr, "%s: %s\nrun \"%s --help\" for its flags\n", fl.Name(), dashes(err.Error()), fl.Name())
		return exitUsage, true
	case fl.NArg() > 0:
		fmt.Fprintf(stderr, "%s: unexpected argument %q; every input is a flag\nrun \"%s --help\" for its flags\n", fl.Name(), fl.Arg(0), fl.Name())
		return exitUsage, true
	}
	return 0, false
}

// dashes writes the flag package's "-name" as "--name", as the help spells flags.
func dashes(msg string) string {
	for _, lead := range []string{"flag provided but not defined: -", "for flag -", "flag needs an argument: -"} {
		msg = strings.Replace(msg, lead, lead+"-", 1)
	}
	return msg
}

// usageFail prints a usage error of the command and returns its status.
func usageFail(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	return exitUsage
}

// checkBaseURL refuses a base URL flag that is not an absolute http or https URL,
// naming the flag (the clients would refuse it too, less plainly).
func checkBaseURL(flagName, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q: want an absolute http or https URL, such as the base URL validate mock prints", flagName, raw)
	}
	return nil
}

// checkFormat refuses an output format the command does not write.
func checkFormat(format string) error {
	if format != "table" && format != "jsonl" {
		return fmt.Errorf("--format %q: want table or jsonl", format)
	}
	return nil
}
