package handlers_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// access is who may use a route.
type access int

const (
	accessPublic    access = iota // anyone, with or without a session
	accessSignIn                  // POST /login: anyone; empty credentials fail with 401
	accessHome                    // "/" without Action: GET sends to /lbs or /login, other methods 405
	accessCloudAPI                // the cloud APIs: signature or token, never the session cookie
	accessViewer                  // any signed-in user
	accessOperator                // operators and admins
	accessAdmin                   // admins only
	accessUnmatched               // the session group's catch-all: sign in first, then 404
)

func (a access) String() string {
	return [...]string{"public", "sign-in", "home", "cloud API", "viewer", "operator", "admin", "unmatched"}[a]
}

// echoAny is what Echo registers for e.Any; echoNotFound is the method of e.RouteNotFound.
var (
	echoAny      = []string{"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PROPFIND", "PUT", "TRACE", "REPORT"}
	echoNotFound = []string{"echo_route_not_found"}
)

// routeRule is the authorization every registered route must have. The walk fails when the router
// has a route this table does not list, or the table lists one the router lacks, so that a new
// route cannot be added without deciding who may use it.
type routeRule struct {
	path    string
	methods []string // exactly the methods the router registers for path
	access  access
	// getOK is the status an allowed GET answers; 0 means 200, -1 any status that is not a refusal.
	getOK int
	// endsSession routes answer an allowed request with 303 to /login.
	endsSession bool
}

