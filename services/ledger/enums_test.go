package ledger

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/events"
)

// TestEnumTagsAreTheEnums: the `enum` tags that give the API schema its
// allowed values list exactly the values of the events enum of the field.
func TestEnumTagsAreTheEnums(t *testing.T) {
	t.Parallel()
	enums := map[reflect.Type][]string{
		reflect.TypeFor[events.Programme]():           strs(events.Programmes),
		reflect.TypeFor[events.SourceLevel]():         strs(events.SourceLevels),
		reflect.TypeFor[events.ReversalReason]():      strs(events.ReversalReasons),
		reflect.TypeFor[events.DonationKind]():        strs(events.DonationKinds),
		reflect.TypeFor[events.DonorType]():           strs(events.DonorTypes),
		reflect.TypeFor[events.Channel]():             strs(events.Channels),
		reflect.TypeFor[events.StaffCategory]():       strs(events.StaffCategories),
		reflect.TypeFor[events.VisitDirection]():      strs(events.VisitDirections),
		reflect.TypeFor[events.DeliveryMode]():        strs(events.DeliveryModes),
		reflect.TypeFor[events.ProjectStatus]():       strs(events.ProjectStatuses),
		reflect.TypeFor[events.LabourDestination]():   strs(events.LabourDestinations),
		reflect.TypeFor[events.TrainingKind]():        strs(events.TrainingKinds),
		reflect.TypeFor[events.ParkKind]():            strs(events.ParkKinds),
		reflect.TypeFor[events.SecondmentDirection](): strs(events.SecondmentDirections),
	}
	seen := 0
	for _, cmd := range []any{EstablishPairing{}, SetTargets{}, RegisterProject{}, ReportProgress{}, CommitFunds{}, AdjustCommitment{},
		DisburseFunds{}, ReverseDisbursement{}, ConfirmReceipt{}, RecordDonation{}, RecordPurchase{}, RecordSale{},
		StartSecondment{}, EndSecondment{}, RecordVisit{}, ReverseEntry{}, RecordLabourTransfer{}, RecordInvestment{}, RecordTraining{},
		SignAgreement{}, EstablishPark{}, ReportPark{}, EstablishWorkshop{}, ReportWorkshop{}} {
		typ := reflect.TypeOf(cmd)
		for i := range typ.NumField() {
			f := typ.Field(i)
			want, isEnum := enums[f.Type]
			tag, tagged := f.Tag.Lookup("enum")
			switch {
			case isEnum && !tagged:
				t.Errorf("%s.%s is an enum without an enum tag", typ.Name(), f.Name)
			case isEnum && !slices.Equal(strings.Split(tag, ","), want):
				t.Errorf("%s.%s: enum tag %q, events has %v", typ.Name(), f.Name, tag, want)
			case isEnum:
				seen++
			}
		}
	}
	if seen < 14 {
		t.Errorf("only %d enum fields checked", seen)
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
