// Package s3dir uses an S3 prefix as a results directory: a run uploads
// its files there as each scenario ends, and report downloads CSVs with
// the files beside them. Shards on other machines share one this way.
package s3dir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Scheme starts every S3 location lmibench takes.
const Scheme = "s3://"

// Is says whether s names an S3 location.
func Is(s string) bool { return strings.HasPrefix(s, Scheme) }

// Location is a bucket and a key prefix (no trailing slash), or with a
// pattern, the keys under the prefix whose last element matches it.
type Location struct{ Bucket, Prefix, Pattern string }

func (l Location) String() string { return Scheme + path.Join(l.Bucket, l.Prefix, l.Pattern) }

// Parse reads s3://bucket/prefix; with pattern, the last element may be a
// path.Match pattern (s3://bucket/run1/*.csv) or a file's name.
func Parse(uri string, pattern bool) (Location, error) {
	rest, ok := strings.CutPrefix(uri, Scheme)
	bucket, key, _ := strings.Cut(rest, "/")
	if !ok || bucket == "" || strings.ContainsAny(bucket, " *?[") {
		return Location{}, fmt.Errorf("%q: want s3://bucket/prefix", uri)
	}
	l := Location{Bucket: bucket, Prefix: strings.Trim(key, "/")}
	if pattern {
		l.Prefix, l.Pattern = path.Dir(l.Prefix), path.Base(l.Prefix)
		if l.Prefix == "." {
			l.Prefix = ""
		}
		if _, err := path.Match(l.Pattern, ""); err != nil || l.Pattern == "." || l.Pattern == "" {
			return Location{}, fmt.Errorf("%q: want s3://bucket/prefix/NAME.csv or a pattern such as *.csv", uri)
		}
	}
	return l, nil
}

// Dir is a Location with the S3 operations it needs.
type Dir struct {
	Location
	put  func(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	get  func(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	list s3.ListObjectsV2APIClient
	head func(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	stat func(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// Open connects to loc's bucket with the SDK's default chain (AWS_PROFILE,
// AWS_REGION, instance and task roles, AWS_ENDPOINT_URL, …) and checks that
// it is there, so a bad bucket is refused before any load. A custom
// endpoint (an S3-compatible store, moto) is addressed path-style.
func Open(ctx context.Context, loc Location) (*Dir, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // S3 finds the bucket's own region
	}
	custom := cfg.BaseEndpoint != nil || os.Getenv("AWS_ENDPOINT_URL_S3") != ""
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = custom })
	d := &Dir{Location: loc, put: c.PutObject, get: c.GetObject, list: c, head: c.HeadBucket, stat: c.HeadObject}
	if _, err := d.head(ctx, &s3.HeadBucketInput{Bucket: aws.String(loc.Bucket)}); err != nil {
		return nil, fmt.Errorf("%s: bucket %s cannot be reached: %w", loc, loc.Bucket, err)
	}
	return d, nil
}

func (d *Dir) key(name string) string {
	if d.Prefix == "" {
		return name
	}
	return d.Prefix + "/" + name
}

// Exists says whether the prefix holds an object named name.
func (d *Dir) Exists(ctx context.Context, name string) (bool, error) {
	_, err := d.stat(ctx, &s3.HeadObjectInput{Bucket: aws.String(d.Bucket), Key: aws.String(d.key(name))})
	var nf *types.NotFound
	if errors.As(err, &nf) {
		return false, nil
	}
	return err == nil, err
}

// Upload copies a local file to the prefix, under its base name; unless
// replace (a file this run wrote before), never over an object already
// there: a create-only write, so another run's is kept.
func (d *Dir) Upload(ctx context.Context, local string, replace bool) error {
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // read only
	in := &s3.PutObjectInput{Bucket: aws.String(d.Bucket), Key: aws.String(d.key(filepath.Base(local))), Body: f}
	if !replace {
		in.IfNoneMatch = aws.String("*")
	}
	_, err = d.put(ctx, in)
	if err != nil {
		return fmt.Errorf("upload %s to %s: %w", local, Location{Bucket: d.Bucket, Prefix: d.key(filepath.Base(local))}, err)
	}
	return nil
}

// Fetch downloads the files matching the pattern whose names end in
// suffix (".csv", ".summary.json") into dir, each with the files beside it
// (named from its name by beside, nil for none) that exist, and returns
// their local paths in key order. No match is an error.
func (d *Dir) Fetch(ctx context.Context, dir, suffix string, beside func(name string) []string) ([]string, error) {
	prefix := d.Prefix
	if prefix != "" {
		prefix += "/"
	}
	keys := map[string]bool{}
	var csvs []string
	p := s3.NewListObjectsV2Paginator(d.list, &s3.ListObjectsV2Input{Bucket: aws.String(d.Bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Location, err)
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			name := strings.TrimPrefix(k, prefix)
			if strings.Contains(name, "/") {
				continue // not in this "directory"
			}
			keys[name] = true
			if ok, _ := path.Match(d.Pattern, name); ok && strings.HasSuffix(name, suffix) {
				csvs = append(csvs, name)
			}
		}
	}
	if len(csvs) == 0 {
		what := "*" + suffix + " file"
		if suffix == ".csv" {
			what = "CSV"
		}
		return nil, fmt.Errorf("%s: no %s matches", d.Location, what)
	}
	var out []string
	for _, name := range csvs {
		var others []string
		if beside != nil {
			others = beside(name)
		}
		for _, f := range append([]string{name}, others...) {
			if !keys[f] {
				continue
			}
			if err := d.download(ctx, f, filepath.Join(dir, f)); err != nil {
				return nil, err
			}
		}
		out = append(out, filepath.Join(dir, name))
	}
	return out, nil
}

func (d *Dir) download(ctx context.Context, name, local string) error {
	o, err := d.get(ctx, &s3.GetObjectInput{Bucket: aws.String(d.Bucket), Key: aws.String(d.key(name))})
	if err != nil {
		return fmt.Errorf("%s: %w", Location{Bucket: d.Bucket, Prefix: d.key(name)}, err)
	}
	defer func() { _ = o.Body.Close() }()
	f, err := os.Create(local)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, o.Body)
	return errors.Join(err, f.Close())
}
