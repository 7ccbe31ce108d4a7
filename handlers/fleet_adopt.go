package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/fleet"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// The adopt page does what `console fleet adopt` does: it reads a running HAProxy node through
// its Runtime API and proposes fleet entries that adopt its backends and servers, changing
// nothing, neither on the node nor in the database. The console connects where the admin says
// (the reconcilers connect wherever the fleet binds a node anyway), but only through the
// Runtime API's own two forms of address, and only when an admin posts the form.

// adoptTimeout bounds the read of the node, which answers two commands.
const adoptTimeout = 10 * time.Second

// maxRuntimeAPILen bounds the address typed in.
const maxRuntimeAPILen = 512

func adoptPage(c echo.Context) templates.AdoptPage {
	return templates.AdoptPage{Page: page(c, "Adopt a running HAProxy", "fleet")}
}

// adoptForm asks for the node to read; ?lb= fills in the load balancer, as its page links here.
func (h *Handler) adoptForm(c echo.Context) error {
	m := adoptPage(c)
	m.LB = strings.TrimSpace(c.QueryParam("lb"))
	return render(c, http.StatusOK, templates.Adopt(m), nil)
}

// adoptPropose reads the node and shows what adopting it would write, or sends it as a file.
func (h *Handler) adoptPropose(c echo.Context) error {
	m := adoptPage(c)
	m.API, m.LB = strings.TrimSpace(c.FormValue("runtime_api")), strings.TrimSpace(c.FormValue("lb"))
	client, err := adoptClient(m.API)
	if err != nil {
		m.Error = err.Error()
		return render(c, http.StatusUnprocessableEntity, templates.Adopt(m), nil)
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), adoptTimeout)
	defer cancel()
	proposal, err := dataplane.Propose(ctx, client)
	if err != nil {
		m.Error = "The node could not be read, so nothing is proposed: " + err.Error()
		return render(c, http.StatusBadGateway, templates.Adopt(m), nil)
	}
	result, err := h.adoptResult(c.Request().Context(), m.API, m.LB, proposal)
	if _, refused := lb.AsError(err); refused {
		m.Error = err.Error()
		return render(c, http.StatusUnprocessableEntity, templates.Adopt(m), nil)
	} else if err != nil {
		return err
	}
	if c.FormValue("download") != "" {
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", result.FileName))
		return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", []byte(result.File))
	}
	m.Result = &result
	return render(c, http.StatusOK, templates.Adopt(m), nil)
}

// adoptClient checks the address an admin typed and returns a client for it: the Runtime API's
// unix:/absolute/path or tcp:host:port, nothing else.
func adoptClient(api string) (*haproxy.Client, error) {
	switch {
	case api == "":
		return nil, lb.Errorf(lb.KindInvalid, "runtime_api", "give the node's Runtime API address: unix:/path/to/admin.sock or tcp:host:port")
	case len(api) > maxRuntimeAPILen:
		return nil, lb.Errorf(lb.KindInvalid, "runtime_api", "the address is %d characters long: at most %d", len(api), maxRuntimeAPILen)
	case !strings.HasPrefix(api, "unix:") && !strings.HasPrefix(api, "tcp:"):
		return nil, lb.Errorf(lb.KindInvalid, "runtime_api",
			"%q is not a Runtime API address: the console reads HAProxy only through its Runtime API (a stats socket at level admin), named unix:/path/to/admin.sock or tcp:host:port", lb.Clip(api))
	}
	c, err := haproxy.New(api, api)
	if err != nil {
		return nil, lb.Errorf(lb.KindInvalid, "runtime_api", "%s", err.Error())
	}
	return c, nil
}

// adoptResult places the proposal in load balancer lbID as the database has it (a fleet file
// to apply), or alone without one (groups to paste under a load balancer), as the command does.
func (h *Handler) adoptResult(ctx context.Context, api, lbID string, p dataplane.Proposal) (templates.AdoptResult, error) {
	out := templates.AdoptResult{IntoLB: lbID}
	var adopted fleet.Adopted
	var file []byte
	var err error
	if lbID == "" {
		adopted = fleet.AdoptProposal(p, nil, nil)
		file, err = fleet.MarshalGroups(adopted.Groups, fleet.FormatYAML)
		out.FileName = "adopt-groups.yaml"
	} else {
		l, subnets, rerr := h.db.ExportLoadBalancer(ctx, lbID)
		if rerr != nil {
			return out, rerr
		}
		var doc fleet.Document
		doc, adopted = fleet.AdoptInto(l, subnets, api, p)
		file, err = fleet.Marshal(doc, fleet.FormatYAML)
		out.FileName = "adopt-" + l.ID + ".yaml"
	}
	if err != nil {
		return out, err
	}
	out.File, out.Skipped = string(file), adopted.Skipped
	for _, g := range adopted.Groups {
		n := 0
		if g.Members != nil {
			n = len(*g.Members)
		}
		out.Groups = append(out.Groups, templates.AdoptGroup{ID: g.ID, Backend: g.Effective().Backend, Members: n})
	}
	return out, nil
}
