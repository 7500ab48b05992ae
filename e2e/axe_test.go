package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axe-core (WCAG 2.1 A/AA rules) checks the pages the tests visit. .ci/run
// installs the pinned npm package outside the repository and points
// COIN_AXE_JS at its axe.min.js; without it the check is skipped, unless
// COIN_REQUIRE_BROWSER=1 (CI) makes that a failure.
var axeSource struct {
	once sync.Once
	js   string
	err  error
}

func axeJS() (string, error) {
	axeSource.once.Do(func() {
		p := os.Getenv("COIN_AXE_JS")
		if p == "" {
			home, _ := os.UserHomeDir()
			p = filepath.Join(home, ".cache", "coin-axe", "node_modules", "axe-core", "axe.min.js")
		}
		b, err := os.ReadFile(p)
		if err != nil {
			axeSource.err = fmt.Errorf("axe-core not found (%w): npm install --no-save --prefix \"$HOME/.cache/coin-axe\" axe-core@4.14.1, or set COIN_AXE_JS", err)
			return
		}
		axeSource.js = string(b)
	})
	return axeSource.js, axeSource.err
}

// requireAxe skips (or, in CI, fails) a test that needs axe-core when it is
// not installed.
func requireAxe(t *testing.T) {
	t.Helper()
	if _, err := axeJS(); err != nil {
		if os.Getenv("COIN_REQUIRE_BROWSER") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// The product's CSP refuses injected <script> tags; Runtime.evaluate
// through the DevTools protocol is not subject to it.
const axeRun = `axe.run(document, {
	runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
	resultTypes: ["violations"]
}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help,
	targets: v.nodes.map(n => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.split("\n").slice(1).join(" ").trim() : ""))
})))`

// checkA11y runs axe-core on the current page and fails the test naming the
// page, each rule broken and the elements that break it.
func checkA11y(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	src, err := axeJS()
	if err != nil {
		requireAxe(t)
		return
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined"`))
	if err != nil {
		t.Fatalf("axe on %s: %v", label, err)
	}
	if !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil && !errors.Is(err, chromedp.ErrJSUndefined) {
			t.Fatalf("inject axe-core on %s: %v", label, err)
		}
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run on %s: %v", label, err)
	}
	if len(vs) == 0 {
		return
	}
	where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for i, tg := range v.Targets {
			if i == 8 {
				fmt.Fprintf(&b, "\n    … and %d more", len(v.Targets)-i)
				break
			}
			fmt.Fprintf(&b, "\n    %s", tg)
		}
	}
	t.Errorf("accessibility: %s (%s) breaks %d WCAG 2.1 A/AA rule(s):%s", where, label, len(vs), b.String())
}
