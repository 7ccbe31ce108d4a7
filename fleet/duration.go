package fleet

import (
	"encoding/json"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written as Go writes one: 2s, 500ms, 1m30s.
type Duration time.Duration

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String writes d as time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }

// Dur returns a pointer to a Duration, for building documents in code.
func Dur(d time.Duration) *Duration { v := Duration(d); return &v }

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalYAML reads a duration string. A bare number is refused rather than guessed at:
// 2 could mean seconds or nanoseconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseDuration(n)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// UnmarshalJSON reads a duration string, for callers that decode a Document with encoding/json.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"2s\" or \"500ms\", not %s", clip(string(b)))
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration: write one such as 2s or 500ms", clip(s))
	}
	*d = Duration(v)
	return nil
}

func parseDuration(n *yaml.Node) (Duration, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, fmt.Errorf("a duration is a string such as 2s or 500ms")
	}
	if n.ShortTag() == "!!int" || n.ShortTag() == "!!float" {
		return 0, fmt.Errorf("%s has no unit: write a duration such as %ss or %sms", clip(n.Value), clip(n.Value), clip(n.Value))
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: write one such as 2s or 500ms", clip(n.Value))
	}
	return Duration(v), nil
}
