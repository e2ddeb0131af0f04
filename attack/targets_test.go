package attack

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lmibench/lmibench/rows"
)

func TestReadTargets(t *testing.T) {
	body := filepath.Join(t.TempDir(), "order.json")
	if err := os.WriteFile(body, []byte(`{"qty":2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	file := "# a vegeta targets file\n" +
		"GET http://127.0.0.1:9/items?page=1\n" +
		"X-Trace: on\n\n" +
		"POST http://127.0.0.1:9/orders\n" +
		"Authorization: Bearer s3cret\n" +
		"Content-Type: application/json\n" +
		"@" + body + "\n\n" +
		"GET http://127.0.0.1:9/items?page=2\n"
	ts, err := ReadTargets(strings.NewReader(file), "http", nil, http.Header{"X-Default": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 3 {
		t.Fatalf("targets = %+v; want 3", ts)
	}
	post := ts[1]
	if post.Name != "POST /orders" || post.Method != "POST" || string(post.Body) != `{"qty":2}` ||
		post.Header.Get("Authorization") != "Bearer s3cret" || post.Header.Get("X-Default") != "1" || post.Workload {
		t.Errorf("POST target = %+v", post)
	}
	if ts[0].Name != "GET /items" || ts[2].Name != "GET /items #2" || ts[0].Header.Get("X-Trace") != "on" {
		t.Errorf("names %q, %q; header %v; want unique names by method and path", ts[0].Name, ts[2].Name, ts[0].Header)
	}
	for _, tt := range []struct{ in, want string }{
		{"", "no targets in the file"},
		{"GET ftp://x/?token=s3cret\n", "is not an http(s) URL"},
		{"FROB\n", "target 1:"},
		{"GET http://h/\n@/no/such/file\n", "target 1:"},
	} {
		_, err := ReadTargets(strings.NewReader(tt.in), "http", nil, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ReadTargets(%q) = %v; want %q without secrets", tt.in, err, tt.want)
		}
	}
}

func FuzzReadTargets(f *testing.F) {
	f.Add("GET http://h/a\nX: 1\n\nPOST https://h/b?x=1\n")
	f.Add("# c\nPUT http://h:1/\n")
	f.Add("GET http://h/,\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ReadTargets(strings.NewReader(s), "http", nil, nil)
		if err != nil {
			return
		}
		names := map[string]bool{}
		for _, tg := range ts {
			if names[tg.Name] || strings.ContainsAny(tg.Name, ",\"\r\n") || tg.Method == "" {
				t.Fatalf("target %+v: a name must be unique and fit a CSV field", tg)
			}
			names[tg.Name] = true
		}
	})
}

func TestReadJSONTargets(t *testing.T) {
	in := `{"method":"POST","url":"http://127.0.0.1:1/orders","header":{"X-A":["1"]},"body":"aGk="}` + "\n" +
		`{"method":"GET","url":"http://127.0.0.1:1/` + strings.Repeat("p", 300) + `"}` + "\n"
	ts, err := ReadTargets(strings.NewReader(in), "json", nil, nil)
	if err != nil || len(ts) != 2 || ts[0].Name != "POST /orders" || string(ts[0].Body) != "hi" || ts[0].Header.Get("X-A") != "1" {
		t.Fatalf("ReadTargets(json) = %+v, %v", ts, err)
	}
	if len(ts[1].Name) > rows.MaxNameBytes {
		t.Errorf("a long path's name is %d bytes; want at most %d", len(ts[1].Name), rows.MaxNameBytes)
	}
	if _, err := ReadTargets(strings.NewReader(in), "yaml", nil, nil); err == nil {
		t.Error("format yaml accepted")
	}
}
