package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
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
