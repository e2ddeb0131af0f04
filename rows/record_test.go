package rows

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mailru/easyjson/jlexer"
)

func TestParseFn(t *testing.T) {
	tests := []struct {
		body string
		want FnFields
		ok   bool
	}{
		{`{"message":"hello","delay_ms":1,"hash":"ab","env_id":"e1","cold_start":true,"inflight":3,"handler_ms":1.25}`,
			FnFields{EnvID: "e1", ColdStart: true, Inflight: 3, HandlerMS: 1.25}, true},
		{`{"env_id":"e\u00e9","extra":{"a":[1,2,{"b":null}]},"inflight":null}` + "\n", FnFields{EnvID: "eé"}, true},
		{`{"error":"hash_loops: out of range","param":"hash_loops"}`, FnFields{}, false},
		{`{"env_id":"e1","inflight":"3"}`, FnFields{}, false},
		{`{"env_id":"e1"} trailing`, FnFields{}, false},
		{`{"env_id":"e1"`, FnFields{}, false},
		{`<html>`, FnFields{}, false},
		{``, FnFields{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseFn([]byte(tt.body))
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseFn(%q) = %+v, %v; want %+v, %v", tt.body, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParseFn checks the fast decoder against encoding/json: where both
// read a body they agree, and a body encoding/json reads with an env_id is
// never refused. (easyjson is laxer about control characters in strings;
// that is harmless here.)
func FuzzParseFn(f *testing.F) {
	f.Add([]byte(`{"env_id":"e1","cold_start":true,"inflight":3,"handler_ms":1.25,"hash":"x"}`))
	f.Add([]byte(`{"env_id":null}`))
	f.Add([]byte(`{"env_id":"a","env_id":"b"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := ParseFn(body)
		var want struct {
			FnFields
			EnvID *string `json:"env_id"`
		}
		if err := json.Unmarshal(body, &want); err != nil {
			return
		}
		// Nor of invalid UTF-8, which encoding/json replaces and the lexer
		// keeps: the function writes valid JSON, and a row keeps the bytes.
		if want.EnvID == nil || len(body) == 0 || body[0] != '{' || !utf8.Valid(body) {
			return
		}
		// encoding/json also matches keys case-insensitively; the function
		// writes them exactly, and ParseFn matches them exactly.
		lower := bytes.ToLower(body)
		for _, k := range []string{`"env_id"`, `"cold_start"`, `"inflight"`, `"handler_ms"`} {
			if bytes.Count(lower, []byte(k)) != bytes.Count(body, []byte(k)) {
				return
			}
		}
		want.FnFields.EnvID = *want.EnvID
		if !ok || got != want.FnFields {
			t.Fatalf("ParseFn(%q) = %+v, %v; encoding/json reads %+v", body, got, ok, want.FnFields)
		}
	})
}

func BenchmarkParseFn(b *testing.B) {
	body := []byte(`{"message":"hello","delay_ms":100,"hash_loops":0,"hash":"5d2a5c2b1fbd1e7b7a9d4c2d6e1f0a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f","env_id":"0a287d01df9668ea","cold_start":false,"inflight":12,"handler_ms":100.713}`)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok := ParseFn(body); !ok {
			b.Fatal("not parsed")
		}
	}
}

// FuzzScanFn: wherever the flat scanner is sure of a body, the lexer
// reads it the same.
func FuzzScanFn(f *testing.F) {
	f.Add([]byte(`{"message":"hello","delay_ms":1,"hash":"ab","env_id":"e1","cold_start":true,"inflight":3,"handler_ms":1.25}`))
	f.Add([]byte(`{"env_id":"e1","x":1-2,"y":true , "z" : null}`))
	f.Add([]byte(`{"env_id":"e\u00e9"}`))
	f.Add([]byte(`{"env_id":"a","inflight":1.5}`))
	f.Add([]byte("{\"env_id\":\"\xff\x01\"}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) == 0 || body[0] != '{' {
			return
		}
		got, ok, sure := scanFn(body)
		if !sure {
			return
		}
		in := jlexer.Lexer{Data: body}
		want, wantOK := lexFn(&in)
		if ok != wantOK || got != want {
			t.Fatalf("scanFn(%q) = %+v, %v; the lexer reads %+v, %v", body, got, ok, want, wantOK)
		}
	})
}

// TestSetFnAndTheDecoderAgree: whatever a body claims, the engine's
// fields and the fields read back from the CSV it wrote are the same, and
// nothing out of range is taken as the function's answer.
func TestSetFnAndTheDecoderAgree(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes
	for _, tt := range []struct {
		name     string
		body     string
		has, bad bool
		env      string
	}{
		{"the function's answer", `{"env_id":"e1","cold_start":true,"inflight":3,"handler_ms":12.5}`, true, false, "e1"},
		{"a handler time past Lambda's limit", `{"env_id":"e1","handler_ms":1e308}`, false, true, ""},
		{"a negative handler time", `{"env_id":"e1","handler_ms":-1}`, false, true, ""},
		{"fewer than none in flight", `{"env_id":"e1","inflight":-5}`, false, true, ""},
		{"a long env_id, cut", `{"env_id":"` + long + `"}`, true, false, long[:MaxNameBytes]},
		{"not the function", `{"message":"hi"}`, false, false, ""},
	} {
		var r Record
		r.Timestamp, r.Endpoint, r.Status = time.Unix(1e9, 0).UTC(), "x", 200
		r.SetFn([]byte(tt.body))
		if r.HasFn != tt.has || r.FnRejected != tt.bad || r.Fn.EnvID != tt.env || !utf8.ValidString(r.Fn.EnvID) {
			t.Errorf("%s: SetFn = has %v, rejected %v, env %q; want %v, %v, %q", tt.name, r.HasFn, r.FnRejected, r.Fn.EnvID, tt.has, tt.bad, tt.env)
		}
		back, err := decodeAll(encode(t, []Record{r}))
		if err != nil || len(back) != 1 || back[0].HasFn != r.HasFn || back[0].Fn != r.Fn {
			t.Errorf("%s: read back %+v, %v; want the fields written, %+v", tt.name, back, err, r.Fn)
		}
	}
	// A CSV from elsewhere holding such fields keeps its row and drops them.
	header := strings.Join(Columns, ",") + "\n"
	rows, err := decodeAll([]byte(header + "2001-09-09T01:46:40Z,1.0,s,x,0,1,200,5.0,0,0,,e1,false,-5,1e308,\n"))
	if err != nil || len(rows) != 1 || rows[0].HasFn || !rows[0].FnRejected || rows[0].Status != 200 {
		t.Errorf("decoded %+v, %v; want the row kept, its fields dropped and counted", rows, err)
	}
}
