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

// CanRead reports whether p may read events of a pairing of donor and
// partner.
func (p Principal) CanRead(donor, partner string) bool {
	switch p.Role {
	case RoleAdmin, RoleAuditor:
		return true
	case RoleRecorder:
		return p.DonorCode == donor
	case RolePartner:
		return p.PartnerCode == partner
	}
	return false
}

// Writes reports whether p's role may write at all (every role but auditor).
func (p Principal) Writes() bool { return p.Role != RoleAuditor }
