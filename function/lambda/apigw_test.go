package main

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lmibench/lmibench/function"
)

func TestHTTPAPI(t *testing.T) {
	handle := httpAPI(function.New())
	resp, err := handle(context.Background(), events.APIGatewayV2HTTPRequest{QueryStringParameters: map[string]string{"hash_loops": "3"}})
	h := function.Hash(3)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(resp.Body, hex.EncodeToString(h[:])) || resp.Headers["Content-Type"] != "application/json" {
		t.Fatalf("httpAPI(hash_loops=3) = %+v, %v; want 200 with the hash", resp, err)
	}
	resp, _ = handle(context.Background(), events.APIGatewayV2HTTPRequest{QueryStringParameters: map[string]string{"delay_ms": "x"}})
	if resp.StatusCode != 400 || !strings.Contains(resp.Body, `"param":"delay_ms"`) {
		t.Fatalf("httpAPI(delay_ms=x) = %+v; want 400 naming delay_ms", resp)
	}
}
