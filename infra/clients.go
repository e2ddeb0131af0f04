package infra

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// Clients are the AWS clients a deployed run uses.
type Clients struct {
	CloudFormation CloudFormationAPI
	EC2            EC2API
	CloudWatch     CloudWatchAPI
}

// NewClients builds the clients from the SDK's default chain (AWS_PROFILE,
// AWS_REGION, SSO, instance roles, AWS_ENDPOINT_URL, …), in region when it
// is set. cwOpts adjust the CloudWatch client (tests use AWS JSON 1.0).
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
		return nil, errors.New("no AWS region: set --region, AWS_REGION or a profile's region")
	}
	return &Clients{
		CloudFormation: cloudformation.NewFromConfig(cfg),
		EC2:            ec2.NewFromConfig(cfg),
		CloudWatch:     cloudwatch.NewFromConfig(cfg, cwOpts...),
	}, nil
}
