package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"lbconsole/web/templates"
)

// maxPage bounds paging so that an offset can never overflow.
const maxPage = 1_000_000

// pageNumber reads ?page=, from 1.
func pageNumber(c echo.Context) (int, error) {
	s := c.QueryParam("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPage {
		return 0, echo.NewHTTPError(http.StatusBadRequest, "page must be a whole number from 1")
	}
	return n, nil
}

// filterQuery keeps the named query parameters that are set, to build links that keep filters.
func filterQuery(c echo.Context, names ...string) url.Values {
	q := url.Values{}
	for _, n := range names {
		if v := c.QueryParam(n); v != "" {
			q.Set(n, v)
		}
	}
	return q
}

// maxSearchLen bounds the text of every search and filter box, in characters: more than any
// name, id or address it looks for, and far from what SQLite's LIKE refuses (a pattern of
// 50,000 bytes answered 500) or takes long over.
const maxSearchLen = 128

// searchText reads the query parameter name as text to search or filter by; label says
// which box it is, for the message. Control characters are refused: NUL cut the text short
// on its way to SQLite, so that q=%00 searched for nothing and matched every row. Every
// search and filter box of the console reads its text here.
func searchText(c echo.Context, name, label string) (string, error) {
	return checkText(c.QueryParam(name), name, label)
}

// checkText checks text typed into the search or filter box name, wherever it was sent from.
func checkText(s, name, label string) (string, error) {
	var fault string
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s):
		fault = "is not valid UTF-8"
	case strings.ContainsFunc(s, unicode.IsControl):
		fault = "holds a control character (such as NUL or a line break)"
	case n > maxSearchLen:
		fault = fmt.Sprintf("is %d characters long: at most %d are allowed", n, maxSearchLen)
	default:
		return s, nil
	}
	return "", echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("the %s (%s) %s", label, name, fault))
}

// pastTheEnd sends a browser that asked for a page past the end of a list to its last page, and
// reports whether it did. An htmx request (a pager link followed after the list shrank) is
// answered with the page, whose pager says so and links to the last one.
func pastTheEnd(c echo.Context, p templates.Pager) (bool, error) {
	if !p.PastEnd() || isHTMX(c) || c.Request().Method != http.MethodGet {
		return false, nil
	}
	return true, c.Redirect(http.StatusSeeOther, p.URL(p.Pages()))
}
