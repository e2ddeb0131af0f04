// Command benchserver is the loopback server of scripts/bench.sh. It
// answers every request as the benchmark's function does, with the
// function's JSON after ?delay_ms=N, at a cost far below any generator's:
// on one core it must outrun the fastest generator on the other, or the
// bench measures the server.
package main

import (
	"flag"
	"log"
	"time"

	"github.com/valyala/fasthttp"
)

// body is the function's answer, field for field, so that generators
// which read it (lmibench parses it into its rows) pay that cost.
const body = `{"message":"hello","delay_ms":0,"hash_loops":0,` +
	`"hash":"a193d3f430bf036692ba75cafbbaf77ba52519739882c86ea2b74cc6524a29eb",` +
	`"env_id":"408deda97a10bbc3","cold_start":false,"inflight":1,"handler_ms":0}`

func main() {
	addr := flag.String("addr", "127.0.0.1:18089", "address to listen on (keep it loopback)")
	flag.Parse()
	srv := &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			if ms := ctx.QueryArgs().GetUintOrZero("delay_ms"); ms > 0 {
				time.Sleep(time.Duration(ms) * time.Millisecond)
			}
			ctx.SetContentType("application/json")
			ctx.SetBodyString(body)
		},
		Concurrency: 1 << 16,
	}
	log.Fatal(srv.ListenAndServe(*addr))
}
