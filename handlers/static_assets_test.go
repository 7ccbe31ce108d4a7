package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lbconsole/internal/testenv"
)

// gzipped is a header option asking for a compressed answer; set by hand, it makes Go's
// transport hand over the body exactly as it came.
var gzipped = testenv.Header("Accept-Encoding", "gzip")

func gunzip(t *testing.T, body string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the body is not gzip: %v", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("the body does not unzip: %v", err)
	}
	return string(data)
}

// TestStaticFilesUnderHashedNames: pages load the stylesheet and the scripts under names that
// change with their bytes, which browsers may keep for a year; the plain names still answer
// the same bytes, kept briefly; both come compressed to a browser that asks.
func TestStaticFilesUnderHashedNames(t *testing.T) {
	t.Parallel()
	c := testenv.NewConsole(t, testenv.Options{})
	b := c.SignIn(testenv.Viewer)
	doc := b.Get("/lbs").Doc()
	urls := map[string]string{}
	urls["app.css"], _ = doc.Find(`link[rel="stylesheet"]`).Attr("href")
	doc.Find("script[src]").Each(func(_ int, s *goquery.Selection) {
		src, _ := s.Attr("src")
		if strings.Contains(src, "htmx") {
			urls["htmx-2.0.11.min.js"] = src
		} else {
			urls["app.js"] = src
		}
	})
	for plain, hashed := range urls {
		if !strings.HasPrefix(hashed, "/static/") || hashed == "/static/"+plain || strings.Count(hashed, ".") < 2 {
			t.Errorf("the page loads %s as %q; want a content-hashed name under /static/", plain, hashed)
			continue
		}
		h := b.Get(hashed, gzipped)
		if h.StatusCode != http.StatusOK || h.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || h.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s = %d, Cache-Control %q, Content-Encoding %q; want 200, immutable for a year, gzip",
				hashed, h.StatusCode, h.Header.Get("Cache-Control"), h.Header.Get("Content-Encoding"))
			continue
		}
		p := b.Get("/static/" + plain)
		if p.StatusCode != http.StatusOK || p.Header.Get("Cache-Control") != "public, max-age=300" {
			t.Errorf("GET /static/%s = %d, Cache-Control %q; want 200 and a short cache", plain, p.StatusCode, p.Header.Get("Cache-Control"))
		}
		if got := gunzip(t, h.Body); got != p.Body || len(h.Body) >= len(p.Body) {
			t.Errorf("%s: the compressed answer (%d bytes) unzips to %d bytes; want the plain name's %d, smaller", hashed, len(h.Body), len(got), len(p.Body))
		}
		if ct := h.Header.Get("Content-Type"); !strings.Contains(ct, "css") && !strings.Contains(ct, "javascript") {
			t.Errorf("%s: Content-Type %q; want css or javascript", hashed, ct)
		}
	}
	if len(urls) != 3 {
		t.Errorf("the page loads %v; want the stylesheet, htmx and app.js", urls)
	}
	if r := b.Get("/static/app.0123456789ab.css"); r.StatusCode != http.StatusNotFound {
		t.Errorf("a hashed name that is no file's = %d; want 404", r.StatusCode)
	}
}

// TestAnswersCompressed: pages and API answers come gzipped to a client that asks, much
// smaller; tiny answers and CSV downloads come as they are.
func TestAnswersCompressed(t *testing.T) {
	t.Parallel()
	c := testenv.NewConsole(t, testenv.Options{})
	b := c.SignIn(testenv.Operator)
	plain := b.Get("/lbs")
	z := b.Get("/lbs", gzipped)
	if z.Header.Get("Content-Encoding") != "gzip" || len(z.Body)*3 > len(plain.Body) {
		t.Errorf("/lbs with gzip asked: Content-Encoding %q, %d bytes (plain %d); want gzip, a third or less",
			z.Header.Get("Content-Encoding"), len(z.Body), len(plain.Body))
	} else if !bytes.Equal([]byte(gunzip(t, z.Body)), []byte(plain.Body)) && !strings.Contains(gunzip(t, z.Body), "Load balancers") {
		t.Errorf("/lbs unzipped is not the page")
	}
	if plain.Header.Get("Content-Encoding") != "" {
		t.Errorf("/lbs without gzip asked came %q", plain.Header.Get("Content-Encoding"))
	}
	if !strings.Contains(z.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary = %q; want Accept-Encoding among them, so that caches keep both", z.Header.Get("Vary"))
	}
	if h := b.Get("/healthz", gzipped); h.Header.Get("Content-Encoding") != "" || h.Body != "ok\n" {
		t.Errorf("/healthz = %q, Content-Encoding %q; a tiny answer is not worth compressing", h.Body, h.Header.Get("Content-Encoding"))
	}
	if csv := b.Get("/audit.csv", gzipped); csv.StatusCode != http.StatusOK || csv.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(csv.Body, "seq,") {
		t.Errorf("/audit.csv = %d, Content-Encoding %q, %.40q; want the CSV as it streams, uncompressed",
			csv.StatusCode, csv.Header.Get("Content-Encoding"), csv.Body)
	}
}
