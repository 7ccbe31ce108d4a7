package elbapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
)

// withFields is v (a JSON struct) as fields= asks to show it: only the keys named, in the
// order named; v itself when fields is empty.
func withFields(v any, fields []string) any {
	if len(fields) == 0 {
		return v
	}
	whole, err := json.Marshal(v)
	if err != nil {
		panic("elbapi: unable to encode a response: " + err.Error())
	}
	var byKey map[string]json.RawMessage
	if err := json.Unmarshal(whole, &byKey); err != nil {
		panic("elbapi: unable to read back a response: " + err.Error())
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, name := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(name)
		b.Write(key)
		b.WriteByte(':')
		b.Write(byKey[name])
	}
	b.WriteByte('}')
	return json.RawMessage(b.Bytes())
}

// oneQuery reads the query of a GET of one object: fields=, and the parameters in known.
func oneQuery(s *schema, r *http.Request, known ...string) (url.Values, []string, error) {
	q, err := query(r, append(known, "fields")...)
	if err != nil {
		return nil, nil, err
	}
	fields, err := parseFields(s, q["fields"])
	return q, fields, err
}

// writeOne answers one object under key, as {"member": {…}}: the only key, which is what
// python-octaviaclient takes the object from.
func writeOne(w http.ResponseWriter, key string, v any, fields []string) {
	writeJSON(w, http.StatusOK, map[string]any{key: withFields(v, fields)})
}

// writeList answers a page of a list under key, with its links under key_links.
func writeList[T any](w http.ResponseWriter, r *http.Request, key string, q listQuery, s *schema, p listPage[T]) {
	items := make([]any, len(p.items))
	for i, it := range p.items {
		items[i] = withFields(it, q.fields)
	}
	writeJSON(w, http.StatusOK, map[string]any{key: items, key + "_links": pageLinks(r, q, s, p)})
}
