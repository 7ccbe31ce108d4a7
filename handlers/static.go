package handlers

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"lbconsole/web"
)

// Static files under their content-hashed names never change, so browsers keep them for a
// year without asking again; under their plain names (pages cached before a release, a
// bookmark) they still answer, but are kept only briefly, so that a new release is seen soon.
const (
	immutableCache = "public, max-age=31536000, immutable"
	plainCache     = "public, max-age=300"
)

// staticFile is one embedded file, as it is and gzipped once at the best level.
type staticFile struct {
	plain, gzipped []byte
	etag           string
}

// staticFiles serves web/static by the names web.Asset gives and by the plain ones. Each file
// is compressed once, on its first request, not on every one.
func staticFiles() echo.HandlerFunc {
	files := echo.MustSubFS(web.Static, "static")
	var mu sync.Mutex
	cache := map[string]*staticFile{}
	load := func(name string) (*staticFile, error) {
		mu.Lock()
		defer mu.Unlock()
		if f, ok := cache[name]; ok {
			return f, nil
		}
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		f := &staticFile{plain: data, gzipped: buf.Bytes(), etag: strings.TrimPrefix(web.Asset(name), web.StaticPrefix)}
		cache[name] = f
		return f, nil
	}
	return func(c echo.Context) error {
		name, hashed, ok := web.StaticFile(strings.TrimPrefix(c.Request().URL.Path, web.StaticPrefix))
		if !ok {
			return echo.ErrNotFound
		}
		f, err := load(name)
		if err != nil {
			return echo.ErrNotFound
		}
		h := c.Response().Header()
		h.Set(echo.HeaderCacheControl, plainCache)
		if hashed {
			h.Set(echo.HeaderCacheControl, immutableCache)
		}
		h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		body, etag := f.plain, f.etag
		if acceptsGzip(c.Request()) {
			body, etag = f.gzipped, f.etag+"-gz"
			h.Set(echo.HeaderContentEncoding, "gzip")
			// ServeContent would sniff the type from the compressed bytes.
			h.Set(echo.HeaderContentType, contentTypeByName(name))
		}
		// ServeContent answers conditional and range requests; the embedded files carry no
		// time, so the ETag is what revalidates a plain name's copy.
		h.Set("ETag", `"`+etag+`"`)
		http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(body))
		return nil
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get(echo.HeaderAcceptEncoding), ",") {
		coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func contentTypeByName(name string) string {
	switch {
	case strings.HasSuffix(name, ".css"):
		return "text/css; charset=utf-8"
	case strings.HasSuffix(name, ".js"):
		return "text/javascript; charset=utf-8"
	}
	return "application/octet-stream"
}
