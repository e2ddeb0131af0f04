package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDependencyRules pins the layout: data flows one way, from the
// producers through the statistics and the summary to the renderer, and
// nothing upstream pulls in what is downstream (or a heavy library it
// does not use).
func TestDependencyRules(t *testing.T) {
	const mod = "github.com/lmibench/lmibench/"
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", "./"+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps ./%s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	renderer := []string{"github.com/go-echarts/", "html/template", mod + "report"}
	engine := []string{"github.com/valyala/fasthttp", "github.com/tsenart/vegeta", "github.com/aws/aws-lambda-go", mod + "attack"}
	rules := []struct {
		pkg   string
		never []string
		but   string // a package allowed although never matches it
	}{
		{"stages", []string{mod}, ""}, // pure: nothing of the project
		{"rows", []string{mod}, ""},
		{"setting", []string{mod}, ""},
		{"cost", []string{mod}, mod + "setting"},
		{"runfiles", append([]string{mod + "stats", mod + "summary"}, append(renderer, engine...)...), ""},
		{"stats", append([]string{mod + "summary"}, append(renderer, engine...)...), ""},
		{"summary", append(renderer, engine...), ""},
		{"attack", renderer, ""},
		{"emulator", renderer, ""},
		{"infra", renderer, ""},
		{"local", renderer, ""},
	}
	for _, r := range rules {
		for _, d := range deps(r.pkg) {
			if d == mod+r.pkg || d == r.but {
				continue
			}
			for _, bad := range r.never {
				if strings.HasPrefix(d, bad) {
					t.Errorf("%s depends on %s; it must not depend on %s", r.pkg, d, bad)
				}
			}
		}
	}
	// Only the renderer imports go-echarts itself.
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list ./...: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if f[0] != mod+"report" && slices.ContainsFunc(f[1:], func(i string) bool { return strings.HasPrefix(i, "github.com/go-echarts/") }) {
			t.Errorf("%s imports go-echarts; only report may", f[0])
		}
	}
}
