// Package auth holds who may do what: roles, scopes, API tokens (stored
// hashed) and the Principal every command is recorded under.
package auth

import "slices"

// Role is what a principal may do.
type Role string

// Roles.
const (
	// RoleAdmin may do everything.
	RoleAdmin Role = "admin"
	// RoleRecorder writes events for the pairings of its donor code and
	// reads them.
	RoleRecorder Role = "recorder"
	// RoleAuditor reads everything and writes nothing.
	RoleAuditor Role = "auditor"
	// RolePartner reads the events of its partner county and may confirm
	// the receipt of funds sent to it.
	RolePartner Role = "partner"
)

// Roles lists every valid role.
var Roles = []Role{RoleAdmin, RoleRecorder, RoleAuditor, RolePartner}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Principal is an authenticated caller.
type Principal struct {
	// Name identifies the caller in every event it records ("actor").
	Name string
	Role Role
	// DonorCode scopes a recorder; PartnerCode scopes a partner.
	DonorCode   string
	PartnerCode string
}

// System is the principal of what the ledger does of itself (the demo
// setting itself up, tests): never a person's.
var System = Principal{Name: "aidledger", Role: RoleAdmin}

// CommandLine is the principal of an administrator acting through the
// aidledger command on the server (who may run it is the machine's
// business): its name says so and which OS user ran it.
func CommandLine(osUser string) Principal {
	return Principal{Name: "command line (" + osUser + ")", Role: RoleAdmin}
}

// Actor is the string recorded in event metadata: "name (role)".
func (p Principal) Actor() string { return p.Name + " (" + string(p.Role) + ")" }

// CanWrite reports whether p may record events for a pairing of donor.
func (p Principal) CanWrite(donor string) bool {
	return p.Role == RoleAdmin || (p.Role == RoleRecorder && p.DonorCode == donor)
}

// CanConfirmReceipt reports whether p may confirm receipts for partner.
func (p Principal) CanConfirmReceipt(partner string) bool {
	return p.Role == RoleAdmin || (p.Role == RolePartner && p.PartnerCode == partner)
}

// Scope is what a principal may read: the events, entries and figures of
// the pairings of DonorCode (when set) and of PartnerCode (when set). The
// zero Scope is everything.
type Scope struct {
	DonorCode, PartnerCode string
}

// noone is the scope of a principal of no known role: a donor code no unit
// can have (codes are checked: no NUL), so it matches nothing.
const noone = "\x00"

// Scope is the one place that decides what p may read, which every read of
// the API and the web applies (as a filter on a query, or with Allows):
// admins and auditors everything, a recorder its donor's pairings, a
// partner its county's, anyone else nothing.
func (p Principal) Scope() Scope {
	switch p.Role {
	case RoleAdmin, RoleAuditor:
		return Scope{}
	case RoleRecorder:
		return Scope{DonorCode: p.DonorCode}
	case RolePartner:
		return Scope{PartnerCode: p.PartnerCode}
	}
	return Scope{DonorCode: noone}
}

// Allows reports whether s covers a pairing (or an event of one) of donor
// and partner.
func (s Scope) Allows(donor, partner string) bool {
	return (s.DonorCode == "" || s.DonorCode == donor) && (s.PartnerCode == "" || s.PartnerCode == partner)
}

// Everything reports whether s is the whole ledger (admins, auditors).
func (s Scope) Everything() bool { return s == Scope{} }

// CoversDonor reports whether s covers every pairing of donor: what a
// donor-wide read (its balances, its year-end summary) needs.
func (s Scope) CoversDonor(donor string) bool {
	return (s.DonorCode == "" || s.DonorCode == donor) && s.PartnerCode == ""
}

// Narrow applies s to the donor and partner a query asks for (each "" for
// any): the scope's own codes replace the query's.
func (s Scope) Narrow(donor, partner string) (string, string) {
	if s.DonorCode != "" {
		donor = s.DonorCode
	}
	if s.PartnerCode != "" {
		partner = s.PartnerCode
	}
	return donor, partner
}

// CanRead reports whether p may read events of a pairing of donor and
// partner (p.Scope().Allows).
func (p Principal) CanRead(donor, partner string) bool { return p.Scope().Allows(donor, partner) }

// Writes reports whether p's role may write at all (every role but auditor).
func (p Principal) Writes() bool { return p.Role != RoleAuditor }
