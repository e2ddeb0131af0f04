package infra

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/lmibench/lmibench/setting"
)

// Clients are the three AWS operations a deployed run uses, each held as
// a method value rather than its whole SDK client: a client stored in an
// interface makes the linker keep every one of its methods (html/template
// and text/template can call any method by name), which cost some 40 MB of
// binary for the EC2 client alone.
type Clients struct {
	// Region is the region they call.
	Region            string
	DescribeStacks    DescribeStacks
	DescribeInstances DescribeInstances
	GetMetricData     GetMetricData
}

// DescribeStacks is CloudFormation's DescribeStacks.
type DescribeStacks func(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)

// DescribeInstances is EC2's DescribeInstances.
type DescribeInstances func(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)

// DescribeInstances lets the SDK's paginator drive the operation.
func (f DescribeInstances) DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, opts ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	return f(ctx, in, opts...)
}

// GetMetricData is CloudWatch's GetMetricData.
type GetMetricData func(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)

// GetMetricData lets the SDK's paginator drive the operation.
func (f GetMetricData) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	return f(ctx, in, opts...)
}

// NewClients builds the operations from the SDK's default chain
// (AWS_PROFILE, AWS_REGION, SSO, instance roles, AWS_ENDPOINT_URL, …), in
// region when it is set. cwOpts adjust the CloudWatch client (tests of
// moto use AWS JSON 1.0).
func NewClients(ctx context.Context, region string, cwOpts ...func(*cloudwatch.Options)) (*Clients, error) {
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", Explain(err))
	}
	if cfg.Region == "" {
		return nil, setting.Errorf("region", "", "no AWS region: set it, AWS_REGION or a profile's region")
	}
	return &Clients{
		Region:            cfg.Region,
		DescribeStacks:    cloudformation.NewFromConfig(cfg).DescribeStacks,
		DescribeInstances: ec2.NewFromConfig(cfg).DescribeInstances,
		GetMetricData:     cloudwatch.NewFromConfig(cfg, cwOpts...).GetMetricData,
	}, nil
}
