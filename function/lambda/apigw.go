package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lmibench/lmibench/function"
)

// httpAPI answers an API Gateway HTTP API (payload 2.0) event with the same
// status and body as f.ServeHTTP. It lives here, beside lambda.Start, so
// that the Lambda SDK stays out of everything that imports the function's
// vocabulary (its workload, its answer).
func httpAPI(f *function.Function) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		status, body := f.Answer(ctx, func(k string) string { return req.QueryStringParameters[k] })
		return events.APIGatewayV2HTTPResponse{
			StatusCode: status,
			Headers:    map[string]string{"Content-Type": "application/json"},
			Body:       string(body),
		}, nil
	}
}
