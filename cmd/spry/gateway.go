package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/spry-engine/spry/gateway"
	"github.com/spry-engine/spry/table"
)

func newGatewayCommand() *cobra.Command {
	var (
		stdio  bool
		listen string
	)
	cmd := &cobra.Command{
		Use:   "gateway (--stdio | --listen 127.0.0.1:PORT)",
		Short: "Serve the Python API's gateway protocol (docs/gateway.md)",
		Long: `spry gateway serves the protocol the spry Python package speaks.

With --stdio it serves one session over stdin/stdout (the Python package
starts it as a child process); rows that jobs print go to stderr. With
--listen it accepts connections on a loopback address, one session each,
and prints the bound address as the first line of stdout (port 0 picks a
free port); point a Python process at it with SPRY_GATEWAY=host:port.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if stdio == (listen != "") {
				return &exitError{2, errors.New("use exactly one of --stdio and --listen ADDR")}
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			srv := &gateway.Server{Engine: Version, Settings: table.Settings{}}
			if stdio {
				proto, err := protocolStdout()
				if err != nil {
					return &exitError{1, err}
				}
				rw := struct {
					io.Reader
					io.Writer
				}{os.Stdin, proto}
				if err := srv.Serve(ctx, rw); err != nil && ctx.Err() == nil {
					return &exitError{1, err}
				}
				return nil
			}
			ln, err := gateway.Listen(listen)
			if err != nil {
				return &exitError{1, err}
			}
			fmt.Fprintln(cmd.OutOrStdout(), ln.Addr().String())
			if err := srv.ServeListener(ctx, ln); err != nil {
				return &exitError{1, err}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&stdio, "stdio", false, "serve one session over stdin/stdout")
	cmd.Flags().StringVar(&listen, "listen", "", "serve sessions on this loopback address (host:port)")
	return cmd
}
