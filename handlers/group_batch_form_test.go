package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"lbconsole/lb"
	"lbconsole/web/templates"
)

// FuzzParseBatchValues: whatever the group page's batch form is sent, the reader answers a
// batch or a 400/422 with a message. An accepted form names a known operation, a version, the
// members and picked servers the operation needs, valid ids, and a weight when it sets one; it
// becomes a batch the console's limit applies to. Carried on by the preview (its hidden
// fields) to apply, it reads the same: apply does what the preview showed.
func FuzzParseBatchValues(f *testing.F) {
	for _, seed := range []string{
		"op=remove&version=3&member=m-1&member=m-2",
		"op=drain&version=1&member=m-1&weight=",
		"op=weights&version=7&member=m-1&weight=+05",
		"op=add&version=2&new_server=i-1&new_port=80&new_weight=&new_server=eni-2&new_port=&new_weight=0",
		"op=replace&version=9&member=m-1&new_server=i-1&new_port=+8080&new_weight=100",
		"op=add&version=2&new_server=i-1&new_port=80&new_weight=5&new_description=web+one&new_server=i-2&new_port=80&new_weight=5&new_description=",
		"op=add&version=2&new_server=i-1&new_port=80&new_weight=5&new_description=a&new_description=b",
		"op=weights&version=1&member=m-1&weight=1&weight=2", "op=remove&version=0&member=m", "op=remove&version=1&member=%00",
		"op=add&version=1&new_server=i-1&new_port=80", "op=nuke&version=1", "op=remove&version=1&member=a+b", "",
		"op=replace&version=1&member=m&new_server=" + strings.Repeat("i", 65) + "&new_port=1&new_weight=1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return // the form middleware answers 400 before the handler runs
		}
		form, err := parseBatchValues(values)
		if err != nil {
			var he *echo.HTTPError
			if !errors.As(err, &he) || he.Code != http.StatusBadRequest && he.Code != http.StatusUnprocessableEntity {
				t.Fatalf("refusal %v is not a 400 or 422", err)
			}
			if msg, ok := he.Message.(string); !ok || msg == "" {
				t.Fatalf("refusal %v has no message", err)
			}
			return
		}
		checkBatchForm(t, form)
		again, err := parseBatchValues(previewValues(form))
		if err != nil || !reflect.DeepEqual(again, form) {
			t.Fatalf("the preview's form reads back as %+v, %v; want %+v", again, err, form)
		}
	})
}

// checkBatchForm fails t unless form keeps the promises an accepted batch form makes.
func checkBatchForm(t *testing.T, form batchForm) {
	t.Helper()
	_, ok := templates.ParseOp(string(form.Op))
	switch {
	case !ok:
		t.Fatalf("accepted op %q", form.Op)
	case form.Version < 1:
		t.Fatalf("accepted version %d", form.Version)
	case form.Op.NeedsSelection() && len(form.Members) == 0:
		t.Fatalf("accepted %s with no member", form.Op)
	case form.Op.NeedsPicked() && len(form.New) == 0:
		t.Fatalf("accepted %s with no picked server", form.Op)
	case (form.Op == templates.OpWeights || form.Op == templates.OpDrain) != (form.Weight != nil):
		t.Fatalf("accepted %s with weight %v", form.Op, form.Weight)
	case form.Op == templates.OpDrain && *form.Weight != 0:
		t.Fatalf("accepted a drain to weight %d", *form.Weight)
	}
	for _, id := range form.Members {
		if id == "" || len(id) > maxMemberIDLen || strings.ContainsAny(id, " \x00<>\"'") {
			t.Fatalf("accepted member id %q", id)
		}
	}
	for _, n := range form.New {
		if n.ServerID == "" || len(n.ServerID) > lb.MaxServerIDLen {
			t.Fatalf("accepted picked server %q", n.ServerID)
		}
	}
	b := form.batch()
	if !b.Action.Valid() || b.Limit != lb.MaxConsoleEntries || b.Size() != len(form.Members)+len(form.New) {
		t.Fatalf("form %+v became batch %+v", form, b)
	}
}

// previewValues is the form the preview hands on to apply, in its hidden fields.
func previewValues(form batchForm) url.Values {
	v := url.Values{"op": {string(form.Op)}, "weight": {form.weightText()}, "version": {strconv.FormatInt(form.Version, 10)}}
	v["member"] = form.Members
	for _, n := range form.picked() {
		v.Add("new_server", n.ServerID)
		v.Add("new_port", n.Port)
		v.Add("new_weight", n.Weight)
		if n.Description != nil {
			v.Add("new_description", *n.Description)
		}
	}
	return v
}
