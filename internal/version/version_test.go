package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	setting := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	for _, c := range []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "devel"},
		{"installed at a version", &debug.BuildInfo{Main: debug.Module{Path: Module, Version: "v0.1.0"}}, "v0.1.0"},
		{"a checkout, clean", &debug.BuildInfo{Main: debug.Module{Path: Module, Version: "(devel)"},
			Settings: setting("vcs.revision", "0123456789abcdef0123", "vcs.modified", "false")}, "devel+0123456789ab"},
		{"a checkout, dirty", &debug.BuildInfo{Main: debug.Module{Path: Module, Version: "(devel)"},
			Settings: setting("vcs.revision", "0123456789abcdef0123", "vcs.modified", "true")}, "devel+0123456789ab-dirty"},
		{"a checkout without VCS stamps", &debug.BuildInfo{Main: debug.Module{Path: Module, Version: "(devel)"}}, unstamped},
		{"a dependency at a tag", &debug.BuildInfo{Main: debug.Module{Path: "example.com/user", Version: "(devel)"},
			Deps: []*debug.Module{{Path: Module, Version: "v0.2.1"}}, Settings: setting("vcs.revision", "ffff")}, "v0.2.1"},
		{"a dependency replaced by a directory", &debug.BuildInfo{Main: debug.Module{Path: "example.com/user"},
			Deps: []*debug.Module{{Path: Module, Version: "v0.0.0-00010101000000-000000000000", Replace: &debug.Module{Path: "../orgapis"}}}}, "devel (replaced by ../orgapis)"},
		{"a dependency replaced by a version", &debug.BuildInfo{Main: debug.Module{Path: "example.com/user"},
			Deps: []*debug.Module{{Path: Module, Version: "v0.1.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v0.1.1"}}}}, "v0.1.1"},
		{"a program without orgapis", &debug.BuildInfo{Main: debug.Module{Path: "example.com/user"}}, "devel"},
	} {
		if got := FromBuildInfo(c.info, c.info != nil); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestShortHasNoSpaces(t *testing.T) {
	if s := Short(); s == "" || strings.ContainsAny(s, " ()") {
		t.Errorf("Short() = %q", s)
	}
}
