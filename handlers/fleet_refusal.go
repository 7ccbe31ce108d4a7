package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"lbconsole/fleet"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// formRefusal answers a change the store or the form's reading refused by showing the form again
// with answer: the fleet rules' problems with 422, the domain's refusals (a load balancer
// that does not exist, one that is locked) with their status. Anything else is the error
// handler's.
func formRefusal(err error, answer func(status int, ps fleet.Problems) error) error {
	var ps fleet.Problems
	if errors.As(err, &ps) {
		return answer(http.StatusUnprocessableEntity, ps)
	}
	if _, ok := lb.AsError(err); ok {
		status, msg := statusOf(err)
		return answer(status, fleet.Problems{{Kind: fleet.KindFile, Message: msg}})
	}
	return err
}

// doneFlash is the message of the redirect that follows a change, read from its ?done=: what
// was done to the object what names, whose id is the page's, or after a delete (done=deleted,
// or deleted-group on a load balancer's page) the query's id. That id is shown only when it
// has an id's shape, so that a crafted link cannot make the page say something else.
func doneFlash(c echo.Context, what, id string) *templates.Flash {
	done := c.QueryParam("done")
	switch done {
	case "deleted", "deleted-group":
		if id = c.QueryParam("id"); !idShaped(id) {
			return nil
		}
		if done == "deleted-group" {
			what = "group"
		}
		return &templates.Flash{Kind: "ok", Message: "Deleted " + what + " " + id + "."}
	}
	if id == "" {
		return nil
	}
	switch done {
	case "created":
		return &templates.Flash{Kind: "ok", Message: "Created " + what + " " + id + "."}
	case "saved":
		return &templates.Flash{Kind: "ok", Message: "Saved " + what + " " + id + ". The change is in the audit log."}
	case "unchanged":
		return &templates.Flash{Kind: "ok", Message: "Nothing to save: " + what + " " + id + " already was so."}
	}
	return nil
}

// idShaped reports whether s has the shape of a fleet id: letters, digits, -, _ and ., 1 to
// 64 characters.
func idShaped(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
