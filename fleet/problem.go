package fleet

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind names a kind of object in the fleet file.
type Kind string

// Kinds of objects, in the order they are created.
const (
	KindFile         Kind = "file"
	KindRegion       Kind = "region"
	KindVPC          Kind = "vpc"
	KindSubnet       Kind = "subnet"
	KindServer       Kind = "server"
	KindLoadBalancer Kind = "load_balancer"
	KindGroup        Kind = "group"
	KindMember       Kind = "member"
)

// Human names the kind as a sentence does: "load balancer".
func (k Kind) Human() string { return strings.ReplaceAll(string(k), "_", " ") }

// Problem is one thing wrong with a fleet file, naming the object, its id and the field.
type Problem struct {
	// Line is the line of the file, when the problem was found while reading it; 0 otherwise.
	Line int
	Kind Kind
	// ID is the object's id; a member's is its label (server or address, and port).
	ID string
	// Path locates the object: load_balancers[lb-web].groups[rsp-web-http].members[1]. An
	// object is named by its id, or by #index when it has none; a member by its index from 0.
	Path string
	// Field is the field at fault within the object (health_check.interval), or empty.
	Field   string
	Message string
}

// Where is the path and field together: servers[i-web-1].address.
func (p Problem) Where() string {
	switch {
	case p.Path == "":
		return p.Field
	case p.Field == "":
		return p.Path
	}
	return p.Path + "." + p.Field
}

// String is the problem as a line of output: "line 12: servers[i-web-1].address: …".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if w := p.Where(); w != "" {
		b.WriteString(w)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return printable(b.String())
}

// printable escapes what a terminal would act on rather than show, so that a value quoted from
// a file cannot move the cursor or rewrite what was printed before it.
func printable(s string) string {
	if !strings.ContainsFunc(s, isUnprintable) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isUnprintable(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isUnprintable(r rune) bool {
	return unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r)
}

// ident writes a reference as it is when it has the shape of an id, and quoted otherwise.
func ident(id string) string {
	if validID(id) {
		return id
	}
	return strconv.Quote(clip(id))
}

// Problems is every problem found; as an error it reads one per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// AsProblems returns the problems err holds: those of a Problems error, or one problem
// carrying err's message.
func AsProblems(err error) Problems {
	if err == nil {
		return nil
	}
	if ps, ok := err.(Problems); ok {
		return ps
	}
	return Problems{{Kind: KindFile, Message: err.Error()}}
}

// clip shortens a value quoted in a message, so that one huge value cannot flood the output.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
