package slbapi

import (
	"encoding/json"
	"encoding/xml"
	"log/slog"
	"net/http"
	"strings"
)

// Answer formats. XML is the default, as in the cloud's docs; the SDK asks for JSON.
const (
	formatJSON = "JSON"
	formatXML  = "XML"
)

// formatOf reads the Format parameter, case-insensitively; anything but JSON answers XML.
func formatOf(v string) string {
	if strings.EqualFold(v, formatJSON) {
		return formatJSON
	}
	return formatXML
}

// errorBody is every error's answer, under <Error> in XML. Every value is a string: the SDK
// reads them as strings and panics on anything else.
type errorBody struct {
	RequestID string `json:"RequestId" xml:"RequestId"`
	HostID    string `json:"HostId" xml:"HostId"`
	Code      string `json:"Code" xml:"Code"`
	Message   string `json:"Message" xml:"Message"`
	Recommend string `json:"Recommend" xml:"Recommend"`
}

// succeed writes an action's answer: JSON, or XML under <ActionResponse>.
func (a *api) succeed(w http.ResponseWriter, c *call, body any) {
	a.write(w, c, http.StatusOK, xml.StartElement{Name: xml.Name{Local: c.action + "Response"}}, body)
}

// fail writes the answer for err, logging the server's own failures with the request id.
func (a *api) fail(w http.ResponseWriter, c *call, err error) {
	e := errorFor(err)
	level := slog.LevelInfo
	switch {
	case e.code == codeThrottling: // the caller's doing, though answered 503 for the SDK to retry
		level = slog.LevelWarn
	case e.status >= 500:
		level = slog.LevelError
	}
	a.log.LogAttrs(c.ctx, level, "slb api refused", slog.String("request_id", c.requestID), slog.String("action", c.action),
		slog.String("actor", c.user.Name), slog.String("code", e.code), slog.String("error", err.Error()))
	body := errorBody{RequestID: c.requestID, HostID: c.host, Code: e.code, Message: e.message}
	a.write(w, c, e.status, xml.StartElement{Name: xml.Name{Local: "Error"}}, body)
}

func (a *api) write(w http.ResponseWriter, c *call, status int, root xml.StartElement, body any) {
	var out []byte
	var err error
	if c.format == formatJSON {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		out, err = json.Marshal(body)
	} else {
		w.Header().Set("Content-Type", "text/xml;charset=utf-8")
		var b []byte
		b, err = xml.Marshal(wrapped{root: root, body: body})
		out = append([]byte(xml.Header), b...)
	}
	if err != nil {
		a.log.LogAttrs(c.ctx, slog.LevelError, "slb api answer", slog.String("request_id", c.requestID), slog.String("error", err.Error()))
		http.Error(w, "the answer could not be encoded", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	w.Write(out)
}

// wrapped encodes body under the element root, whatever the body's own type is called.
type wrapped struct {
	root xml.StartElement
	body any
}

func (w wrapped) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return e.EncodeElement(w.body, w.root)
}
