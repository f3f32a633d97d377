package health

import (
	"fmt"
	"testing"
)

func TestSteps(t *testing.T) {
	got := fmt.Sprint(steps(0.0001, 1))
	want := "[0.0001 0.0002 0.0003 0.0005 0.001 0.002 0.003 0.005 0.01 0.02 0.03 0.05 0.1 0.2 0.3 0.5 1]"
	if got != want {
		t.Errorf("steps(0.0001, 1): got %s, want %s", got, want)
	}
}
