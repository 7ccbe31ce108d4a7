package lb

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func intp(n int) *int       { return &n }
func strp(s string) *string { return &s }

// checkErr fails the test unless err is a domain error of the given kind about the given field.
// An empty kind means that no error is wanted.
func checkErr(t *testing.T, err error, kind Kind, field string) {
	t.Helper()
	if kind == "" {
		if err != nil {
			t.Fatalf("got error %q, want none", err)
		}
		return
	}
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("got error %v (%T), want a %s error about %s", err, err, kind, field)
	}
	if e.Kind != kind || e.Field != field {
		t.Fatalf("got a %s error about %s (%q), want a %s error about %s", e.Kind, e.Field, e.Message, kind, field)
	}
	if e.Message == "" {
		t.Errorf("the %s error about %s has no message", e.Kind, e.Field)
	}
}

func TestCheckWeight(t *testing.T) {
	tests := []struct {
		name   string
		weight int
		kind   Kind
	}{
		{"WeightZeroAllowed", 0, ""},
		{"WeightFiftyAllowed", 50, ""},
		{"Weight100Allowed", 100, ""},
		{"WeightBelowZeroRefused", -1, KindInvalid},
		{"WeightAbove100Refused", 101, KindInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, CheckWeight(tc.weight), tc.kind, FieldWeight)
		})
	}
}

func TestCheckPort(t *testing.T) {
	tests := []struct {
		name string
		port int
		kind Kind
	}{
		{"Port1Allowed", 1, ""},
		{"Port80Allowed", 80, ""},
		{"Port65535Allowed", 65535, ""},
		{"PortZeroRefused", 0, KindInvalid},
		{"NegativePortRefused", -80, KindInvalid},
		{"PortAbove65535Refused", 65536, KindInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, CheckPort(tc.port), tc.kind, FieldPort)
		})
	}
}

func TestCheckDescription(t *testing.T) {
	tests := []struct {
		name  string
		desc  string
		limit int
		kind  Kind
	}{
		{"EmptyDescriptionAllowed", "", MaxDescriptionLen, ""},
		{"EightyCharsAllowed", strings.Repeat("a", 80), MaxDescriptionLen, ""},
		{"EightyOneCharsRefused", strings.Repeat("a", 81), MaxDescriptionLen, KindInvalid},
		{"EightyTwoByteRunesAllowed", strings.Repeat("é", 80), MaxDescriptionLen, ""},
		{"EightyOneTwoByteRunesRefused", strings.Repeat("é", 81), MaxDescriptionLen, KindInvalid},
		{"EightyChineseCharsAllowed", strings.Repeat("负载均衡", 20), MaxDescriptionLen, ""},
		{"TwoHundredFiftyFiveCharsAllowedWithRESTLimit", strings.Repeat("n", 255), MaxNameLen, ""},
		{"TwoHundredFiftySixCharsRefusedWithRESTLimit", strings.Repeat("n", 256), MaxNameLen, KindInvalid},
		{"InvalidUTF8Refused", "web\xff", MaxDescriptionLen, KindInvalid},
		{"TruncatedRuneRefused", "web\xe4\xb8", MaxDescriptionLen, KindInvalid},
		{"NULRefused", "web\x00prod", MaxDescriptionLen, KindInvalid},
		{"LineBreakRefused", "web\nprod", MaxDescriptionLen, KindInvalid},
		{"RightToLeftOverrideRefused", "web\u202eprod", MaxDescriptionLen, KindInvalid},
		{"LeftToRightEmbeddingRefused", "\u202aweb", MaxDescriptionLen, KindInvalid},
		{"PopDirectionalFormattingRefused", "web\u202c", MaxDescriptionLen, KindInvalid},
		{"RightToLeftIsolateRefused", "web\u2067prod", MaxDescriptionLen, KindInvalid},
		{"PopDirectionalIsolateRefused", "web\u2069", MaxDescriptionLen, KindInvalid},
		{"RightToLeftMarkRefused", "web\u200fprod", MaxDescriptionLen, KindInvalid},
		{"ArabicTextAllowed", "خادم الويب", MaxDescriptionLen, ""},
		{"HebrewTextAllowed", "שרת אינטרנט 1", MaxDescriptionLen, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, CheckDescription(tc.desc, tc.limit), tc.kind, FieldDescription)
		})
	}
}

