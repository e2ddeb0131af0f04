// Package deploy holds the recipes that run lmibench's shards on
// Kubernetes and AWS Batch; its test checks them against those APIs' own
// types, offline.
package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/batch"
	batchtypes "github.com/aws/aws-sdk-go-v2/service/batch/types"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// TestIndexedJob decodes the manifest, filled in as run.sh fills it, into
// the Kubernetes API's Job type, refusing unknown or duplicated fields.
func TestIndexedJob(t *testing.T) {
	raw, err := os.ReadFile("k8s/job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	filled := strings.NewReplacer("IMAGE", "registry.example.com/lmibench:1", "START_AT", "2026-11-24T10:00:00Z",
		"RESULTS", "s3://bucket/run1", "SHARDS", "4").Replace(string(raw))
	var job batchv1.Job
	if err := yaml.UnmarshalStrict([]byte(filled), &job); err != nil {
		t.Fatalf("k8s/job.yaml is not a batch/v1 Job: %v", err)
	}
	s := job.Spec
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion ||
		s.Completions == nil || *s.Completions != 4 || s.Parallelism == nil || *s.Parallelism != 4 {
		t.Fatalf("want an Indexed Job of 4 completions, all in parallel: %+v", s)
	}
	// A failed shard must not run again (its load would be sent twice).
	if s.BackoffLimitPerIndex == nil || *s.BackoffLimitPerIndex != 0 || s.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("backoffLimitPerIndex %v, restartPolicy %q; want 0 and Never", s.BackoffLimitPerIndex, s.Template.Spec.RestartPolicy)
	}
	c := s.Template.Spec.Containers[0]
	if !slices.Contains(c.Args, "--shard=$(JOB_COMPLETION_INDEX)/4") || !slices.Contains(c.Args, "--start-at=2026-11-24T10:00:00Z") ||
		!slices.Contains(c.Args, "--output-dir=s3://bucket/run1") {
		t.Errorf("args %q: want the shard from JOB_COMPLETION_INDEX, the start and the results", c.Args)
	}
	for _, e := range c.Env {
		if strings.Contains(e.Value, "JOB_COMPLETION_INDEX") {
			t.Errorf("env %s refers to JOB_COMPLETION_INDEX, which the controller adds after the spec's own variables", e.Name)
		}
	}
}

// TestBatchJobDefinition decodes the job definition into the AWS SDK's
// RegisterJobDefinition input, refusing unknown fields, and checks its
// enumerations against the API's values.
func TestBatchJobDefinition(t *testing.T) {
	raw, err := os.ReadFile("batch/job-definition.json")
	if err != nil {
		t.Fatal(err)
	}
	var in batch.RegisterJobDefinitionInput
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&in); err != nil {
		t.Fatalf("batch/job-definition.json is not a RegisterJobDefinition request: %v", err)
	}
	if !slices.Contains(batchtypes.JobDefinitionType("").Values(), in.Type) || len(in.PlatformCapabilities) != 1 ||
		in.PlatformCapabilities[0] != batchtypes.PlatformCapabilityFargate {
		t.Errorf("type %q, platform %v; want a container job on Fargate", in.Type, in.PlatformCapabilities)
	}
	cp := in.ContainerProperties
	for _, r := range cp.ResourceRequirements {
		if !slices.Contains(batchtypes.ResourceType("").Values(), r.Type) {
			t.Errorf("resource type %q is not the API's", r.Type)
		}
	}
	if cp.NetworkConfiguration == nil || !slices.Contains(batchtypes.AssignPublicIp("").Values(), cp.NetworkConfiguration.AssignPublicIp) {
		t.Errorf("networkConfiguration %+v", cp.NetworkConfiguration)
	}
	// Each child reads its index from AWS_BATCH_JOB_ARRAY_INDEX (--shard
	// auto/N, given at submit), and none is retried.
	cmd := strings.Join(cp.Command, " ")
	for _, want := range []string{"--shard Ref::shard", "--start-at Ref::startAt", "--output-dir Ref::results"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("command %q lacks %q", cmd, want)
		}
	}
	for _, p := range []string{"shard", "startAt", "results"} {
		if _, ok := in.Parameters[p]; !ok {
			t.Errorf("parameter %s has no default", p)
		}
	}
	if in.RetryStrategy == nil || in.RetryStrategy.Attempts == nil || *in.RetryStrategy.Attempts != 1 {
		t.Errorf("retryStrategy %+v; want one attempt", in.RetryStrategy)
	}
	sub, err := os.ReadFile("batch/submit.sh")
	if err != nil || !strings.Contains(string(sub), "shard=auto/${SHARDS}") || !strings.Contains(string(sub), "--array-properties") {
		t.Errorf("submit.sh does not submit an array job with --shard auto/N")
	}
}
