// Package infra reads the deployed side of a benchmark: the CloudFormation
// stack of template.yaml (its endpoints), the LMI capacity provider's EC2
// instances, and the CloudWatch metrics of the functions.
//
// It takes the AWS operations it uses from the caller (Clients), so that
// the CLI builds them from the SDK's default chain and tests point them at
// a moto server or a loopback fake.
package infra

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/smithy-go"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/setting"
)

// Output keys of infra/template.yaml besides each function's URL and
// name (platform.Functions names those).
const (
	OutputCapacityProviderName = "CapacityProviderName"
	OutputCapacityProviderArn  = "CapacityProviderArn"
)

// Stack is a deployed stack's outputs.
type Stack struct {
	Name    string
	Outputs map[string]string
}

// ReadStack describes the stack and keeps its outputs. Its errors are one
// line a user can act on: no credentials, no such stack, access denied.
func ReadStack(ctx context.Context, describe DescribeStacks, name string) (*Stack, error) {
	out, err := describe(ctx, &cloudformation.DescribeStacksInput{StackName: &name})
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, Explain(err))
	}
	if len(out.Stacks) == 0 {
		return nil, fmt.Errorf("stack %s: not found", name)
	}
	s := &Stack{Name: name, Outputs: map[string]string{}}
	for _, o := range out.Stacks[0].Outputs {
		if o.OutputKey != nil && o.OutputValue != nil {
			s.Outputs[*o.OutputKey] = *o.OutputValue
		}
	}
	return s, nil
}

// Output returns an output's value or an error naming the missing key.
func (s *Stack) Output(key string) (string, error) {
	v, ok := s.Outputs[key]
	if !ok || v == "" {
		return "", fmt.Errorf("stack %s has no output %s (was it deployed from infra/template.yaml?)", s.Name, key)
	}
	return v, nil
}

// Targets are the stack's endpoints of platform.Functions.
func (s *Stack) Targets() ([]platform.Target, error) {
	var out []platform.Target
	for _, f := range platform.Functions {
		u, err := s.Output(f.URLOutput)
		if err != nil {
			return nil, err
		}
		if _, err := platform.CheckURL(u); err != nil {
			return nil, fmt.Errorf("stack %s output %s: %w", s.Name, f.URLOutput, err)
		}
		out = append(out, f.Target(u))
	}
	return out, nil
}

// Explain turns an AWS SDK error into one line: the service's error code
// and message, or what is missing locally (credentials, region).
func Explain(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		msg := ae.ErrorMessage()
		switch code := ae.ErrorCode(); {
		case code == "ValidationError" && strings.Contains(msg, "does not exist"):
			return errors.New("not found")
		case strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation":
			return fmt.Errorf("access denied: %s", msg)
		case code == "ExpiredToken" || code == "InvalidClientTokenId" || code == "UnrecognizedClientException":
			return fmt.Errorf("credentials rejected (%s): %s", code, msg)
		default:
			return fmt.Errorf("%s: %s", code, msg)
		}
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "failed to retrieve credentials") || strings.Contains(s, "no EC2 IMDS role found") ||
		strings.Contains(s, "failed to refresh cached credentials"):
		return errors.New("no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run aws sso login)")
	case strings.Contains(s, "Invalid region") || strings.Contains(s, "region"):
		return setting.Errorf("region", "", "no usable AWS region (set it, or AWS_REGION): %v", err)
	}
	return err
}
