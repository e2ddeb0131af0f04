package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/internal/mototest"
	"github.com/lmibench/lmibench/summary"
)

// TestResultsOnS3 runs with an s3:// --output-dir on moto: every file of
// the scenario is uploaded, and report reads the run back from S3. A
// bucket that is not there is refused before any request.
func TestResultsOnS3(t *testing.T) {
	mototest.Start(t)
	t.Setenv("TMPDIR", t.TempDir()) // the local copies
	t.Chdir(t.TempDir())            // report's downloads
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		t.Fatal(err)
	}
	srv, hits := countingServer(t, function.New())
	args := []string{"run", "--scenario", "fast-io", "--stage-targets", "2", "--duration", "300ms", "--target", "api=" + srv.URL, "-q"}

	bad := runCLI(t, nil, append(args, "--output-dir", "s3://no-such-bucket/x")...)
	if bad.code != exitBadInput || strings.Count(strings.TrimSpace(bad.stderr), "\n") != 0 || !strings.Contains(bad.stderr, "no-such-bucket") || hits.Load() != 0 {
		t.Fatalf("missing bucket: exit %d, %q, %d requests; want one line, exit 2, none sent", bad.code, bad.stderr, hits.Load())
	}

	r := runCLI(t, nil, append(args, "--output-dir", "s3://bench/runs/one")...)
	if r.code != exitOK || !strings.Contains(r.stderr, "uploaded 4 files to s3://bench/runs/one") {
		t.Fatalf("run: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	out, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bench"), Prefix: aws.String("runs/one/")})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range out.Contents {
		k := aws.ToString(o.Key)
		kinds = append(kinds, k[strings.Index(k, "Z")+1:])
	}
	sort.Strings(kinds)
	if strings.Join(kinds, " ") != ".csv .html .json .summary.json" {
		t.Fatalf("uploaded %v; want the CSV, sidecar, summary and page", kinds)
	}

	rr := runCLI(t, nil, "report", "s3://bench/runs/one/*.csv", "--summary", "-", "-o", filepath.Join(t.TempDir(), "p.html"))
	var sums []summary.Summary
	if err := json.Unmarshal([]byte(rr.stdout), &sums); rr.code != exitOK || err != nil {
		t.Fatalf("report from S3: exit %d, %v; stderr:\n%s", rr.code, err, rr.stderr)
	}
	if len(sums) != 1 || sums[0].Endpoints[0].All.Requests != hits.Load() || sums[0].RunID == "" {
		t.Fatalf("report from S3 = %+v; want the run's %d requests and its run id", sums, hits.Load())
	}
	if none := runCLI(t, nil, "report", "s3://bench/runs/none/*.csv"); none.code != exitBadInput || !strings.Contains(none.stderr, "no CSV matches") {
		t.Errorf("report of nothing: exit %d, %q", none.code, none.stderr)
	}

	// Another run in the same second: its objects are there under the
	// names this run would take (for the next 30 s), and are kept; this
	// run's files take the next names.
	now := time.Now().UTC()
	var theirs []string
	for s := range 30 {
		key := "runs/two/fast-io-" + now.Add(time.Duration(s)*time.Second).Format("20060102T150405Z") + ".csv"
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String(key), Body: strings.NewReader("another run's")}); err != nil {
			t.Fatal(err)
		}
		theirs = append(theirs, key)
	}
	r2 := runCLI(t, nil, append(args, "--output-dir", "s3://bench/runs/two")...)
	if r2.code != exitOK || !strings.Contains(r2.stderr, "uploaded 4 files to s3://bench/runs/two") {
		t.Fatalf("second run: exit %d; stderr:\n%s", r2.code, r2.stderr)
	}
	for _, key := range theirs {
		o, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(o.Body)
		o.Body.Close()
		if string(b) != "another run's" {
			t.Fatalf("%s was overwritten", key)
		}
	}
	two, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bench"), Prefix: aws.String("runs/two/")})
	if err != nil || len(two.Contents) != 30+4 {
		t.Fatalf("runs/two holds %d objects, %v; want the other run's 30 and this run's 4", len(two.Contents), err)
	}
}
