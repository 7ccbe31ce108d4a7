package lb

import (
	"strings"
	"testing"
)

func TestCheckServerID(t *testing.T) {
	for _, tt := range []struct{ name, id, want string }{
		{"OKInstance", "i-2zej4lxhjoq1icue6kup", ""},
		{"OKInterface", "eni-1", ""},
		{"ErrEmpty", "", "id is empty"},
		{"ErrTooLong", "i-" + strings.Repeat("a", 63), "at most 64"},
		{"ErrPrefix", "vm-1", "must start with i- or eni-"},
		{"ErrOnlyPrefix", "eni-", "nothing after its prefix"},
		{"ErrCharacters", "i-ABC", "lower-case letters, digits and dashes"},
		{"ErrTooShort", "i-", "too short"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckServerID(tt.id)
			if tt.want == "" {
				if err != nil {
					t.Errorf("CheckServerID(%q) = %v; want nil", tt.id, err)
				}
				return
			}
			if e, ok := AsError(err); !ok || e.Kind != KindInvalid || e.Field != FieldServerID || !strings.Contains(e.Message, tt.want) {
				t.Errorf("CheckServerID(%q) = %#v; want an invalid ServerId error saying %q", tt.id, err, tt.want)
			}
		})
	}
}

func TestCheckServerAttributes(t *testing.T) {
	for _, tt := range []struct {
		name, field, want string
		err               error
	}{
		{"ErrNameTooLong", FieldServerName, "129 characters long", CheckServerName(strings.Repeat("é", 129))},
		{"ErrNameControl", FieldServerName, "control character", CheckServerName("web\x07")},
		{"ErrType", FieldType, `type "vm" is not ecs, eni or eci`, CheckServerType("vm")},
		{"ErrStatus", FieldServerStatus, `status "Starting" is not Running or Stopped`, CheckServerStatus("Starting")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if e, ok := AsError(tt.err); !ok || e.Field != tt.field || !strings.Contains(e.Message, tt.want) {
				t.Errorf("got %#v; want a %s error saying %q", tt.err, tt.field, tt.want)
			}
		})
	}
	if err := CheckServerName(strings.Repeat("é", MaxServerNameLen)); err != nil {
		t.Errorf("a name of %d characters: %v", MaxServerNameLen, err)
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("ж", 50)
	if got := Clip(long); got != strings.Repeat("ж", 40)+"…" {
		t.Errorf("Clip of 50 characters = %q; want the first 40 and …", got)
	}
	if got := Clip("short"); got != "short" {
		t.Errorf("Clip(short) = %q", got)
	}
}
