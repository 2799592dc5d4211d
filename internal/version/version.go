// Package version says which orgapis a binary or a user's program was built with, for
// `validate version` and the clients' User-Agent.
package version

import (
	"runtime/debug"
	"strings"
)

// Module is the orgapis module path.
const Module = "github.com/orgapis/orgapis"

// unstamped is the version of a build from a checkout that recorded no VCS revision
// (-buildvcs=false, or no git on the machine).
const unstamped = "devel (no VCS revision recorded: build with -buildvcs=true, or install a version)"

// String is the orgapis version this program was built with: the module version when
// it came from a version (go install ...@v0.1.0, or a dependency at a tag), else
// "devel" with the VCS revision and "-dirty" for uncommitted changes when the build
// recorded them (a checkout), else "devel" and why nothing more is known.
func String() string {
	info, ok := debug.ReadBuildInfo()
	return FromBuildInfo(info, ok)
}

// FromBuildInfo is String for given build information.
func FromBuildInfo(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "devel"
	}
	mod := &info.Main
	if mod.Path != Module {
		mod = nil
		for _, dep := range info.Deps {
			if dep.Path == Module {
				mod = dep
				break
			}
		}
	}
	if mod != nil && mod.Replace != nil {
		// A replace directive: the required version says nothing about the code.
		if mod.Replace.Version != "" {
			return mod.Replace.Version
		}
		return "devel (replaced by " + mod.Replace.Path + ")"
	}
	if mod != nil && mod.Version != "" && mod.Version != "(devel)" && !strings.HasPrefix(mod.Version, "v0.0.0-00010101000000") {
		return mod.Version
	}
	if mod != &info.Main {
		return "devel"
	}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision == "" {
		return unstamped
	}
	v := "devel+" + revision[:min(len(revision), 12)]
	if modified == "true" {
		v += "-dirty"
	}
	return v
}

// Short is String without its explanation, fit for a User-Agent product version.
func Short() string {
	v, _, _ := strings.Cut(String(), " ")
	return v
}
