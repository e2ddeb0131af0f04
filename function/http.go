package function

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/lmibench/lmibench/platform"
)

// ErrThrottled is what an invoker returns when it has no capacity for a
// request; Respond answers it with 429, as Lambda's throttles reach clients.
var ErrThrottled = errors.New("throttled")

// Invoker runs one request's work.
type Invoker func(context.Context, Work) (Response, error)

// Respond runs one request from its query parameters (get returns "" for
// an absent one) and gives the HTTP status and JSON body: 200 with the
// Response, 400 with {"error": "...", "param": "..."} for bad parameters,
// 429 when throttled, 503 when ctx ended first. Every front end (net/http,
// API Gateway, the emulator) answers through it, so all of them say the same.
func Respond(ctx context.Context, get func(string) string, invoke Invoker) (int, []byte) {
	var status int
	var body any
	work, err := ParseWork(get)
	if err != nil {
		var pe *ParamError
		errors.As(err, &pe)
		status, body = http.StatusBadRequest, map[string]string{"error": err.Error(), "param": pe.Param}
	} else if resp, err := invoke(ctx, work); errors.Is(err, ErrThrottled) {
		status, body = http.StatusTooManyRequests, map[string]string{"message": "Too Many Requests"}
	} else if err != nil {
		status, body = http.StatusServiceUnavailable, map[string]string{"error": err.Error()}
	} else {
		status, body = http.StatusOK, resp
	}
	b, err := json.Marshal(body)
	if err != nil { // only maps of strings and Response: cannot happen
		panic(err)
	}
	return status, append(b, '\n')
}

// Answer is Respond with this Function's Invoke.
func (f *Function) Answer(ctx context.Context, get func(string) string) (int, []byte) {
	return Respond(ctx, get, f.Invoke)
}

// ServeHTTP answers GET ?delay_ms=N&hash_loops=M (see Respond).
func (f *Function) ServeHTTP(w http.ResponseWriter, r *http.Request) { ServeWith(w, r, f.Invoke) }

// ServeWith answers an HTTP request with invoke (see Respond).
func ServeWith(w http.ResponseWriter, r *http.Request, invoke Invoker) {
	status, body := Respond(r.Context(), r.URL.Query().Get, invoke)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status is sent; a failed write means the client left.
	_, _ = w.Write(body)
}

// NewLocalMux serves every endpoint on its own Function, so each has its own
// env_id and in-flight count, as three deployed functions would.
func NewLocalMux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, e := range platform.Functions {
		mux.Handle("GET "+e.Path, New())
	}
	return mux
}
