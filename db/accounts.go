package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"lbconsole/lb"
)

// SourceCLI is the command line, as the audit log records the account changes made there.
const SourceCLI = "cli"

// Origin says who asked for a change, as the audit log records it.
type Origin struct {
	// ActorID is the signed-in user's id, so that rules about one's own account can be checked;
	// zero on the command line, where nobody is signed in.
	ActorID   int64
	Actor     string
	ClientIP  string
	RequestID string
	// Source is the interface the change came through: SourceConsole (the default) or SourceCLI.
	Source string
}

func (o Origin) source() string {
	if o.Source == "" {
		return SourceConsole
	}
	return o.Source
}

// Actions the audit log records for changes to people's accounts and their API keys.
const (
	ActionCreateUser     = "create_user"
	ActionChangeRole     = "change_role"
	ActionDisableUser    = "disable_user"
	ActionEnableUser     = "enable_user"
	ActionResetPassword  = "reset_password"
	ActionChangePassword = "change_password"
	ActionCreateKey      = "create_key"
	ActionRevokeKey      = "revoke_key"
)

// Ended is what a change to an account ended along with it.
type Ended struct {
	Sessions int // sessions signed out
	Keys     int // API keys revoked
}

// auditAccount records an applied change to an account in the caller's transaction, so that
// who made whom an admin is as traceable as who removed which server. The message repeats the
// request in words, so that the audit list and its CSV say whom the change was done to.
func (d *DB) auditAccount(ctx context.Context, tx *sql.Tx, o Origin, action, request string) error {
	_, err := d.appendAudit(ctx, tx, AuditEntry{
		Time:      d.now().UTC().Truncate(time.Microsecond),
		Actor:     o.Actor,
		Source:    o.source(),
		ClientIP:  o.ClientIP,
		RequestID: o.RequestID,
		Action:    action,
		Outcome:   OutcomeOK,
		Message:   request,
		Request:   request,
		Before:    "[]",
		After:     "[]",
	})
	return err
}

// CreateUser adds a user with an already hashed password, and records who added whom in the
// audit log in the same transaction. A name that is taken is an *lb.Error of kind conflict.
func (d *DB) CreateUser(ctx context.Context, o Origin, name string, role lb.Role, passwordHash string) (User, error) {
	u := User{Name: name, Role: role, PasswordHash: passwordHash, Created: d.now().UTC()}
	if !lb.ValidUserName(name) {
		return u, lb.Errorf(lb.KindInvalid, lb.FieldUserName, "the name %q is not 1 to %d letters, digits, dots, dashes or underscores", lb.Clip(name), lb.MaxUserNameLen)
	}
	if !role.Valid() {
		return u, lb.Errorf(lb.KindInvalid, lb.FieldRole, "role must be viewer, operator or admin, not %q", lb.Clip(string(role)))
	}
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "INSERT INTO users (name, role, password_hash, created) VALUES (?,?,?,?) RETURNING id",
			name, role, passwordHash, formatTime(u.Created)).Scan(&u.ID)
		if constraintKind(err) == lb.KindConflict {
			return lb.Errorf(lb.KindConflict, lb.FieldUserName, "a user named %s already exists", name)
		}
		if err != nil {
			return fmt.Errorf("db: unable to create user %s: %w", name, err)
		}
		return d.auditAccount(ctx, tx, o, ActionCreateUser, fmt.Sprintf("create user %s with role %s", name, role))
	})
	return u, err
}

// changeAccount loads the target user in a write transaction and hands it to fn; the target
// must exist, and fn makes and audits the change.
func (d *DB) changeAccount(ctx context.Context, userID int64, fn func(tx *sql.Tx, u User) error) (User, error) {
	var u User
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = loadUser(ctx, tx, "id = ?", userID); err != nil {
			return err
		}
		return fn(tx, u)
	})
	return u, err
}

// keepsAnAdmin refuses a change that would leave no enabled admin, and one that an admin makes
// to their own account: a slip of the mouse should not lock them out. own says what was refused
// to the admin's own account, and what to do instead. The rules are checked inside the
// transaction that makes the change, so that two admins acting at once cannot both pass.
func keepsAnAdmin(ctx context.Context, tx *sql.Tx, o Origin, u User, own string) error {
	if u.ID == o.ActorID {
		return lb.Errorf(lb.KindForbidden, lb.FieldUser, "%s", own)
	}
	if u.Role != lb.RoleAdmin || u.Disabled {
		return nil
	}
	var others int
	err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = ? AND disabled = 0 AND id <> ?", lb.RoleAdmin, u.ID).Scan(&others)
	if err != nil {
		return fmt.Errorf("db: unable to count the admins: %w", err)
	}
	if others == 0 {
		return lb.Errorf(lb.KindConflict, lb.FieldUser, "%s is the last enabled admin: make another user an admin first, or nobody could manage users", u.Name)
	}
	return nil
}

