package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Parse reads a fleet file in YAML or JSON. It refuses unknown fields (a misspelt wieght is an
// error, not silently dropped), keys given twice, values of the wrong shape, anchors and
// aliases, and a second document; every problem it finds is returned as Problems, with the
// line of the file. Parse checks the shape only: Validate checks the rules.
//
// JSON input (a file that starts with { and is valid JSON) is read by encoding/json, which
// follows the JSON grammar exactly where YAML differs (escapes such as \/), and is then checked
// by the same rules as YAML, so that both give the same messages.
func Parse(data []byte) (Document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return Document{}, Problems{{Line: invalidUTF8Line(data), Kind: KindFile, Message: "the file is not valid UTF-8"}}
	}
	root, err := parseTree(data)
	if err != nil {
		return Document{}, err
	}
	var doc Document
	w := walker{}
	if root.Kind != yaml.MappingNode {
		w.add(root, place{kind: KindFile}, "the file must be a mapping of %s, found %s", strings.Join(fieldNames(documentType), ", "), describeNode(root))
	} else {
		w.mapping(root, reflect.ValueOf(&doc).Elem(), place{kind: KindFile})
	}
	if len(w.problems) > 0 {
		return Document{}, w.problems
	}
	return doc, nil
}

// parseTree reads the file into a node tree, as JSON when it is JSON and as YAML otherwise.
func parseTree(data []byte) (*yaml.Node, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' && jsonValid(trimmed) {
		return jsonTree(data)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, emptyFile()
		}
		return nil, yamlProblems(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			return nil, yamlProblems(err)
		}
		return nil, Problems{{Line: line, Kind: KindFile, Message: "the file holds a second YAML document (after ---): put the whole fleet in one document"}}
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return nil, emptyFile()
	}
	return doc.Content[0], nil
}

func emptyFile() error {
	return Problems{{Kind: KindFile, Message: "the file is empty: it must describe the fleet (regions, vpcs, subnets, servers, load_balancers)"}}
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblems turns the YAML reader's error into a problem on its line. The reader numbers
// the lines of its scanner's errors from 1 but those of its parser's errors from 0, and leaves
// out line 0; its scanner's messages tell the two apart.
func yamlProblems(err error) Problems {
	p := Problem{Line: 1, Kind: KindFile, Message: strings.TrimPrefix(err.Error(), "yaml: ")}
	if strings.HasPrefix(p.Message, "unknown anchor") {
		p.Line = 0 // said by the composer, which gives no line
	}
	if g := yamlLine.FindStringSubmatch(err.Error()); g != nil {
		p.Line, _ = strconv.Atoi(g[1])
		p.Message = g[2]
		if !scannerMessage(p.Message) {
			p.Line++
		}
	}
	return Problems{p}
}

// scannerMessages start the messages of the YAML reader's scanner (go.yaml.in/yaml/v3 v3.0.6).
var scannerMessages = []string{
	"block sequence entries are not allowed", "could not find expected", "did not find expected alphabetic",
	"did not find expected comment", "did not find expected digit", "did not find expected hexdecimal",
	"did not find expected version", "did not find expected whitespace", "did not find the expected '>'",
	"exceeded max depth", "found a tab character", "found an indentation indicator", "found character that cannot start",
	"found extremely long", "found invalid Unicode", "found unexpected", "found unknown", "mapping keys are not allowed",
	"mapping values are not allowed", "control characters are not allowed", "invalid leading UTF-8", "invalid trailing UTF-8",
	"incomplete UTF-8", "invalid Unicode character", "input error",
}

func scannerMessage(msg string) bool {
	for _, m := range scannerMessages {
		if strings.HasPrefix(msg, m) {
			return true
		}
	}
	return false
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// lines finds the line and column of a byte offset.
type lines []int // offsets where each line starts

func newLines(data []byte) lines {
	ls := lines{0}
	for i, c := range data {
		if c == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

func (ls lines) at(offset int) (line, column int) {
	i := sort.Search(len(ls), func(i int) bool { return ls[i] > offset }) - 1
	return i + 1, offset - ls[i] + 1
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.ShortTag() == "!!str" {
		return fmt.Sprintf("%q", clip(n.Value))
	}
	return clip(n.Value)
}
