package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/local"
)

func serveCommand(stderr io.Writer, interrupts <-chan struct{}) *cli.Command {
	return &cli.Command{
		Name:         "serve",
		Usage:        "serve the local target (the function's three endpoints) until interrupted",
		OnUsageError: usageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", EnvVars: env("addr"), Usage: "address to listen on"},
			&cli.StringFlag{Name: "local", Value: localEmulator, EnvVars: env("local"),
				Usage: "emulator (Lambda's standard and LMI models) or function (the real handler, CPU burned here)"},
		}, emuFlags()...),
		Action: func(c *cli.Context) error {
			emulate, cfg, err := localTarget(c)
			if err != nil {
				return err
			}
			srv, err := local.Start(c.String("addr"), emulate, cfg)
			if err != nil {
				return badInput("--addr: %v", err)
			}
			fmt.Fprintf(stderr, "lmibench: serving %s\n", local.Kind(emulate, cfg))
			for _, t := range srv.Targets() {
				fmt.Fprintf(stderr, "lmibench: serving %s at %s\n", t.Name, t.URL)
			}
			stop, _, release := interruptContexts(interrupts)
			defer release()
			if err := errors.Join(srv.Wait(stop), srv.Close()); err != nil {
				return &exitError{code: exitFailure, err: err}
			}
			return nil
		},
	}
}
