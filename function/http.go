package function

import (
	"encoding/json"
	"errors"
	"net/http"
)

// ServeHTTP answers GET ?delay_ms=N&hash_loops=M with the JSON Response, and
// a 400 with {"error": "...", "param": "..."} for bad parameters.
func (f *Function) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	work, err := ParseWork(q.Get)
	if err != nil {
		var pe *ParamError
		errors.As(err, &pe)
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error(), "param": pe.Param})
		return
	}
	resp, err := f.Invoke(r.Context(), work)
	if err != nil {
		// The client went away; nobody reads this answer.
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status is sent; a failed write means the client left.
	_ = json.NewEncoder(w).Encode(v)
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