func TestCheckDescriptionNamesTheBidiControl(t *testing.T) {
	err := CheckDescription("evil\u202egnp.exe", MaxDescriptionLen)
	want := "description holds the bidirectional control U+202E, which reorders how the text around it is shown: remove it"
	if err == nil || err.Error() != want {
		t.Errorf("got %v;\nwant %s", err, want)
	}
}

func TestParseIPv4(t *testing.T) {
	tests := []struct {
		name string
		in   string
		kind Kind
		msg  string // part of the message, for refusals
	}{
		{"IPv4Allowed", "10.0.1.5", "", ""},
		{"IPv4BroadcastAllowed", "255.255.255.255", "", ""},
		{"IPv6Refused", "2001:db8::1", KindInvalid, "not an IPv4"},
		{"IPv4MappedIPv6Refused", "::ffff:10.0.1.5", KindInvalid, "not an IPv4"},
		{"GarbageRefused", "web-1.example", KindInvalid, "not an IPv4"},
		{"EmptyRefused", "", KindInvalid, "not an IPv4"},
		{"OctetAbove255Refused", "10.0.1.256", KindInvalid, "not an IPv4"},
		{"ThreeOctetsRefused", "10.0.1", KindInvalid, "not an IPv4"},
		{"LongerThan64CharsRefused", strings.Repeat("1", 65), KindInvalid, "65 characters"},
		{"LongerThan64CharsRefusedBeforeParsing", "10.0.1.5" + strings.Repeat(" ", 57), KindInvalid, "65 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseIPv4(tc.in)
			checkErr(t, err, tc.kind, FieldAddress)
			if tc.kind != "" {
				if !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("message %q does not say %q", err, tc.msg)
				}
				return
			}
			if got := a.String(); got != tc.in {
				t.Errorf("got %s, want %s", got, tc.in)
			}
		})
	}
}

func TestCheckAddressInSubnet(t *testing.T) {
	vsw1 := Subnet{ID: "vsw-1", VpcID: "vpc-1", CIDR: "10.0.1.0/24"}
	tests := []struct {
		name   string
		addr   string
		subnet Subnet
		kind   Kind
		field  string
	}{
		{"AddressInsideSubnetAllowed", "10.0.1.5", vsw1, "", ""},
		{"FirstHostAddressAllowed", "10.0.1.1", vsw1, "", ""},
		{"LastHostAddressAllowed", "10.0.1.254", vsw1, "", ""},
		{"NetworkAddressRefused", "10.0.1.0", vsw1, KindInvalid, FieldAddress},
		{"BroadcastAddressRefused", "10.0.1.255", vsw1, KindInvalid, FieldAddress},
		{"NetworkAddressOfUnmaskedCIDRRefused", "10.0.1.0", Subnet{ID: "vsw-u", CIDR: "10.0.1.77/24"}, KindInvalid, FieldAddress},
		{"SlashThirtyHostsAllowed", "10.0.3.5", Subnet{ID: "vsw-30", CIDR: "10.0.3.4/30"}, "", ""},
		{"SlashThirtyNetworkRefused", "10.0.3.4", Subnet{ID: "vsw-30", CIDR: "10.0.3.4/30"}, KindInvalid, FieldAddress},
		{"SlashThirtyBroadcastRefused", "10.0.3.7", Subnet{ID: "vsw-30", CIDR: "10.0.3.4/30"}, KindInvalid, FieldAddress},
		{"SlashThirtyOneFirstAllowed", "10.0.3.8", Subnet{ID: "vsw-31", CIDR: "10.0.3.8/31"}, "", ""},
		{"SlashThirtyOneSecondAllowed", "10.0.3.9", Subnet{ID: "vsw-31", CIDR: "10.0.3.8/31"}, "", ""},
		{"SlashThirtyTwoItsAddressAllowed", "10.0.3.10", Subnet{ID: "vsw-32", CIDR: "10.0.3.10/32"}, "", ""},
		{"SlashThirtyTwoOtherAddressRefused", "10.0.3.11", Subnet{ID: "vsw-32", CIDR: "10.0.3.10/32"}, KindInvalid, FieldAddress},
		{"SlashZeroBroadcastRefused", "255.255.255.255", Subnet{ID: "vsw-all", CIDR: "0.0.0.0/0"}, KindInvalid, FieldAddress},
		{"SlashZeroHostAllowed", "10.0.1.5", Subnet{ID: "vsw-all", CIDR: "0.0.0.0/0"}, "", ""},
		{"AddressOutsideSubnetRefused", "10.0.2.5", vsw1, KindInvalid, FieldAddress},
		{"IPv6AddressRefused", "2001:db8::1", vsw1, KindInvalid, FieldAddress},
		{"GarbageAddressRefused", "ten.zero.one.five", vsw1, KindInvalid, FieldAddress},
		{"SubnetWithoutValidCIDRRefused", "10.0.1.5", Subnet{ID: "vsw-x", CIDR: "nonsense"}, KindInvalid, FieldSubnetID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, CheckAddressInSubnet(tc.addr, tc.subnet), tc.kind, tc.field)
		})
	}
}

