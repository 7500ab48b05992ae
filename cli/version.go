package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at link time by `make release` (-X coin/cli.version=…).
var version = ""

// Version returns the release version, else the VCS revision of the build.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return "dev-" + rev
		}
	}
	return "dev"
}

// VersionCmd prints the version.
type VersionCmd struct{}

func (VersionCmd) Run(g *Globals) error {
	fmt.Fprintf(g.Stdout, "coin %s (%s, %s/%s)\n", Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
