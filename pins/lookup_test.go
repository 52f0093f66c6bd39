package pins

import (
	"strings"
	"testing"

	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func TestLookup(t *testing.T) {
	const name = "WAKEGATE_TEST_PIN_7f3a" // unique, so it cannot clash with a real line
	if _, err := Lookup(name); err == nil || !strings.Contains(err.Error(), "no such pin") {
		t.Fatalf("Lookup before registering = %v, want 'no such pin'", err)
	}
	p := &gpiotest.Pin{N: name, Num: -1}
	if err := gpioreg.Register(p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gpioreg.Unregister(name) })

	got, err := Lookup(name)
	if err != nil || got != p {
		t.Fatalf("Lookup(%q) = %v, %v; want the registered pin", name, got, err)
	}
	_, err = Lookup("GPIO99")
	if err == nil {
		t.Fatal("Lookup(GPIO99) succeeded")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "pins: GPIO99: no such pin (available: ") || !strings.Contains(msg, name) {
		t.Errorf("error %q: want the pin name and the available pins", msg)
	}
}
