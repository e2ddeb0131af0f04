// Package mototest starts a moto server on loopback for tests of the AWS
// code, and points the AWS SDK at it with dummy credentials.
package mototest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"

	"github.com/lmibench/lmibench/platform"
)

// Start runs moto_server on a free loopback port until the test ends, sets
// AWS_ENDPOINT_URL, a region and dummy credentials for the SDK, and returns
// the endpoint. Without moto_server the test is skipped, or fails on CI.
func Start(t testing.TB) string {
	t.Helper()
	exe, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("moto_server is not on PATH")
		}
		t.Skip("moto_server is not on PATH")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close() // only to learn a free port
	cmd := exec.Command(exe, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// The server dies with the test binary even when that is killed (a
	// test timeout), so no moto_server outlives the run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait() // killed: its exit status says so
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	// A readiness poll, not a race: moto answers when it is up, and a
	// busy machine only makes this loop longer.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			_ = resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not start on %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	PointSDKAt(t, url)
	return url
}

// PointSDKAt sets AWS_ENDPOINT_URL, a region and dummy credentials for
// the SDK's default chain until the test ends.
func PointSDKAt(t testing.TB, url string) {
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": url, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
		"AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
}

// RunInstances starts n EC2 instances tagged key=value (a capacity
// provider's, say) and returns their ids.
func RunInstances(ctx context.Context, c *ec2.Client, n int32, key, value string) ([]string, error) {
	imgs, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil {
		return nil, err
	}
	if len(imgs.Images) == 0 {
		return nil, fmt.Errorf("moto has no image")
	}
	out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: imgs.Images[0].ImageId, MinCount: aws.Int32(n), MaxCount: aws.Int32(n),
		InstanceType: "c8g.xlarge", TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance,
			Tags: []ec2types.Tag{{Key: aws.String(key), Value: aws.String(value)}}}}})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, i := range out.Instances {
		ids = append(ids, aws.ToString(i.InstanceId))
	}
	return ids, nil
}

// CloudWatchJSON makes a CloudWatch client speak AWS JSON 1.0: the client
// defaults to RPCv2 CBOR, which moto does not speak.
func CloudWatchJSON(o *cloudwatch.Options) {
	o.Protocol = awsjson.New10(schemas.GraniteServiceVersion20100801)
}

// StackTemplate is a stand-in for infra/template.yaml that moto can create:
// the same outputs, each function's endpoint under base (a loopback
// server) and named demo-<name>.
func StackTemplate(base string) string {
	outputs := map[string]any{
		"CapacityProviderName": map[string]string{"Value": "demo-cp-2-c8xlarge"},
		"CapacityProviderArn":  map[string]string{"Value": "arn:aws:lambda:us-east-1:123456789012:capacity-provider:demo-cp-2-c8xlarge"},
	}
	for _, f := range platform.Functions {
		outputs[f.URLOutput] = map[string]string{"Value": base + f.Path}
		outputs[f.NameOutput] = map[string]string{"Value": "demo-" + f.Name}
	}
	b, err := json.Marshal(map[string]any{
		"Resources": map[string]any{"Handle": map[string]string{"Type": "AWS::CloudFormation::WaitConditionHandle"}},
		"Outputs":   outputs,
	})
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return string(b)
}
