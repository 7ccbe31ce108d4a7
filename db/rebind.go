package db

import (
	"strconv"
	"strings"
	"sync"
)

// The store's SQL is written once, in the dialect both databases share, with SQLite's
// spelling of two things PostgreSQL spells differently: a parameter is ?, and LIKE ignores
// the case of ASCII letters. rebind turns such a statement into PostgreSQL's spelling: the
// n-th ? becomes $n, and LIKE becomes ILIKE, whose case folding in the "C" collation of every
// text column is ASCII's too. Quoted text ('…', "…") and comments are copied as they are, so a
// ? or a LIKE inside them is left alone.

// rebindCacheSize bounds the statements rebind remembers: the store's statements are a few
// hundred (IN lists vary only with their length), so the cache never evicts in practice.
const rebindCacheSize = 4096

var rebindCache struct {
	sync.RWMutex
	m map[string]string
}

// rebind returns query in PostgreSQL's spelling, from a cache when it was seen before.
func rebind(query string) string {
	rebindCache.RLock()
	out, ok := rebindCache.m[query]
	rebindCache.RUnlock()
	if ok {
		return out
	}
	out = rebindSQL(query)
	rebindCache.Lock()
	if rebindCache.m == nil {
		rebindCache.m = make(map[string]string)
	}
	if len(rebindCache.m) < rebindCacheSize {
		rebindCache.m[query] = out
	}
	rebindCache.Unlock()
	return out
}

// rebindSQL does rebind's work, uncached.
func rebindSQL(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			end := quotedEnd(query, i)
			b.WriteString(query[i:end])
			i = end
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i
			}
			b.WriteString(query[i : i+end])
			i += end
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				end = len(query) - i
			} else {
				end += 4
			}
			b.WriteString(query[i : i+end])
			i += end
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i++
		case isWordByte(c):
			end := i
			for end < len(query) && isWordByte(query[end]) {
				end++
			}
			if word := query[i:end]; strings.EqualFold(word, "LIKE") {
				b.WriteString("ILIKE")
			} else {
				b.WriteString(word)
			}
			i = end
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// quotedEnd returns the index just past the quoted text that starts at i, where a doubled
// quote stands for itself; an unterminated one runs to the end.
func quotedEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] != q {
			continue
		}
		if j+1 < len(s) && s[j+1] == q {
			j++
			continue
		}
		return j + 1
	}
	return len(s)
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
