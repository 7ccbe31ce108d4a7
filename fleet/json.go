package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

func jsonValid(data []byte) bool { return json.Valid(data) }

// jsonTree reads a JSON document into the same node tree the YAML reader makes, with the line
// and column of every value, so that one walker checks both formats.
func jsonTree(data []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	c := jsonReader{dec: dec, data: data, lines: newLines(data)}
	return c.value()
}

type jsonReader struct {
	dec   *json.Decoder
	data  []byte
	lines lines
}

// start is where the next token begins: past the whitespace, commas and colons that the
// decoder's offset still points at.
func (r *jsonReader) start() int {
	off := int(r.dec.InputOffset())
	for off < len(r.data) && strings.IndexByte(" \t\r\n,:", r.data[off]) >= 0 {
		off++
	}
	return off
}

func (r *jsonReader) value() (*yaml.Node, error) {
	n := &yaml.Node{}
	n.Line, n.Column = r.lines.at(r.start())
	tok, err := r.dec.Token()
	if err != nil {
		return nil, Problems{{Line: n.Line, Kind: KindFile, Message: err.Error()}}
	}
	switch v := tok.(type) {
	case json.Delim:
		return r.container(n, v)
	case string:
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!str", v, yaml.DoubleQuotedStyle
	case json.Number:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!int", v.String()
		if strings.ContainsAny(n.Value, ".eE") {
			n.Tag = "!!float"
		}
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", fmt.Sprint(v)
	case nil:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	return n, nil
}

func (r *jsonReader) container(n *yaml.Node, d json.Delim) (*yaml.Node, error) {
	n.Kind, n.Tag, n.Style = yaml.SequenceNode, "!!seq", yaml.FlowStyle
	if d == '{' {
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
	}
	for r.dec.More() {
		child, err := r.value()
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, child)
	}
	if _, err := r.dec.Token(); err != nil { // the closing delimiter
		return nil, Problems{{Line: n.Line, Kind: KindFile, Message: err.Error()}}
	}
	return n, nil
}
