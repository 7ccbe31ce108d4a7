// Package templates holds the console's pages as templ components, each with a typed view
// model. Display logic lives in the models' methods, not in the markup.
package templates

import (
	"fmt"
	"net/url"
	"strconv"

	"lbconsole/lb"
)

// Page is what every page's layout needs.
type Page struct {
	Title string
	// Section is the navigation entry to mark as current: lbs, servers, audit, users, keys.
	Section string
	User    *User
	CSRF    string
	// Location, when set, is the address the page belongs at: a page that answers a POST
	// moves the browser's address there, so that a reload does not post again.
	Location string
}

// User is the signed-in person as the layout shows them.
type User struct {
	Name string
	Role lb.Role
}

// CanChange reports whether the user may apply batches.
func (u *User) CanChange() bool { return u != nil && u.Role.CanChange() }

// IsAdmin reports whether the user manages users and inventory.
func (u *User) IsAdmin() bool { return u != nil && u.Role.AtLeast(lb.RoleAdmin) }

// Flash is a one-time message after an action.
type Flash struct {
	Kind    string // ok, error, warn
	Message string
	// Undo, when set, is the address of the page that undoes what the message reports.
	Undo string
}

// Pager describes one page of a longer list.
type Pager struct {
	Page     int // from 1
	PageSize int
	Total    int
	// Base is the list's URL with its filters; the page number is added to it.
	Base url.URL
}

// Pages is how many pages there are, at least one.
func (p Pager) Pages() int {
	if p.PageSize <= 0 || p.Total == 0 {
		return 1
	}
	return (p.Total + p.PageSize - 1) / p.PageSize
}

// HasPrev reports whether there is a page before this one.
func (p Pager) HasPrev() bool { return p.Page > 1 }

// HasNext reports whether there is a page after this one.
func (p Pager) HasNext() bool { return p.Page < p.Pages() }

// URL returns the link to page n, keeping the filters.
func (p Pager) URL(n int) string {
	u := p.Base
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String()
}

// PastEnd reports whether the page asked for comes after the last one.
func (p Pager) PastEnd() bool { return p.Page > p.Pages() }

// Summary says which rows are shown, e.g. "51–100 of 312".
func (p Pager) Summary() string {
	if p.PastEnd() {
		return fmt.Sprintf("page %d is past the end: %d results fill %s", p.Page, p.Total, plural(p.Pages(), "1 page", itoa(p.Pages())+" pages"))
	}
	if p.Total == 0 {
		return "no results"
	}
	first := (p.Page-1)*p.PageSize + 1
	last := min(p.Page*p.PageSize, p.Total)
	return fmt.Sprintf("%d–%d of %d", first, last, p.Total)
}

func itoa(n int) string     { return strconv.Itoa(n) }
func i64toa(n int64) string { return strconv.FormatInt(n, 10) }
