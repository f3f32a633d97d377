package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if code, ok := err.(exitCode); ok {
			stop()
			os.Exit(int(code))
		}
		fmt.Fprintln(os.Stderr, "kbbot:", err)
		stop()
		os.Exit(1)
	}
}
