package s3dir

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in      string
		pattern bool
		want    Location
		err     bool
	}{
		{"s3://b/runs/one", false, Location{Bucket: "b", Prefix: "runs/one"}, false},
		{"s3://b/runs/one/", false, Location{Bucket: "b", Prefix: "runs/one"}, false},
		{"s3://b", false, Location{Bucket: "b"}, false},
		{"s3://b/runs/*.csv", true, Location{Bucket: "b", Prefix: "runs", Pattern: "*.csv"}, false},
		{"s3://b/x.csv", true, Location{Bucket: "b", Pattern: "x.csv"}, false},
		{"s3://b/runs/[.csv", true, Location{}, true},
		{"s3://b", true, Location{}, true},
		{"s3:///x", false, Location{}, true},
		{"results/x", false, Location{}, true},
		{"s3://b*/x", false, Location{}, true},
	} {
		got, err := Parse(c.in, c.pattern)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("Parse(%q, %v) = %+v, %v; want %+v (error: %v)", c.in, c.pattern, got, err, c.want, c.err)
		}
	}
	if s := (Location{Bucket: "b", Prefix: "runs", Pattern: "*.csv"}).String(); s != "s3://b/runs/*.csv" {
		t.Errorf("String() = %q", s)
	}
}

// FuzzParse: any input is refused or names a bucket, and its pattern is a
// valid one.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"s3://b/p", "s3://b/p/*.csv", "s3://", "s3://b/[", "x"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, pattern bool) {
		l, err := Parse(in, pattern)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if l.Bucket == "" || (pattern && l.Pattern == "") || strings.HasPrefix(l.Prefix, "/") {
			t.Fatalf("Parse(%q) = %+v", in, l)
		}
	})
}
