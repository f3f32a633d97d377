package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func TestWithStopBound(t *testing.T) {
	t.Run("returns fn's result", func(t *testing.T) {
		want := errors.New("boom")
		if err := withStopBound(context.Background(), time.Second, zerolog.Nop(), func() error { return want }); err != want {
			t.Errorf("got %v, want %v", err, want)
		}
	})
	t.Run("gives up on a stuck stop", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		stuck := make(chan struct{})
		defer close(stuck)
		cancel()
		err := withStopBound(ctx, 50*time.Millisecond, zerolog.Nop(), func() error { <-stuck; return nil })
		if err == nil || !strings.Contains(err.Error(), "not stopped") {
			t.Errorf("got %v, want the not-stopped error", err)
		}
	})
}
