package function

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// Answer runs one request from its query parameters (get returns "" for an
// absent one) and gives the HTTP status and JSON body: 200 with the
// Response, 400 with {"error": "...", "param": "..."} for bad parameters,
// 503 when ctx ended first. Every front end (net/http, API Gateway) answers
// through it, so all of them say the same.
func (f *Function) Answer(ctx context.Context, get func(string) string) (int, []byte) {
	var status int
	var body any
	work, err := ParseWork(get)
	if err != nil {
		var pe *ParamError
		errors.As(err, &pe)
		status, body = http.StatusBadRequest, map[string]string{"error": err.Error(), "param": pe.Param}
	} else if resp, err := f.Invoke(ctx, work); err != nil {
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

// ServeHTTP answers GET ?delay_ms=N&hash_loops=M (see Answer).
func (f *Function) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status, body := f.Answer(r.Context(), r.URL.Query().Get)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status is sent; a failed write means the client left.
	_, _ = w.Write(body)
}

// Endpoint is one of the three benchmarked functions, by its name in the CSV
// and its path behind the HTTP API.
type Endpoint struct {
	Name string
	Path string
}

// Endpoints are the three functions of the benchmark, in report order.
var Endpoints = []Endpoint{
	{Name: "128", Path: "/default/128/hello"},
	{Name: "2048", Path: "/default/2048/hello"},
	{Name: "lmi", Path: "/lmi/2048/hello"},
}

// NewLocalMux serves every endpoint on its own Function, so each has its own
// env_id and in-flight count, as three deployed functions would.
func NewLocalMux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, e := range Endpoints {
		mux.Handle("GET "+e.Path, New())
	}
	return mux
}