var routeTable = []routeRule{
	{path: "/", methods: echoAny, access: accessHome},
	{path: "/", methods: echoNotFound, access: accessUnmatched},
	{path: "/*", methods: echoNotFound, access: accessUnmatched},
	{path: "/v2.0/lbaas/*", methods: echoAny, access: accessCloudAPI},
	{path: "/v2/lbaas/*", methods: echoAny, access: accessCloudAPI},
	// OpenStack's version document, public, for a GET that asks for JSON (see elbapi's
	// TestVersionDiscovery); to anything else these paths are the session group's catch-all.
	{path: "/v2.0", methods: echoAny, access: accessUnmatched},
	{path: "/v2.0/", methods: echoAny, access: accessUnmatched},
	{path: "/v2", methods: echoAny, access: accessUnmatched},
	{path: "/v2/", methods: echoAny, access: accessUnmatched},
	{path: "/healthz", methods: []string{"GET"}, access: accessPublic},
	{path: "/readyz", methods: []string{"GET"}, access: accessPublic},
	{path: "/metrics", methods: []string{"GET"}, access: accessPublic},
	{path: "/static/*", methods: []string{"GET"}, access: accessPublic},
	{path: "/login", methods: []string{"GET"}, access: accessPublic},
	{path: "/login", methods: []string{"POST"}, access: accessSignIn},
	{path: "/logout", methods: []string{"POST"}, access: accessViewer, endsSession: true},
	{path: "/lbs", methods: []string{"GET"}, access: accessViewer},
	{path: "/lbs/:lb", methods: []string{"GET"}, access: accessViewer},
	{path: "/lbs/:lb/groups/:group", methods: []string{"GET"}, access: accessViewer},
	{path: "/lbs/:lb/groups/:group/preview", methods: []string{"POST"}, access: accessOperator},
	{path: "/lbs/:lb/groups/:group/batch", methods: []string{"POST"}, access: accessOperator},
	{path: "/lbs/:lb/groups/:group/candidates", methods: []string{"GET"}, access: accessOperator},
	// Without ?server= the picker answers 404 (no such server): past authorization all the same.
	{path: "/lbs/:lb/groups/:group/candidates/pick", methods: []string{"GET"}, access: accessOperator, getOK: -1},
	{path: "/lbs/:lb/groups/:group/members/:member/weight", methods: []string{"GET", "POST"}, access: accessOperator},
	// Reading a node changes nothing, but it connects where the form says: admins only.
	{path: "/fleet/adopt", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/users", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/users/sign-ins", methods: []string{"GET"}, access: accessAdmin},
	{path: "/users/:id/role", methods: []string{"POST"}, access: accessAdmin},
	{path: "/users/:id/disable", methods: []string{"POST"}, access: accessAdmin},
	{path: "/users/:id/enable", methods: []string{"POST"}, access: accessAdmin},
	{path: "/users/:id/password", methods: []string{"POST"}, access: accessAdmin},
	{path: "/users/keys", methods: []string{"GET"}, access: accessAdmin},
	{path: "/users/keys/:id/revoke", methods: []string{"POST"}, access: accessAdmin},
	// Every user, viewers included, manages their own account, API keys and sign-out (DESIGN.md:
	// "every user manages their own API keys"), so these POSTs are open to viewers.
	{path: "/account", methods: []string{"GET"}, access: accessViewer},
	{path: "/account/password", methods: []string{"POST"}, access: accessViewer},
	{path: "/account/sign-out-everywhere", methods: []string{"POST"}, access: accessViewer, endsSession: true},
	{path: "/servers", methods: []string{"GET"}, access: accessViewer},
	{path: "/servers/import", methods: []string{"POST"}, access: accessAdmin},
	{path: "/keys", methods: []string{"GET", "POST"}, access: accessViewer},
	{path: "/keys/:id/revoke", methods: []string{"POST"}, access: accessViewer},
	{path: "/fleet", methods: []string{"GET"}, access: accessAdmin},
	// The example fleet file is documentation, for everyone signed in.
	{path: "/fleet/example.yaml", methods: []string{"GET"}, access: accessViewer},
	{path: "/fleet/upload", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/apply", methods: []string{"POST"}, access: accessAdmin},
	{path: "/fleet/regions", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/regions/:id", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/regions/:id/delete", methods: []string{"POST"}, access: accessAdmin},
	{path: "/fleet/vpcs", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/vpcs/:id", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/vpcs/:id/delete", methods: []string{"POST"}, access: accessAdmin},
	{path: "/fleet/subnets", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/subnets/:id", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/subnets/:id/delete", methods: []string{"POST"}, access: accessAdmin},
	{path: "/fleet/servers", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/servers/:id", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/servers/:id/delete", methods: []string{"POST"}, access: accessAdmin},
	{path: "/fleet/lbs", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/lbs/:id", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/lbs/:id/delete", methods: []string{"POST"}, access: accessAdmin},
	{path: "/fleet/lbs/:id/groups", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/lbs/:id/groups/:group", methods: []string{"GET", "POST"}, access: accessAdmin},
	{path: "/fleet/lbs/:id/groups/:group/delete", methods: []string{"POST"}, access: accessAdmin},
	{path: "/audit", methods: []string{"GET"}, access: accessViewer},
	{path: "/audit.csv", methods: []string{"GET"}, access: accessViewer},
	{path: "/audit/:seq", methods: []string{"GET"}, access: accessViewer},
	{path: "/audit/:seq/revert", methods: []string{"GET", "POST"}, access: accessOperator},
}

// walkMethods are the methods the walk sends to every route.
var walkMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}

// walkRoles are the roles of the walk, weakest first; anonymous has no user.
var walkRoles = []struct{ name, user string }{
	{"anonymous", ""}, {string(lb.RoleViewer), viewerName}, {string(lb.RoleOperator), operatorName}, {string(lb.RoleAdmin), adminName},
}

func roleRank(role string) int {
	return map[string]int{"anonymous": 0, "viewer": 1, "operator": 2, "admin": 3}[role]
}

func (a access) minRank() int {
	switch a {
	case accessViewer:
		return 1
	case accessOperator:
		return 2
	case accessAdmin:
		return 3
	}
	return 0
}

func TestRouteTableIsComplete(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	registered := map[string][]string{}
	for _, r := range s.router.(*echo.Echo).Routes() { // the router is Echo's inside the package
		registered[r.Path] = append(registered[r.Path], r.Method)
	}
	listed := map[string][]string{}
	for _, r := range routeTable {
		listed[r.path] = append(listed[r.path], r.methods...)
	}
	paths := map[string]bool{}
	for p := range registered {
		paths[p] = true
	}
	for p := range listed {
		paths[p] = true
	}
	for p := range paths {
		got, want := slices.Sorted(slices.Values(registered[p])), slices.Sorted(slices.Values(listed[p]))
		if !slices.Equal(got, want) {
			t.Errorf("route %s: the router registers methods %v, the authorization table lists %v; "+
				"add the route to routeTable in authz_test.go with who may use it", p, got, want)
		}
	}
}

// walkFixture holds the real ids that fill the routes' parameters.
type walkFixture struct {
	lbID, groupID, memberID, seq, targetUser string
	keys                                     map[string]string // role → an API key id of that role's user
	// fleetIDs fill the :id of the fleet pages, by kind: objects that the groups use, so that
	// an admin's empty delete is refused and the walk's state stays as it is.
	fleetIDs map[string]string
}

func newWalkFixture(t *testing.T, s *env) walkFixture {
	t.Helper()
	lbID, g := s.bigGroup()
	member := s.members(g.ID)[0]
	f := walkFixture{lbID: lbID, groupID: g.ID, memberID: member.ID,
		seq: strconv.FormatInt(someAuditSeq(t, s), 10), keys: map[string]string{}}
	l, err := s.store.GetLoadBalancer(s.ctx, lbID)
	if err != nil {
		t.Fatal(err)
	}
	f.fleetIDs = map[string]string{"regions": l.RegionID, "vpcs": l.VpcID, "subnets": member.SubnetID, "servers": member.ServerID, "lbs": lbID}
	// Admin actions on users aim at a user of their own, so that the walk's users stay as they are.
	target, err := s.store.CreateUser(s.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, "walk-target", lb.RoleViewer, testenv.PasswordHash(t))
	if err != nil {
		t.Fatal(err)
	}
	f.targetUser = strconv.FormatInt(target.ID, 10)
	for _, r := range walkRoles {
		owner := r.user
		if owner == "" {
			owner = adminName
		}
		k, err := s.store.CreateAPIKey(s.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, s.user(owner).ID, auth.NewAPICredentials())
		if err != nil {
			t.Fatal(err)
		}
		f.keys[r.name] = strconv.FormatInt(k.ID, 10)
	}
	return f
}

// path fills a route pattern with real ids.
func (f walkFixture) path(pattern, role string) string {
	switch pattern {
	case "/*":
		return "/no-such-page"
	case "/static/*":
		return "/static/app.css"
	case "/v2.0/lbaas/*", "/v2/lbaas/*":
		return strings.TrimSuffix(pattern, "*") + "pools/" + f.groupID + "/members"
	}
	id := f.targetUser
	if strings.HasPrefix(pattern, "/keys/") || strings.HasPrefix(pattern, "/users/keys/") {
		id = f.keys[role]
	}
	if kind, ok := strings.CutPrefix(pattern, "/fleet/"); ok {
		kind, _, _ = strings.Cut(kind, "/")
		id = f.fleetIDs[kind]
	}
	return strings.NewReplacer(":lb", f.lbID, ":group", f.groupID, ":member", f.memberID, ":seq", f.seq, ":id", id).Replace(pattern)
}

// verdict says what is wrong with an answer, or "".
func verdict(rule routeRule, role, method string, registered bool, r *response) string {
	code, loc := r.StatusCode, r.Header.Get("Location")
	if code >= 500 {
		return "a server error"
	}
	in := func(codes ...int) bool { return slices.Contains(codes, code) }
	anon := role == "anonymous"
	switch {
	case rule.access == accessCloudAPI:
		if !in(400, 401, 403, 404, 405) {
			return "want 400/401/403/404/405: the API takes no session and these requests carry no credentials"
		}
		return ""
	case rule.access == accessUnmatched:
		if anon && method == http.MethodGet {
			if code != http.StatusSeeOther || loc != "/login" {
				return "want 303 to /login"
			}
			return ""
		}
		if anon {
			if !in(401, 404, 405) {
				return "want 401, 404 or 405"
			}
			return ""
		}
		if code != http.StatusNotFound {
			return "want 404"
		}
		return ""
	case !registered:
		// Echo sends a method the path lacks to the session group's catch-all, so an anonymous
		// request is told to sign in before it learns that the method does not exist.
		if anon && method == http.MethodGet && code == http.StatusSeeOther && loc == "/login" || anon && code == http.StatusUnauthorized {
			return ""
		}
		if !in(404, 405) {
			return "the route does not have this method: want 404 or 405"
		}
		return ""
	case rule.access == accessPublic:
		if code != http.StatusOK {
			return "want 200"
		}
		return ""
	case rule.access == accessSignIn:
		if code != http.StatusUnauthorized {
			return "empty credentials: want 401"
		}
		return ""
	case rule.access == accessHome:
		if method != http.MethodGet {
			if code != http.StatusMethodNotAllowed {
				return "want 405"
			}
			return ""
		}
		want := "/lbs"
		if anon {
			want = "/login"
		}
		if code != http.StatusSeeOther || loc != want {
			return "want 303 to " + want
		}
		return ""
	}
	// Console routes behind a session and a role.
	if anon {
		if method == http.MethodGet {
			if code != http.StatusSeeOther || loc != "/login" {
				return "want 303 to /login"
			}
			return ""
		}
		if !in(401, 403) {
			return "want 401 (or 403)"
		}
		return ""
	}
	if roleRank(role) < rule.access.minRank() {
		if code != http.StatusForbidden {
			return "want 403: the role is below " + rule.access.String()
		}
		return ""
	}
	if in(401, 403) {
		return "refused, but the role may use this route"
	}
	if rule.endsSession {
		if code != http.StatusSeeOther || loc != "/login" {
			return "want 303 to /login"
		}
		return ""
	}
	if code == http.StatusSeeOther && loc == "/login" {
		return "sent to /login, but the session is live"
	}
	if method == http.MethodGet {
		want := rule.getOK
		if want == 0 {
			want = http.StatusOK
		}
		if want > 0 && code != want {
			return fmt.Sprintf("want %d", want)
		}
		return ""
	}
	if code >= 200 && code < 300 || in(303, 400, 404, 409, 422) {
		return ""
	}
	return "want a success, 303, 400, 404, 409 or 422 (past authorization)"
}

func TestAuthorizationWalk(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	f := newWalkFixture(t, s)
	var paths []string
	for _, r := range routeTable {
		if !slices.Contains(paths, r.path) {
			paths = append(paths, r.path)
		}
	}
	sort.Strings(paths)
	// ruleFor returns the rule of path's method, and whether the router has that method there.
	ruleFor := func(path, method string) (routeRule, bool) {
		var some routeRule
		for _, r := range routeTable {
			if r.path != path {
				continue
			}
			if slices.Equal(r.methods, echoNotFound) {
				// The catch-all answers every method; on "/" the Any route wins.
				if path == "/*" {
					return r, true
				}
				continue
			}
			if slices.Contains(r.methods, method) {
				return r, true
			}
			some = r
		}
		return some, false
	}
	send := func(c *client, method, target string) *response {
		t.Helper()
		opts := []option{header("X-CSRF-Token", c.CSRF)}
		if method == http.MethodGet {
			return c.Do(method, target, nil, opts...)
		}
		// No body to speak of: this is about who may, not about what is done.
		return c.Do(method, target, strings.NewReader(""), opts...)
	}

	for _, role := range walkRoles {
		t.Run(role.name, func(t *testing.T) {
			login := func() *client {
				if role.user == "" {
					c := s.browser()
					c.Get("/login")
					return c
				}
				return s.signInAt(role.user)
			}
			c := login()
			for _, p := range paths {
				target := f.path(p, role.name)
				for _, method := range walkMethods {
					rule, registered := ruleFor(p, method)
					r := send(c, method, target)
					if why := verdict(rule, role.name, method, registered, r); why != "" {
						t.Errorf("%s %s %s (route %s, %s, registered %v) = %d Location %q: %s\n%s", role.name, method, target, p,
							rule.access, registered, r.StatusCode, r.Header.Get("Location"), why, r.Snippet())
					}
					if rule.endsSession && registered && role.user != "" {
						c = login()
					}
				}
			}
			// "/" with an Action is the SLB API: without a signature it answers only refusals.
			for _, method := range walkMethods {
				target := "/?Action=DescribeLoadBalancers&RegionId=cn-hangzhou&Format=JSON"
				r := send(c, method, target)
				if why := verdict(routeRule{path: "/", access: accessCloudAPI}, role.name, method, true, r); why != "" {
					t.Errorf("%s %s %s (SLB API) = %d: %s\n%s", role.name, method, target, r.StatusCode, why, r.Snippet())
				}
			}
		})
	}
}

// A key number names one user's key: another user, whatever their role, cannot revoke it.
func TestKeysCannotBeRevokedByAnotherUser(t *testing.T) {
	t.Parallel()
	s := newEnv(t)
	owner := s.user(viewerName)
	k, err := s.store.CreateAPIKey(s.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, owner.ID, auth.NewAPICredentials())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{operatorName, adminName} {
		c := s.signInAt(name)
		r := c.Post("/keys/"+strconv.FormatInt(k.ID, 10)+"/revoke", c.WithCSRF(nil))
		wantStatus(t, r, http.StatusNotFound)
	}
	keys, err := s.store.ListAPIKeys(s.ctx, owner.ID)
	if err != nil || len(keys) != 1 || !keys[0].Active() {
		t.Errorf("vera's keys = %+v, %v; want her one key still active", keys, err)
	}
}
