package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// maxImportBytes is the largest import file; a little more is allowed for the multipart
// envelope and the other fields.
const (
	maxImportBytes    = 1 << 20
	maxImportEnvelope = 64 << 10
)

// serverImport adds the servers of an uploaded CSV file to the inventory, all or none, and
// answers with the inventory page saying what happened or listing every bad line.
func (h *Handler) serverImport(c echo.Context) error {
	m, err := h.serverPage(c)
	if err != nil {
		return err
	}
	// A refusal is answered here, with what was wrong; the address becomes the inventory's, so
	// that a reload does not post the file again.
	m.Location = "/servers"
	refuseFile := func(status int, msg string) error {
		m.Import.FileError = msg
		m.Import.Flash = &templates.Flash{Kind: "error", Message: "Nothing was imported: " + msg}
		return render(c, status, templates.ServerList(m), nil)
	}
	data, name, status, msg := readImportFile(c)
	if status != 0 {
		return refuseFile(status, msg)
	}
	upsert := c.FormValue("upsert") == "on"
	m.Import.Upsert = upsert
	res, err := h.db.ImportServers(c.Request().Context(), db.ImportRequest{Origin: origin(c), File: name, Rows: readServerCSV(bytes.NewReader(data)), Upsert: upsert})
	if err != nil {
		return err
	}
	if res.Refused() {
		m.Import.Flash = &templates.Flash{Kind: "error", Message: fmt.Sprintf(
			"Nothing was imported: %s refused (audit entry #%d). Fix them and import the whole file again.", plural(res.BadRows, "line"), res.Seq)}
		m.Import.Problems, m.Import.More = rows(res.Problems, importProblem), res.BadRows-len(res.Problems)
		return render(c, http.StatusUnprocessableEntity, templates.ServerList(m), nil)
	}
	// The inventory with the new servers in it, at an address of its own: a reload imports
	// nothing again.
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/servers?imported=%d", res.Seq))
}

// importedFlash says what the import that redirected to the inventory did. It is read from the
// audit log, not from the address: an address can say only which entry to look at.
func (h *Handler) importedFlash(c echo.Context) (*templates.Flash, error) {
	seq, err := strconv.ParseInt(c.QueryParam("imported"), 10, 64)
	if err != nil || seq < 1 {
		return nil, nil
	}
	e, err := h.db.GetAudit(c.Request().Context(), seq)
	if lb.ErrorKind(err) == lb.KindNotFound || (err == nil && (e.Action != db.ActionImportServers || e.Outcome != db.OutcomeOK)) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	file, _, _ := strings.Cut(e.Request, ": ") // the request reads "FILE: N rows"
	return &templates.Flash{Kind: "ok", Message: fmt.Sprintf("Imported %s from %s (audit entry #%d).", plural(e.Count, "server"), file, seq)}, nil
}

// readImportFile reads the uploaded CSV file and its name; on a refusal it returns the status
// and the message instead.
func readImportFile(c echo.Context) (data []byte, name string, status int, msg string) {
	return readUpload(c, csvUpload)
}

// upload is what an upload form takes: at most max bytes, refused as tooLarge beyond; missing
// asks for the file, and fallback names one sent without a name.
type upload struct {
	max                         int
	tooLarge, missing, fallback string
}

var csvUpload = upload{max: maxImportBytes, tooLarge: fmt.Sprintf("the file is larger than %d KiB: split it into smaller files", maxImportBytes>>10),
	missing: "choose a CSV file to import", fallback: "upload.csv"}

// readUpload reads the file of an upload form's "file" field and its name; on a refusal it
// returns the status and the message instead.
//
// The body is capped before it is parsed. When the CSRF middleware has parsed the form already
// (it reads the token from it when the browser sends no Sec-Fetch-Site), the cap comes too
// late to save the reading, so the file's size is checked as well.
func readUpload(c echo.Context, u upload) (data []byte, name string, status int, msg string) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, int64(u.max+maxImportEnvelope))
	fh, err := c.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, "", http.StatusRequestEntityTooLarge, u.tooLarge
	case errors.Is(err, http.ErrMissingFile):
		return nil, "", http.StatusUnprocessableEntity, u.missing
	case err != nil:
		return nil, "", http.StatusBadRequest, "the upload could not be read: send the form again"
	case fh.Size > int64(u.max):
		return nil, "", http.StatusRequestEntityTooLarge, u.tooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", http.StatusBadRequest, "the upload could not be read: send the form again"
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, int64(u.max)+1))
	if err != nil {
		return nil, "", http.StatusBadRequest, "the upload could not be read: send the form again"
	}
	if len(data) > u.max {
		return nil, "", http.StatusRequestEntityTooLarge, u.tooLarge
	}
	return data, fileName(fh.Filename, u.fallback), 0, ""
}

// fileName is the uploaded file's name as the audit log records it: the last path element,
// without control characters, at most 100 characters.
func fileName(s, fallback string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, path.Base(strings.ReplaceAll(s, `\`, "/")))
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100])
	}
	if s == "" || s == "." || s == "/" {
		return fallback
	}
	return s
}
