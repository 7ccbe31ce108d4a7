package templates

import (
	"testing"
	"time"
)

func TestDrainNoteText(t *testing.T) {
	one := DrainNote{Servers: []string{"i-1:80 (3 sessions)"}, Sessions: 3, Timeout: 30 * time.Second}
	if got, want := one.Text(), "1 server has 3 live sessions: HAProxy drains it first (no new requests; current ones go on) and deletes it once they end, or after at most 30s (the group's drain timeout), when what remains is cut."; got != want {
		t.Errorf("one server:\n%s\nwant\n%s", got, want)
	}
	two := DrainNote{Servers: []string{"a", "b"}, Sessions: 1, Timeout: 90 * time.Second}
	if got, want := two.Text(), "2 servers have 1 live session: HAProxy drains them first (no new requests; current ones go on) and deletes each once its sessions end, or after at most 1m30s (the group's drain timeout), when what remains is cut."; got != want {
		t.Errorf("two servers:\n%s\nwant\n%s", got, want)
	}
}
