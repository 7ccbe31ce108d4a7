package handlers

import (
	"compress/gzip"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"lbconsole/web"
)

// compressMinBytes is the smallest answer worth compressing: below it gzip's header and the
// CPU cost more than the bytes saved.
const compressMinBytes = 1024

// compress gzips answers for clients that ask for it: pages, fragments, the APIs' JSON and the
// static files shrink to a tenth or less. It buffers only the first compressMinBytes to decide,
// and flushes through, so a streamed answer still streams. CSV downloads are left as they
// are (static files come compressed once, see staticFiles; the metrics handler compresses
// its own answer for scrapers that ask): they stream for as long as the log is, scripts fetch them, and their Content-Length-free
// plain bytes are what the export's stall guard and resumable readers count.
// BestSpeed, because compressing is paid on every answer: at level 1 the 1,000-member group
// page (705 KB) still comes as 66 KB, under the 80 KB.
func compress() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{
		Level:     gzip.BestSpeed,
		MinLength: compressMinBytes,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasSuffix(p, ".csv") || strings.HasPrefix(p, web.StaticPrefix) || p == metricsPath
		},
	})
}

// metricsPath is where the Prometheus metrics are served.
const metricsPath = "/metrics"
