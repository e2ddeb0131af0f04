package report

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/lmibench/lmibench/internal/runtest"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/summary"
)

// chromium finds Debian's headless browser. CI installs it; elsewhere the
// browser tests are skipped when it is missing.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH: .ci/run installs Debian's chromium")
	}
	t.Skip("no chromium on PATH")
	return ""
}

// killGroup kills process group pgid and waits until none of it is left:
// a readiness poll, bounded in case no one reaps the killed processes.
func killGroup(t *testing.T, pgid int) {
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // already gone is fine
	for deadline := time.Now().Add(30 * time.Second); syscall.Kill(-pgid, 0) == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("chromium's process group %d is still there 30 s after SIGKILL", pgid)
			return
		}
	}
}

// pageCheck is what a headless browser saw of a page.
type pageCheck struct {
	instances int      // live echarts instances
	plots     int      // chart elements on the page
	errors    []string // console errors and uncaught exceptions
	requests  []string // every URL the page asked for
	cards     int      // endpoint cards shown
	verdict   string   // the verdict's text
	saveable  int      // charts offering save-as-PNG
}

// loadInBrowser opens path from file:// in headless Chromium and reports
// the echarts instances, console errors and network requests.
func loadInBrowser(t *testing.T, path string) pageCheck {
	t.Helper()
	exe := chromium(t)
	profile := t.TempDir()
	// Chromium runs in a process group of its own, so that all of it (the
	// zygote and crash handler too, which outlive the main process for a
	// moment and write into the profile) is gone before the profile's
	// directory is removed: this cleanup runs before TempDir's.
	var browser atomic.Pointer[exec.Cmd]
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(profile),
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
			browser.Store(cmd)
		}),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(func() {
		cancel()
		if cmd := browser.Load(); cmd != nil && cmd.Process != nil {
			killGroup(t, cmd.Process.Pid)
		}
	})
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var mu sync.Mutex
	var got pageCheck
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeWarning {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				got.errors = append(got.errors, string(e.Type)+": "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			got.errors = append(got.errors, "exception: "+e.ExceptionDetails.Error())
		case *network.EventRequestWillBeSent:
			got.requests = append(got.requests, e.Request.URL)
		}
	})
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	var instances, plots, cards, saveable int
	var verdict string
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), chromedp.Navigate("file://"+abs)); err != nil {
		t.Fatalf("load %s in %s: %v", path, exe, err)
	}
	// page.js marks the body when every chart is drawn; a page whose
	// script fails never does, and its console errors say why.
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := chromedp.Run(wctx, chromedp.WaitReady(`body[data-ready="true"]`, chromedp.ByQuery)); err != nil {
		mu.Lock()
		got.errors = append(got.errors, "the page never signalled that its charts were drawn")
		mu.Unlock()
	}
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelectorAll(".plot").length`, &plots),
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".plot")).filter(el => echarts.getInstanceByDom(el)).length`, &instances),
		chromedp.Evaluate(`document.querySelectorAll(".card").length`, &cards),
		chromedp.Evaluate(`(document.querySelector(".verdict") || {}).textContent || ""`, &verdict),
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".plot")).filter(el => {
			const tb = echarts.getInstanceByDom(el).getOption().toolbox;
			return tb && tb[0].feature.saveAsImage.show;
		}).length`, &saveable),
		// Exercise the log-scale toggles too: they must not throw, also when
		// ECharts redraws on the next frames.
		chromedp.Evaluate(`document.querySelectorAll("button.log").forEach(b => b.click());
			new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`, nil,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if err != nil {
		t.Fatalf("inspect %s in %s: %v", path, exe, err)
	}
	mu.Lock()
	defer mu.Unlock()
	got.instances, got.plots, got.cards, got.verdict, got.saveable = instances, plots, cards, verdict, saveable
	return got
}

func assertCleanPage(t *testing.T, path string, wantCharts int) pageCheck {
	t.Helper()
	got := loadInBrowser(t, path)
	if got.plots != wantCharts || got.instances != wantCharts || got.saveable != wantCharts {
		t.Errorf("%s: %d echarts instances on %d chart elements, %d saveable as PNG; want %d of each", path, got.instances, got.plots, got.saveable, wantCharts)
	}
	if len(got.errors) > 0 {
		t.Errorf("%s: console errors: %q", path, got.errors)
	}
	for _, u := range got.requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("%s: the page requested %s; want no network request", path, u)
		}
	}
	return got
}

func TestPageInBrowser(t *testing.T) {
	chromium(t)
	dir := t.TempDir()
	run := syntheticRun(20000, true)
	// The hostile-named endpoint runs on LMI, the 128 one is standard: a
	// card each, the cost table and the cost chart.
	run.Meta.Targets[0].MemoryMB, run.Meta.Targets[2].LMI = 128, true
	run.Profile, _ = stages.New(run.Meta.Stages, true)
	run.Extra = []platform.Series{{Name: "LMI instances", Unit: "instances", Endpoint: evil, Metric: platform.MetricInstances,
		Points: [][2]float64{{0, 3}, {30, 4}, {60, 6}}}}
	page := filepath.Join(dir, "high-cpu.html")
	if err := runfiles.WriteFile(page, func(w io.Writer) error { return WritePage(w, run, "index.html", summary.Of(run)) }); err != nil {
		t.Fatal(err)
	}
	got := assertCleanPage(t, page, 12)
	if got.cards != 3 || !strings.HasPrefix(got.verdict, "high-cpu, peak stage 64→128 VUs: ") || !strings.Contains(got.verdict, "cost per million requests 128 $") {
		t.Errorf("%s: %d cards, verdict %q; want a card per endpoint and the verdict with costs", page, got.cards, got.verdict)
	}

	index := filepath.Join(dir, "index.html")
	other := syntheticRun(500, false)
	err := runfiles.WriteFile(index, func(w io.Writer) error {
		return WriteIndex(w, []IndexEntry{{Run: run, Summary: summary.Of(run), Page: "high-cpu.html"}, {Run: other, Summary: summary.Of(other), Page: "other.html"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	assertCleanPage(t, index, 2)
}

// TestHistoryPageInBrowser: the history of five runs and another
// scenario's one renders a chart per endpoint, with no console error and
// no network request.
func TestHistoryPageInBrowser(t *testing.T) {
	chromium(t)
	var sums []*summary.Summary
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		s := summary.Of(runtest.Lognormal(uint64(i+1), map[string]time.Duration{"x": time.Duration(i) * 10 * time.Millisecond}, "x", "y"))
		at := day.Add(time.Duration(i) * 24 * time.Hour)
		s.Start, s.RunID = &at, at.Format("20060102")
		sums = append(sums, s)
	}
	other := summary.Of(runtest.Lognormal(9, nil, "x"))
	other.Scenario = "high-cpu"
	h := summary.BuildHistory(append(sums, other), "", 5, summary.CompareOptions{Min: summary.DefaultMinChange})
	page := filepath.Join(t.TempDir(), "history.html")
	if err := runfiles.WriteFile(page, func(w io.Writer) error { return WriteHistory(w, h) }); err != nil {
		t.Fatal(err)
	}
	got := assertCleanPage(t, page, 3)
	if !strings.Contains(got.verdict, "regressed") {
		t.Errorf("verdict %q; want the newest run's regression said", got.verdict)
	}
}
