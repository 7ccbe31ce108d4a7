package lb

import "testing"

func TestValidUserName(t *testing.T) {
	long := make([]byte, MaxUserNameLen+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"alice", true}, {"A.b-c_9", true}, {string(long[:MaxUserNameLen]), true},
		{"", false}, {string(long), false}, {"al ice", false}, {"élodie", false}, {"a/b", false}, {"<b>", false},
	} {
		if got := ValidUserName(tc.name); got != tc.want {
			t.Errorf("ValidUserName(%q) = %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestRoleOrder(t *testing.T) {
	for _, tt := range []struct {
		role, min Role
		want      bool
	}{
		{RoleViewer, RoleViewer, true}, {RoleViewer, RoleOperator, false}, {RoleViewer, RoleAdmin, false},
		{RoleOperator, RoleViewer, true}, {RoleOperator, RoleOperator, true}, {RoleOperator, RoleAdmin, false},
		{RoleAdmin, RoleViewer, true}, {RoleAdmin, RoleOperator, true}, {RoleAdmin, RoleAdmin, true},
		{"root", RoleViewer, false}, {"", RoleViewer, false}, {RoleAdmin, "root", false},
	} {
		if got := tt.role.AtLeast(tt.min); got != tt.want {
			t.Errorf("%q.AtLeast(%q) = %v; want %v", tt.role, tt.min, got, tt.want)
		}
	}
	for role, want := range map[Role]bool{RoleViewer: false, RoleOperator: true, RoleAdmin: true, "Admin": false} {
		if got := role.CanChange(); got != want {
			t.Errorf("%q.CanChange() = %v; want %v", role, got, want)
		}
	}
}

func TestParseRole(t *testing.T) {
	if r, err := ParseRole("operator"); r != RoleOperator || err != nil {
		t.Errorf("ParseRole(operator) = %q, %v", r, err)
	}
	if _, err := ParseRole("superuser"); ErrorKind(err) != KindInvalid {
		t.Errorf("ParseRole(superuser) = %v; want an invalid Role error", err)
	}
}
