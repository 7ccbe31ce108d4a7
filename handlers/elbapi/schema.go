package elbapi

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// attrKind says how lists compare an attribute's values.
type attrKind int

const (
	textAttr   attrKind = iota
	numberAttr          // "080" filters as 80; sorts as a number
	boolAttr            // "True" filters as true
)

// schema is what the lists know of one kind of object, read once from the struct its JSON is
// made of, so that what a list filters, sorts and selects on is exactly what it shows: every
// scalar attribute is a filter and a sort key, every key may be named in fields=, and tags
// take Octavia's tag filters.
type schema struct {
	noun  string // "member", for messages
	attrs map[string]attrDef
	keys  []string // every JSON key, in the struct's order
	tags  []int    // the index of the tags field, nil if none
}

type attrDef struct {
	index []int
	kind  attrKind
}

// newSchema reads the schema of the JSON struct zero is a value of.
func newSchema(noun string, zero any) *schema {
	t := reflect.TypeOf(zero)
	s := &schema{noun: noun, attrs: map[string]attrDef{}}
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || f.Anonymous {
			continue
		}
		s.keys = append(s.keys, name)
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch ft.Kind() {
		case reflect.String:
			s.attrs[name] = attrDef{index: f.Index, kind: textAttr}
		case reflect.Int:
			s.attrs[name] = attrDef{index: f.Index, kind: numberAttr}
		case reflect.Bool:
			s.attrs[name] = attrDef{index: f.Index, kind: boolAttr}
		case reflect.Slice:
			if name == "tags" && ft.Elem().Kind() == reflect.String {
				s.tags = f.Index
			}
		}
	}
	return s
}

// text is the attribute name of v (a value of the schema's struct) as filters compare it: ""
// for null.
func (s *schema) text(v reflect.Value, name string) string {
	f := v.FieldByIndex(s.attrs[name].index)
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return ""
		}
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.Int:
		return strconv.FormatInt(f.Int(), 10)
	case reflect.Bool:
		return strconv.FormatBool(f.Bool())
	}
	return f.String()
}

// tagsOf returns v's tags.
func (s *schema) tagsOf(v reflect.Value) []string {
	if s.tags == nil {
		return nil
	}
	tags, _ := v.FieldByIndex(s.tags).Interface().([]string)
	return tags
}

// normalise reads a filter's value as the attribute's kind compares it.
func (s *schema) normalise(name, val string) (string, error) {
	switch s.attrs[name].kind {
	case numberAttr:
		n, err := strconv.Atoi(val)
		if err != nil {
			return "", bad("%s must be a whole number, not %q", name, val)
		}
		return strconv.Itoa(n), nil
	case boolAttr:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return "", bad("%s must be true or false, not %q", name, val)
		}
		return strconv.FormatBool(b), nil
	}
	return val, nil
}

// attrNames lists the attributes that filter and sort, for messages.
func (s *schema) attrNames() string {
	names := make([]string, 0, len(s.attrs))
	for k := range s.attrs {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