func TestCheckAddressInSubnetNamesTheHostRange(t *testing.T) {
	sn := Subnet{ID: "vsw-1", CIDR: "10.0.1.0/24"}
	for addr, want := range map[string]string{
		"10.0.1.0":   "address 10.0.1.0 is the network address of subnet vsw-1 (10.0.1.0/24), not a host: use one from 10.0.1.1 to 10.0.1.254",
		"10.0.1.255": "address 10.0.1.255 is the broadcast address of subnet vsw-1 (10.0.1.0/24), not a host: use one from 10.0.1.1 to 10.0.1.254",
	} {
		if err := CheckAddressInSubnet(addr, sn); err == nil || err.Error() != want {
			t.Errorf("CheckAddressInSubnet(%s) = %v;\nwant %s", addr, err, want)
		}
	}
}

func TestCheckWritable(t *testing.T) {
	tests := []struct {
		name   string
		status LBStatus
		kind   Kind
	}{
		{"ActiveLoadBalancerAccepts", LBActive, ""},
		{"InactiveLoadBalancerAccepts", LBInactive, ""},
		{"LockedLoadBalancerRefuses", LBLocked, KindForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, CheckWritable(LoadBalancer{ID: "lb-1", Status: tc.status}), tc.kind, FieldLoadBalancer)
		})
	}
}

func TestCheckBatchSize(t *testing.T) {
	tests := []struct {
		name     string
		n, limit int
		kind     Kind
	}{
		{"NoEntriesAllowed", 0, MaxSLBEntries, ""},
		{"TwentyEntriesAllowedWhenLimitIs20", 20, MaxSLBEntries, ""},
		{"TwentyOneEntriesRefusedWhenLimitIs20", 21, MaxSLBEntries, KindTooMany},
		{"TwoHundredAllowedWhenLimitIs200", 200, MaxRESTEntries, ""},
		{"TwoHundredOneRefusedWhenLimitIs200", 201, MaxRESTEntries, KindTooMany},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, CheckBatchSize(tc.n, tc.limit), tc.kind, FieldEntries)
		})
	}
}

