package elbapi

import (
	"net/http"
	"net/url"
)

// listMembers answers GET …/pools/{pool_id}/members with Octavia's filters, sorting and
// marker paging; members_links holds the next page's link when there is one.
func (a *api) listMembers(w http.ResponseWriter, r *http.Request) error {
	pool, err := a.pool(r)
	if err != nil {
		return err
	}
	v, err := rawQuery(r) // parseListQuery knows the parameters, and refuses others
	if err != nil {
		return err
	}
	q, err := parseListQuery(v)
	if err != nil {
		return err
	}
	ms, err := a.db.ListMembers(r.Context(), pool.ID)
	if err != nil {
		return err
	}
	views := make([]memberJSON, len(ms))
	for i, m := range ms {
		views[i] = viewMember(pool, m)
	}
	page, more, err := q.page(views)
	if err != nil {
		return err
	}
	out := membersEnvelope{Members: page, Links: []link{}}
	if more {
		out.Links = append(out.Links, link{Href: nextPageURL(r, q.limit, page[len(page)-1].ID), Rel: "next"})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// nextPageURL is the request's own URL with the marker moved on. It names the host the client
// asked, so a client that reached the API through a proxy follows it through the same proxy
// only if the proxy keeps the Host header.
func nextPageURL(r *http.Request, limit int, marker string) string {
	q := r.URL.Query()
	q.Set("marker", marker)
	q.Set("limit", itoa(limit))
	u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u.String()
}
