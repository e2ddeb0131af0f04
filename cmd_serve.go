package main

import (
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

func serveCommand(stderr io.Writer, interrupts <-chan struct{}) *cli.Command {
	return &cli.Command{
		Name:         "serve",
		Usage:        "serve the local target (the function's three endpoints) until interrupted",
		OnUsageError: usageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", EnvVars: env("addr"), Usage: "address to listen on"},
		}, emuFlags()...),
		Action: func(c *cli.Context) error {
			target, err := newLocalTarget(c)
			if err != nil {
				return err
			}
			local, err := target.start(c.String("addr"))
			if err != nil {
				return badInput("--addr: %v", err)
			}
			defer local.Close()
			fmt.Fprintf(stderr, "lmibench: serving %s\n", target.describe())
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
