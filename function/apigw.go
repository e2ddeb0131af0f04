package function

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// HandleHTTPAPI answers an API Gateway HTTP API (payload 2.0) event with
// the same status and body as ServeHTTP.
func (f *Function) HandleHTTPAPI(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	status, body := f.Answer(ctx, func(k string) string { return req.QueryStringParameters[k] })
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(body),
	}, nil
}
