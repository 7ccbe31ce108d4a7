package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"lbconsole/fleet"
	"lbconsole/web/templates"
)

// The admin pages' forms speak the fleet file's language: each input is named after the
// file's field (health_check.interval), the posted form becomes a one-object fleet document
// that fleet.Parse reads exactly as it reads a file, and the store checks that document with
// the file's rules. So a form has no rule of its own, and a refusal names the same object,
// id and field that the same mistake in a file would.

// valueKind says how a posted value goes into the document.
type valueKind int

const (
	textValue   valueKind = iota // a string, left out when empty
	numberValue                  // a whole number; what is not one goes in as text, for Parse to refuse
	linesValue                   // a list of strings, one a line, blank lines dropped
)

// fieldSpec is one input of an object's form.
type fieldSpec struct {
	name, label string
	input       string // text, number, select or textarea
	value       valueKind
	options     func(nets fleet.Document) []templates.Option
	placeholder string
	help        string
	required    bool
	// fixed fields (ids, a group's kind) are given when the object is created and shown, not
	// changed, afterwards.
	fixed bool
}

// formValues are a form's values by field name.
type formValues map[string]string

// postedValues reads the fields of specs from the request.
func postedValues(c echo.Context, specs []fieldSpec) formValues {
	v := formValues{}
	for _, f := range specs {
		v[f.name] = c.FormValue(f.name)
	}
	return v
}

// objectJSON builds the object the values describe, as a file's JSON would hold it.
func objectJSON(specs []fieldSpec, v formValues) map[string]any {
	obj := map[string]any{}
	for _, f := range specs {
		raw := v[f.name]
		var val any
		switch f.value {
		case numberValue:
			raw = strings.TrimSpace(raw)
			if n, err := strconv.Atoi(raw); err == nil {
				val = n
			} else if raw != "" {
				val = raw
			}
		case linesValue:
			var lines []string
			for _, l := range strings.Split(raw, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					lines = append(lines, l)
				}
			}
			if len(lines) > 0 {
				val = lines
			}
		default:
			if raw != "" {
				val = raw
			}
		}
		if val != nil {
			setPath(obj, strings.Split(f.name, "."), val)
		}
	}
	return obj
}

func setPath(obj map[string]any, path []string, val any) {
	for _, key := range path[:len(path)-1] {
		next, ok := obj[key].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[key] = next
		}
		obj = next
	}
	obj[path[len(path)-1]] = val
}

// parseObject reads a one-object document with fleet.Parse. The problems it finds name the
// object and field, as a file's would; their lines, which are of the JSON made here, are
// dropped.
func parseObject(doc map[string]any) (fleet.Document, error) {
	data, err := json.Marshal(doc)
	if err != nil {
		return fleet.Document{}, fmt.Errorf("handlers: unable to encode a form: %w", err)
	}
	parsed, err := fleet.Parse(data)
	var ps fleet.Problems
	if errors.As(err, &ps) {
		for i := range ps {
			ps[i].Line = 0
		}
		return parsed, ps
	}
	return parsed, err
}

// objectValues are an object's values as its form shows them: the object written as a file
// writes it, each field by its dotted name, a list one item a line.
func objectValues(obj any) formValues {
	data, err := json.Marshal(obj)
	if err != nil {
		return formValues{}
	}
	var tree map[string]any
	if json.Unmarshal(data, &tree) != nil {
		return formValues{}
	}
	v := formValues{}
	flatten(v, "", tree)
	return v
}

func flatten(v formValues, prefix string, tree map[string]any) {
	for k, val := range tree {
		name := prefix + k
		switch x := val.(type) {
		case map[string]any:
			flatten(v, name+".", x)
		case []any:
			lines := make([]string, len(x))
			for i, item := range x {
				lines[i] = fmt.Sprint(item)
			}
			v[name] = strings.Join(lines, "\n")
		case float64:
			v[name] = strconv.FormatFloat(x, 'f', -1, 64)
		case nil:
		default:
			v[name] = fmt.Sprint(x)
		}
	}
}

// formFields are the inputs of a form showing v, with each problem of the object next to its
// field; the problems no field shows are returned apart. creating says whether the object is
// new: its fixed fields can be typed in only then.
func formFields(specs []fieldSpec, nets fleet.Document, v formValues, creating bool, kind fleet.Kind, ps fleet.Problems) ([]templates.FormField, []string) {
	fields := make([]templates.FormField, len(specs))
	at := map[string]int{}
	for i, f := range specs {
		ff := templates.FormField{Name: f.name, Label: f.label, Input: f.input, Value: v[f.name], Placeholder: f.placeholder,
			Help: f.help, Required: f.required}
		if f.options != nil {
			ff.Options = f.options(nets)
		}
		if f.fixed && !creating {
			ff.Input, ff.Options, ff.Help = "readonly", nil, ""
		}
		fields[i], at[f.name] = ff, i
	}
	var rest []string
	for _, p := range ps {
		field := p.Field
		if cut := strings.IndexByte(field, '['); cut >= 0 {
			field = field[:cut]
		}
		if i, ok := at[field]; ok && p.Kind == kind {
			fields[i].Error = joinMessages(fields[i].Error, p.String())
			continue
		}
		rest = append(rest, p.String())
	}
	return fields, rest
}

func joinMessages(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
