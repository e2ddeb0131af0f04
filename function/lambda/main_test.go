package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// runtimeAPI is a fake Lambda Runtime API on loopback: it hands out a fixed
// list of invocations, all at once when as many /next calls are waiting,
// then holds further /next calls until closed, and collects what the
// function answers.
type runtimeAPI struct {
	events []events.APIGatewayV2HTTPRequest
	hold   chan struct{}
	ready  chan struct{} // closed when every invocation has a /next waiting

	mu        sync.Mutex
	next      int
	responses map[string][]byte
	errors    []string
	done      chan struct{}
}

func (f *runtimeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const base = "/2018-06-01/runtime/invocation/"
	switch {
	case r.Method == http.MethodGet && r.URL.Path == base+"next":
		f.mu.Lock()
		i := f.next
		f.next++
		if f.next == len(f.events) {
			close(f.ready)
		}
		f.mu.Unlock()
		if i >= len(f.events) {
			<-f.hold // no more work: the loop waits, as on Lambda
			http.Error(w, "shutting down", http.StatusGone)
			return
		}
		<-f.ready
		body, _ := json.Marshal(f.events[i])
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", fmt.Sprintf("req-%d", i))
		w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:lmibench-lmi")
		w.Write(body)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/response"):
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, base), "/response")
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.responses[id] = b
		if len(f.responses) == len(f.events) {
			close(f.done)
		}
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	default:
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.errors = append(f.errors, r.Method+" "+r.URL.Path+": "+string(b))
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}
}

// TestManyInvocationsInOneProcess builds the Lambda binary, starts it
// against the fake Runtime API with AWS_LAMBDA_MAX_CONCURRENCY=n, hands it n
// invocations at once, each sleeping 2 s, and checks that all n ran at once
// in one process, as on Lambda Managed Instances: the function counts its
// own requests in flight.
func TestManyInvocationsInOneProcess(t *testing.T) {
	const n = 16
	bin := filepath.Join(t.TempDir(), "bootstrap")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	api := &runtimeAPI{hold: make(chan struct{}), ready: make(chan struct{}), responses: map[string][]byte{}, done: make(chan struct{})}
	for range n {
		api.events = append(api.events, events.APIGatewayV2HTTPRequest{
			RawPath:               "/lmi/2048/hello",
			QueryStringParameters: map[string]string{"delay_ms": "2000", "hash_loops": "10"},
		})
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	defer close(api.hold)

	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(srv.URL, "http://"),
		"AWS_LAMBDA_MAX_CONCURRENCY="+strconv.Itoa(n),
		"AWS_LAMBDA_FUNCTION_NAME=lmibench-lmi", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=2048")
	cmd.Stderr = os.Stderr
	// The function dies with the test binary, whatever happens to it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	<-api.done
	api.mu.Lock()
	defer api.mu.Unlock()
	if len(api.errors) > 0 {
		t.Fatalf("the function reported errors: %q", api.errors)
	}
	envs := map[string]bool{}
	var peak int64
	for id, b := range api.responses {
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(b, &resp); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s answered %s; want an HTTP API response with status 200", id, b)
		}
		var body struct {
			EnvID    string `json:"env_id"`
			Inflight int64  `json:"inflight"`
			Hash     string `json:"hash"`
		}
		if err := json.Unmarshal([]byte(resp.Body), &body); err != nil || body.Hash == "" {
			t.Fatalf("%s body %q is not the function's JSON", id, resp.Body)
		}
		envs[body.EnvID] = true
		peak = max(peak, body.Inflight)
	}
	if len(envs) != 1 {
		t.Errorf("env_ids = %v; want one process", envs)
	}
	if peak != n {
		t.Errorf("peak inflight reported = %d; want all %d at once", peak, n)
	}
}
