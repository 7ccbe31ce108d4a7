package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"lbconsole/export"
)

// auditCSV streams the filtered audit log as CSV, row by row, so that memory stays flat
// however long the log is.
func (h *Handler) auditCSV(c echo.Context) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="lbconsole-audit-%s.csv"`, time.Now().UTC().Format("20060102-150405")))
	res.WriteHeader(http.StatusOK)
	return export.AuditCSV(c.Request().Context(), res, h.db, f)
}

// parseFilterTime reads a time filter: an RFC 3339 time, or a date (from its midnight UTC).
func parseFilterTime(s, name string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, echo.NewHTTPError(http.StatusBadRequest,
		fmt.Sprintf("%s must be a date (2006-01-02) or a time (2006-01-02T15:04:05Z), not %q", name, s))
}