// SetUserRole changes a user's role. The new role takes effect on the user's next request:
// sessions read the role from the users table every time. It returns the user as they were.
func (d *DB) SetUserRole(ctx context.Context, o Origin, userID int64, role lb.Role) (User, error) {
	if !role.Valid() {
		return User{}, lb.Errorf(lb.KindInvalid, lb.FieldRole, "role must be viewer, operator or admin, not %q", lb.Clip(string(role)))
	}
	return d.changeAccount(ctx, userID, func(tx *sql.Tx, u User) error {
		if u.Role == role {
			return nil
		}
		if role != lb.RoleAdmin {
			if err := keepsAnAdmin(ctx, tx, o, u, "you cannot change your own role: ask another admin"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET role = ? WHERE id = ?", role, u.ID); err != nil {
			return fmt.Errorf("db: unable to set the role of %s: %w", u.Name, err)
		}
		return d.auditAccount(ctx, tx, o, ActionChangeRole, fmt.Sprintf("change the role of %s from %s to %s", u.Name, u.Role, role))
	})
}

// SetUserDisabled disables or enables a user. Disabling ends all their sessions in the same
// transaction, so that they are signed out at once, and with revokeKeys revokes their API keys
// too: a disabled owner's keys stop working anyway, but would work again on enabling. It
// returns the user as they were and what ended.
func (d *DB) SetUserDisabled(ctx context.Context, o Origin, userID int64, disabled, revokeKeys bool) (User, Ended, error) {
	var ended Ended
	u, err := d.changeAccount(ctx, userID, func(tx *sql.Tx, u User) error {
		if u.Disabled == disabled {
			return nil
		}
		action, verb := ActionEnableUser, "enable"
		if disabled {
			if err := keepsAnAdmin(ctx, tx, o, u, "you cannot disable your own account: ask another admin"); err != nil {
				return err
			}
			action, verb = ActionDisableUser, "disable"
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET disabled = ? WHERE id = ?", disabled, u.ID); err != nil {
			return fmt.Errorf("db: unable to %s %s: %w", verb, u.Name, err)
		}
		if !disabled {
			return d.auditAccount(ctx, tx, o, action, verb+" "+u.Name)
		}
		var err error
		if ended.Sessions, err = endSessions(ctx, tx, u.ID, ""); err != nil {
			return err
		}
		return d.auditEnded(ctx, tx, o, action, verb+" "+u.Name, u, revokeKeys, &ended)
	})
	return u, ended, err
}

// auditEnded records a change that ended the user's sessions, then revokes their keys when
// asked, each revocation with its own entry, all in the caller's transaction.
func (d *DB) auditEnded(ctx context.Context, tx *sql.Tx, o Origin, action, request string, u User, revokeKeys bool, ended *Ended) error {
	request += fmt.Sprintf(" and end their %d sessions", ended.Sessions)
	keys, err := activeKeys(ctx, tx, u.ID)
	if err != nil {
		return err
	}
	if revokeKeys {
		request += fmt.Sprintf("; revoke their %d API keys", len(keys))
	} else if len(keys) > 0 {
		request += fmt.Sprintf("; keep their %d API keys", len(keys))
	}
	if err := d.auditAccount(ctx, tx, o, action, request); err != nil {
		return err
	}
	if !revokeKeys {
		return nil
	}
	for _, k := range keys {
		if err := d.revokeKey(ctx, tx, o, k); err != nil {
			return err
		}
	}
	ended.Keys = len(keys)
	return nil
}

// ResetPassword sets another user's password, as an admin on the users page does for someone
// who forgot theirs (or whose account may be in other hands), or an operator on the command
// line; it ends all that user's sessions and, with revokeKeys, revokes their API keys. It
// refuses a signed-in admin's own account: changing one's own password asks for the current
// one, on the account page. (The command line's origin names nobody signed in, so there it
// never refuses.)
func (d *DB) ResetPassword(ctx context.Context, o Origin, userID int64, passwordHash string, revokeKeys bool) (User, Ended, error) {
	var ended Ended
	u, err := d.changeAccount(ctx, userID, func(tx *sql.Tx, u User) error {
		if u.ID == o.ActorID {
			return lb.Errorf(lb.KindForbidden, lb.FieldUser, "you cannot reset your own password: change it on your account page, which asks for the current one")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, u.ID); err != nil {
			return fmt.Errorf("db: unable to reset the password of %s: %w", u.Name, err)
		}
		var err error
		if ended.Sessions, err = endSessions(ctx, tx, u.ID, ""); err != nil {
			return err
		}
		return d.auditEnded(ctx, tx, o, ActionResetPassword, "reset the password of "+u.Name, u, revokeKeys, &ended)
	})
	return u, ended, err
}

// ChangeOwnPassword sets the signed-in user's password and ends their other sessions: whoever
// may have learnt the old password is signed out, while the browser that made the change stays
// signed in. keepSession is the hash of that browser's session id. It reports how many ended.
func (d *DB) ChangeOwnPassword(ctx context.Context, o Origin, passwordHash, keepSession string) (int, error) {
	ended := 0
	_, err := d.changeAccount(ctx, o.ActorID, func(tx *sql.Tx, u User) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, u.ID); err != nil {
			return fmt.Errorf("db: unable to change the password of %s: %w", u.Name, err)
		}
		var err error
		if ended, err = endSessions(ctx, tx, u.ID, keepSession); err != nil {
			return err
		}
		return d.auditAccount(ctx, tx, o, ActionChangePassword, fmt.Sprintf("change own password and end %d other sessions", ended))
	})
	return ended, err
}
