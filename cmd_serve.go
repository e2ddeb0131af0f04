package main

import (
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/function"
)

func serveCommand(stderr io.Writer, interrupts <-chan struct{}) *cli.Command {
	return &cli.Command{
		Name:         "serve",
		Usage:        "serve the local target (the function's three endpoints) until interrupted",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", EnvVars: env("addr"), Usage: "address to listen on"},
		},
		Action: func(c *cli.Context) error {
			local, err := bench.StartLocal(c.String("addr"), function.NewLocalMux())
			if err != nil {
				return badInput("--addr: %v", err)
			}
			defer local.Close()
			for _, t := range local.Targets() {
				fmt.Fprintf(stderr, "lmibench: serving %s at %s\n", t.Name, t.URL)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-interrupts
				cancel()
			}()
			if err := local.Wait(ctx); err != nil {
				return &exitError{code: exitFailure, err: err}
			}
			return nil
		},
	}
}
