package elbapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"unicode"

	"lbconsole/lb"
)

// encoding/json matches a key to a field without regard to case, by Unicode folding ("ſ" is
// "s", the Kelvin sign "K" is "k"), and keeps the last of repeated keys. So
// {"action":"add","members":[…],"Action":null} passed a check for repeated keys and decoded
// as no action at all, a replace that emptied the pool. checkKeys runs first and holds every
// key to a field's exact name, and counts keys that fold to the same text as one key given
// twice. encoding/json then never has a choice to make.

// maxDepth bounds how deeply a body may nest: ours nest four deep at most, and the walk
// recurses once a level.
const maxDepth = 32

// errKeySyntax stops the walk at a syntax error, which decodeStrict reports in its own words.
var errKeySyntax = errors.New("syntax")

// checkKeys walks body's JSON alongside t, the Go type it decodes into, and refuses a key
// that is not the exact name of a field of the struct at that point, or that repeats an
// earlier key of the same object, exactly or but for case.
func checkKeys(body []byte, t reflect.Type) error {
	w := keyWalker{dec: json.NewDecoder(bytes.NewReader(body))}
	w.dec.UseNumber()
	if err := w.value(t, 0); err != nil && err != errKeySyntax {
		return err
	}
	return nil
}

type keyWalker struct {
	dec  *json.Decoder
	path []step // where the walk is, spelt out only in a message
}

// step is one step into a JSON value: an array's index, or when that is -1, an object's key.
type step struct {
	key   string
	index int
}

// value walks one JSON value that decodes into t; t is nil where nothing is known of it.
func (w *keyWalker) value(t reflect.Type, depth int) error {
	tok, err := w.dec.Token()
	if err != nil {
		return errKeySyntax
	}
	if depth > maxDepth {
		return bad("the body nests more than %d levels deep", maxDepth)
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch tok {
	case json.Delim('{'):
		return w.object(t, depth)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			w.path = append(w.path, step{index: i})
			if err := w.value(elem, depth+1); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
		}
		return w.end()
	}
	return nil
}

// object walks an object's members, the opening brace read.
func (w *keyWalker) object(t reflect.Type, depth int) error {
	var fields map[string]reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = jsonFields(t)
	}
	seen := map[string]string{} // folded key → the key as given
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return errKeySyntax
		}
		key, _ := tok.(string)
		folded := foldKey(key)
		if first, ok := seen[folded]; ok {
			if first == key {
				return bad("%sthe key %q is given more than once", w.where(), lb.Clip(key))
			}
			return bad("%sthe key %q repeats %q: keys that differ only in case name the same field, so the body is ambiguous", w.where(), lb.Clip(key), lb.Clip(first))
		}
		seen[folded] = key
		var ft reflect.Type
		if fields != nil {
			var known bool
			if ft, known = fields[key]; !known {
				return unknownKey(w.where(), key, fields)
			}
		}
		w.path = append(w.path, step{key: key, index: -1})
		if err := w.value(ft, depth+1); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	return w.end()
}

// end reads the closing brace or bracket.
func (w *keyWalker) end() error {
	if _, err := w.dec.Token(); err != nil {
		return errKeySyntax
	}
	return nil
}

// unknownKey refuses key, found at where.
func unknownKey(where, key string, fields map[string]reflect.Type) error {
	for name := range fields {
		if foldKey(name) == foldKey(key) {
			return bad("%sunknown field %q: field names are matched exactly; this one is spelt %q", where, lb.Clip(key), name)
		}
	}
	return bad("%sunknown field %q: fields this API does not know are refused rather than ignored", where, lb.Clip(key))
}

// where is the place in the body the walk is at, as a message's prefix: "members[3]: ".
func (w *keyWalker) where() string {
	var b strings.Builder
	for _, s := range w.path {
		switch {
		case s.index >= 0:
			b.WriteString("[" + itoa(s.index) + "]")
		case b.Len() > 0:
			b.WriteString("." + lb.Clip(s.key))
		default:
			b.WriteString(lb.Clip(s.key))
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return b.String() + ": "
}

// foldKey maps each character to the smallest of those it folds with, so that two keys fold
// to the same text exactly when strings.EqualFold, which encoding/json matches by, says they
// are equal.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields returns the JSON names of t's fields, those of embedded structs included, with
// the type each decodes into.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, tagged := f.Tag.Lookup("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
		case f.Anonymous && !tagged && f.Type.Kind() == reflect.Struct:
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
		case f.IsExported() && name != "":
			out[name] = f.Type
		case f.IsExported():
			out[f.Name] = f.Type
		}
	}
	fieldCache.Store(t, out)
	return out
}
