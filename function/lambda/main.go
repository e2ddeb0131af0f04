// Command lambda is the benchmarked function on AWS Lambda: the function
// package behind an API Gateway HTTP API, one Function per process.
//
// On Lambda Managed Instances one process serves many invocations at once:
// aws-lambda-go (>= 1.51) runs AWS_LAMBDA_MAX_CONCURRENCY Runtime API loops,
// and the body's inflight field shows how many were running.
//
// Built by `sam build` (BuildMethod go1.x, provided.al2023, arm64); see
// infra/template.yaml.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/lmibench/lmibench/function"
)

func main() {
	lambda.Start(httpAPI(function.New()))
}
