package dataplane

import (
	"errors"
	"testing"

	"lbconsole/dataplane/haproxy"
)

func TestOutcomeResult(t *testing.T) {
	refused := &haproxy.Error{Node: "n", Command: "del server be/s", Message: "No such server."}
	cases := []struct {
		o    Outcome
		want OutcomeResult
	}{
		{Outcome{Attempts: 1}, ResultOK},
		{Outcome{Attempts: 1, Err: refused}, ResultRefused},
		{Outcome{Attempts: 3, Err: errors.New("dial unix: connection refused")}, ResultUnreachable},
		{Outcome{Err: errors.New("not tried: an earlier operation failed")}, ResultNotTried},
	}
	for _, c := range cases {
		if got := c.o.Result(); got != c.want {
			t.Errorf("%+v: Result() = %s, want %s", c.o, got, c.want)
		}
	}
}

// Drift counts as corrected when every operation undoing it was applied.
func TestReportDriftCorrected(t *testing.T) {
	op := func(server string, kind OpKind, err error) Outcome {
		return Outcome{Op: Operation{Kind: kind, Backend: "be", Server: server, Drift: true}, Attempts: 1, Err: err}
	}
	rep := Report{
		Drift: []Drift{{Backend: "be", Server: "a"}, {Backend: "be", Server: "b"}, {Backend: "be", Server: "c"}},
		Outcomes: []Outcome{
			op("a", OpWeight, nil),
			op("b", OpAdd, nil), op("b", OpEnableHealth, errors.New("refused")),
			op("c", OpReady, nil),
		},
	}
	if got := rep.DriftCorrected(); got != 2 {
		t.Fatalf("DriftCorrected() = %d, want 2 (a and c; b's health check failed)", got)
	}
}

// A pass that deletes an adopted server reports its name released at once.
func TestDeletedAdoptedNamesAreReleased(t *testing.T) {
	d := Desired{Backends: []Backend{{Name: "be", Adopt: []string{"web2"},
		Servers: []Server{{ID: "m1", Address: "10.0.0.1", Port: 80, Adopted: "web1"}}}}}
	del := func(server string, err error) Outcome {
		return Outcome{Op: Operation{Kind: OpDelete, Backend: "be", Server: server}, Attempts: 1, Err: err}
	}
	got := deletedAdopted(d, []Outcome{del("web1", nil), del("web2", errors.New("refused")), del("lbc-x-0123abcd", nil),
		{Op: Operation{Kind: OpMaint, Backend: "be", Server: "web2"}, Attempts: 1}})
	if len(got) != 1 || got[0] != (Released{Backend: "be", Server: "web1", MemberID: "m1"}) {
		t.Fatalf("released %+v, want web1 only", got)
	}
}
