package lb

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextFault says what makes s unfit to be shown to people next to other text, or "" when
// nothing does: invalid UTF-8; a control character (NUL, a line break), which cuts or splits
// a line; or a bidirectional control (U+202A–U+202E, U+2066–U+2069 and the marks U+200E,
// U+200F, U+061C), which reorders how the text around it is displayed, so that a name reads
// as something it is not (CVE-2021-42574, "Trojan Source"). Right-to-left scripts need none
// of them: Arabic and Hebrew letters carry their direction themselves.
// The message completes a sentence that names the text: "description " + fault.
func TextFault(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return "holds a control character (such as NUL or a line break)"
	}
	if i := strings.IndexFunc(s, isBidiControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Sprintf("holds the bidirectional control %U, which reorders how the text around it is shown: remove it", r)
	}
	return ""
}

func isBidiControl(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }

// clipLen is how many characters of a value a message quotes.
const clipLen = 40

// Clip shortens a value quoted in a message to at most 40 characters, marking the cut with
// "…", so that one huge value cannot flood a page, a log line or an API's answer.
func Clip(s string) string {
	if utf8.RuneCountInString(s) <= clipLen {
		return s
	}
	return string([]rune(s)[:clipLen]) + "…"
}