func TestErrorKind(t *testing.T) {
	conflict := Errorf(KindConflict, FieldServerID, "i-1 is already in group %s", "rsp-1")
	stale := Errorf(KindConflict, FieldVersion, "the group changed")
	tests := []struct {
		name    string
		err     error
		kind    Kind
		isError bool
		stale   bool
	}{
		{"NilHasNoKind", nil, "", false, false},
		{"PlainErrorHasNoKind", errors.New("disk full"), "", false, false},
		{"DomainErrorHasItsKind", conflict, KindConflict, true, false},
		{"WrappedDomainErrorHasItsKind", fmt.Errorf("db: unable to apply: %w", conflict), KindConflict, true, false},
		{"VersionConflictIsStale", stale, KindConflict, true, true},
		{"WrappedVersionConflictIsStale", fmt.Errorf("db: %w", stale), KindConflict, true, true},
		{"InvalidVersionIsNotStale", Errorf(KindInvalid, FieldVersion, "bad version"), KindInvalid, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorKind(tc.err); got != tc.kind {
				t.Errorf("ErrorKind = %q, want %q", got, tc.kind)
			}
			if _, got := AsError(tc.err); got != tc.isError {
				t.Errorf("AsError ok = %v, want %v", got, tc.isError)
			}
			if got := IsStale(tc.err); got != tc.stale {
				t.Errorf("IsStale = %v, want %v", got, tc.stale)
			}
		})
	}
	t.Run("ErrorfFormatsMessage", func(t *testing.T) {
		if got, want := conflict.Error(), "i-1 is already in group rsp-1"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestValidNames(t *testing.T) {
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"TypeECSValid", TypeECS.Valid(), true},
		{"TypeENIValid", TypeENI.Valid(), true},
		{"TypeECIValid", TypeECI.Valid(), true},
		{"EmptyTypeInvalid", ServerType("").Valid(), false},
		{"UpperCaseTypeInvalid", ServerType("ECS").Valid(), false},
		{"UnknownTypeInvalid", ServerType("vm").Valid(), false},
		{"ActionRemoveValid", ActionRemove.Valid(), true},
		{"ActionAddValid", ActionAdd.Valid(), true},
		{"ActionReplaceValid", ActionReplace.Valid(), true},
		{"ActionReplaceAllValid", ActionReplaceAll.Valid(), true},
		{"ActionSetWeightsValid", ActionSetWeights.Valid(), true},
		{"EmptyActionInvalid", Action("").Valid(), false},
		{"RESTDeleteIsNoAction", Action("delete").Valid(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestSpecLabel(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"ServerWithPort", Spec{ServerID: "i-1", Port: 80}, "i-1:80"},
		{"ServerWithoutPort", Spec{ServerID: "i-1"}, "i-1"},
		{"AddressWithPort", Spec{Address: "10.0.1.5", Port: 80}, "10.0.1.5:80"},
		{"MemberID", Spec{MemberID: "abc"}, "member abc"},
		{"ServerIDBeforeMemberID", Spec{MemberID: "abc", ServerID: "i-1"}, "i-1"},
		{"NothingGiven", Spec{}, "entry"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.spec.Label(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBatchSizeCountsBothLists(t *testing.T) {
	b := Batch{Old: make([]Spec, 2), New: make([]Spec, 3)}
	if got := b.Size(); got != 5 {
		t.Errorf("got %d, want 5", got)
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewUUIDIsVersion4(t *testing.T) {
	seen := make(map[string]bool)
	for range 100 {
		id := NewUUID()
		if !uuidV4.MatchString(id) {
			t.Fatalf("%q is not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("%q came twice", id)
		}
		seen[id] = true
	}
}

func TestUUIDFrom(t *testing.T) {
	tests := []struct {
		name  string
		bytes []byte
		want  string
	}{
		{"ZeroBytesGetVersionAndVariant", make([]byte, 16), "00000000-0000-4000-8000-000000000000"},
		{"AllOnesKeepVersionAndVariant", bytes.Repeat([]byte{0xff}, 16), "ffffffff-ffff-4fff-bfff-ffffffffffff"},
		{"CountingBytes", []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, "00010203-0405-4607-8809-0a0b0c0d0e0f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := UUIDFrom(bytes.NewReader(tc.bytes))
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			if !uuidV4.MatchString(got) {
				t.Errorf("%q is not a version 4 UUID", got)
			}
			if again := UUIDFrom(bytes.NewReader(tc.bytes)); again != got {
				t.Errorf("same bytes gave %s, then %s", got, again)
			}
		})
	}
	t.Run("ShortReaderPanics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Errorf("UUIDFrom did not panic on a reader with 3 bytes")
			}
		}()
		UUIDFrom(bytes.NewReader([]byte{1, 2, 3}))
	})
}

func TestIDFrom(t *testing.T) {
	counting := make([]byte, 20)
	for i := range counting {
		counting[i] = byte(i)
	}
	tests := []struct {
		name   string
		prefix string
		bytes  []byte
		want   string
	}{
		{"CountingBytesSpellTheAlphabet", "lb-", counting, "lb-0123456789abcdefghij"},
		{"ZeroBytes", "i-", make([]byte, 20), "i-00000000000000000000"},
		{"BytesWrapAroundTheAlphabet", "rsp-", append([]byte{35, 36, 37, 255}, make([]byte, 16)...), "rsp-z013" + strings.Repeat("0", 16)},
		{"EmptyPrefix", "", counting, "0123456789abcdefghij"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := IDFrom(bytes.NewReader(tc.bytes), tc.prefix)
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			if again := IDFrom(bytes.NewReader(tc.bytes), tc.prefix); again != got {
				t.Errorf("same bytes gave %s, then %s", got, again)
			}
		})
	}
}

func TestNewIDShape(t *testing.T) {
	shape := regexp.MustCompile(`^lb-[0-9a-z]{20}$`)
	seen := make(map[string]bool)
	for range 100 {
		id := NewID("lb-")
		if !shape.MatchString(id) {
			t.Fatalf("%q is not shaped like lb- and 20 lowercase letters and digits", id)
		}
		if seen[id] {
			t.Fatalf("%q came twice", id)
		}
		seen[id] = true
	}
}
