package auth

import "testing"

// TestScope: the one read scope — everything for admins and auditors, a
// donor for recorders, a county for partners, nothing for a principal of
// no known role — and what it allows, covers and narrows.
func TestScope(t *testing.T) {
	t.Parallel()
	admin, auditor := Principal{Role: RoleAdmin}, Principal{Role: RoleAuditor}
	recorder := Principal{Role: RoleRecorder, DonorCode: "D1"}
	partner := Principal{Role: RolePartner, PartnerCode: "632624"}
	stranger := Principal{Role: "guest", DonorCode: "D1"}
	for _, c := range []struct {
		p                     Principal
		everything            bool
		d1, d1Other, d2, d2P1 bool // Allows (D1, 632624), (D1, 610927), (D2, 610927), (D2, 632624)
		coversD1, coversD2    bool
	}{
		{admin, true, true, true, true, true, true, true},
		{auditor, true, true, true, true, true, true, true},
		{recorder, false, true, true, false, false, true, false},
		{partner, false, true, false, false, true, false, false},
		{stranger, false, false, false, false, false, false, false},
	} {
		s := c.p.Scope()
		got := []bool{s.Everything(), s.Allows("D1", "632624"), s.Allows("D1", "610927"), s.Allows("D2", "610927"),
			s.Allows("D2", "632624"), s.CoversDonor("D1"), s.CoversDonor("D2")}
		want := []bool{c.everything, c.d1, c.d1Other, c.d2, c.d2P1, c.coversD1, c.coversD2}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: check %d = %v, want %v (scope %+v)", c.p.Role, i, got[i], want[i], s)
			}
		}
		if c.p.CanRead("D1", "632624") != c.d1 {
			t.Errorf("%s: CanRead differs from its scope", c.p.Role)
		}
	}
	if d, p := recorder.Scope().Narrow("D2", "610927"); d != "D1" || p != "610927" {
		t.Errorf("a recorder's query narrowed to %s/%s, want D1/610927", d, p)
	}
	if d, p := partner.Scope().Narrow("D2", ""); d != "D2" || p != "632624" {
		t.Errorf("a partner's query narrowed to %s/%s, want D2/632624", d, p)
	}
	if d, p := admin.Scope().Narrow("", "610927"); d != "" || p != "610927" {
		t.Errorf("an admin's query narrowed to %s/%s", d, p)
	}
}
