package handlers

import (
	"fmt"
	"time"

	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// The store's rows become the pages' own here, so that templates never see the store's types.

// rows turns each of in into a page's row.
func rows[T, R any](in []T, row func(T) R) []R {
	out := make([]R, len(in))
	for i, v := range in {
		out[i] = row(v)
	}
	return out
}

func auditRow(e db.AuditEntry) templates.AuditRow {
	r := templates.AuditRow{Seq: e.Seq, Time: e.Time, Actor: e.Actor, Source: e.Source, ClientIP: e.ClientIP,
		RequestID: e.RequestID, Action: e.Action, Region: e.Region, LoadBalancer: e.LoadBalancer, Group: e.Group,
		Applied: e.Outcome == db.OutcomeOK, Outcome: e.Outcome, Message: e.Message, Servers: e.Servers,
		Request: e.Request, Reverts: e.Reverts, Hash: e.Hash, LoadBalancerName: e.LoadBalancerName, GroupName: e.GroupName}
	if e.GroupKind == lb.KindDefault {
		r.GroupName = templates.GroupTitle(lb.Group{Kind: lb.KindDefault})
	}
	for _, c := range e.Diff().Changed {
		if c.Before.Weight != c.After.Weight {
			r.Weights = append(r.Weights, fmt.Sprintf("%s %d → %d", memberName(c.After), c.Before.Weight, c.After.Weight))
		}
	}
	return r
}

// keyRow is a key as the keys pages list it at now.
func keyRow(now time.Time) func(db.APIKey) templates.KeyRow {
	return func(k db.APIKey) templates.KeyRow {
		return templates.KeyRow{ID: k.ID, AccessKeyID: k.AccessKeyID, Owner: k.Owner, Created: k.Created, Revoked: k.Revoked,
			Label: k.Label, Expires: k.Expires, LastUsed: k.LastUsed, Expired: k.ExpiredAt(now)}
	}
}

func lbRow(s db.LBSummary) templates.LBRow {
	return templates.LBRow{LoadBalancer: s.LoadBalancer, Groups: s.Groups, Servers: s.Servers}
}

func groupRow(g db.GroupSummary) templates.GroupRow {
	return templates.GroupRow{Group: g.Group, Members: g.Members}
}

func importProblem(p db.ImportProblem) templates.ImportProblem {
	return templates.ImportProblem{Line: p.Line, Reason: p.Reason}
}

func signInRow(s db.SignIn) templates.SignInRow {
	return templates.SignInRow{Time: s.Time, UserName: s.UserName, ClientIP: s.ClientIP, Outcome: s.Outcome,
		Succeeded: s.Outcome == db.SignInOK, Attempts: s.Attempts, SeveralNames: s.SeveralNames}
}

func userRow(u db.UserSummary) templates.UserRow {
	return templates.UserRow{ID: u.ID, Name: u.Name, Role: u.Role, Disabled: u.Disabled, Created: u.Created,
		Sessions: u.Sessions, Keys: u.Keys}
}

// auditSources and auditActions are what the audit log's filter offers.
var (
	auditSources = []string{db.SourceConsole, db.SourceSLBAPI, db.SourcePoolAPI, db.SourceCLI, db.SourceFleet, db.SourceDataplane}
	auditActions = []string{string(lb.ActionRemove), string(lb.ActionAdd), string(lb.ActionReplace), string(lb.ActionReplaceAll),
		string(lb.ActionUpsert), string(lb.ActionSetWeights), string(lb.ActionSetMaintenance), string(lb.ActionSetBackup), db.ActionCorrectDrift,
		db.ActionAdoptServer, db.ActionRevert, db.ActionCreateGroup, db.ActionImportServers,
		db.ActionCreateUser, db.ActionChangeRole, db.ActionDisableUser, db.ActionEnableUser, db.ActionResetPassword,
		db.ActionChangePassword, db.ActionCreateKey, db.ActionRevokeKey}
	// fleetAuditActions are the fleet's changes, from the admin pages, fleet files and the APIs:
	// a verb and a kind, as the store's fleet audit names them.
	fleetAuditActions = func() []string {
		var out []string
		for _, kind := range []fleet.Kind{fleet.KindRegion, fleet.KindVPC, fleet.KindSubnet, fleet.KindServer, fleet.KindLoadBalancer, fleet.KindGroup} {
			for _, verb := range []string{"create", "update", "delete"} {
				if action := verb + "_" + string(kind); action != db.ActionCreateGroup {
					out = append(out, action)
				}
			}
		}
		return out
	}()
)

// signInOutcomes are what the sign-in attempts' filter offers.
var signInOutcomes = []string{db.SignInOK, db.SignInFailed, db.SignInThrottled}
