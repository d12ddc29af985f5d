package events

import (
	"errors"
	"fmt"
	"slices"
)

// Programme is the kind of a pairing (结对关系).
type Programme string

// Programmes of counterpart aid.
const (
	ProgrammeEastWest           Programme = "east_west"           // 东西部协作
	ProgrammeCounterpartSupport Programme = "counterpart_support" // 对口支援
	ProgrammeMountainSea        Programme = "mountain_sea"        // 山海协作
	ProgrammeThreeGorges        Programme = "three_gorges"        // 三峡库区
	ProgrammeIntraProvince      Programme = "intra_province"      // 省内
	ProgrammeGrain              Programme = "grain_cooperation"   // 粮食产销合作
	ProgrammeFriendship         Programme = "friendship"          // 友好合作
)

// Programmes lists every valid Programme.
var Programmes = []Programme{ProgrammeEastWest, ProgrammeCounterpartSupport, ProgrammeMountainSea, ProgrammeThreeGorges, ProgrammeIntraProvince,
	ProgrammeGrain, ProgrammeFriendship}

// Valid reports whether p is a known programme.
func (p Programme) Valid() bool { return slices.Contains(Programmes, p) }

// SourceLevel is the level of government whose budget funds a commitment.
type SourceLevel string

// Source levels (区/市/省).
const (
	SourceDistrict SourceLevel = "district"
	SourceCity     SourceLevel = "city"
	SourceProvince SourceLevel = "province"
)

// SourceLevels lists every valid SourceLevel.
var SourceLevels = []SourceLevel{SourceDistrict, SourceCity, SourceProvince}

// Valid reports whether s is a known source level.
func (s SourceLevel) Valid() bool { return slices.Contains(SourceLevels, s) }

// ReversalReason says why money is taken back out of the ledger.
type ReversalReason string

// Reversal reasons.
const (
	// ReasonEntryError neutralises the original in the original's fiscal
	// year: the entry should never have been made (冲正).
	ReasonEntryError ReversalReason = "entry_error"
	// ReasonFundsReturned is real money coming back (资金退回); it counts in
	// the fiscal year of the reversal's own business date.
	ReasonFundsReturned ReversalReason = "funds_returned"
)

// ReversalReasons lists every valid ReversalReason.
var ReversalReasons = []ReversalReason{ReasonEntryError, ReasonFundsReturned}

// Valid reports whether r is a known reason.
func (r ReversalReason) Valid() bool { return slices.Contains(ReversalReasons, r) }

// ErrNoAttribution is returned by AttributedDate for a reversal that lacks
// the date its reason counts it on, or whose reason is unknown.
var ErrNoAttribution = errors.New("reversal cannot be attributed to a date")

// AttributedDate is the business date a reversal counts on, and so its
// fiscal year: the original's date (original) for entry_error — the entry
// should never have been made, so it is undone where it was made — and the
// reversal's own date (own) for funds_returned — money came back that day.
// This is the ledger's one statement of the reversal-year rule.
func (r ReversalReason) AttributedDate(own, original Date) (Date, error) {
	switch r {
	case ReasonEntryError:
		if original.IsZero() {
			return Date{}, fmt.Errorf("%w: entry_error without the original's date", ErrNoAttribution)
		}
		return original, nil
	case ReasonFundsReturned:
		if own.IsZero() {
			return Date{}, fmt.Errorf("%w: funds_returned without a business date", ErrNoAttribution)
		}
		return own, nil
	}
	return Date{}, fmt.Errorf("%w: unknown reason %q", ErrNoAttribution, r)
}

// FreesNaturalKey reports whether a reversal for reason r releases the
// original's number (voucher, receipt or order number) for a corrected
// entry: only an entry_error that takes back all that is left of an
// original (whole) under which no money ever came back (moneyReturned is
// false). A number under which real money moved stays taken for good.
func (r ReversalReason) FreesNaturalKey(whole, moneyReturned bool) bool {
	return r == ReasonEntryError && whole && !moneyReturned
}

// DonationKind is cash or goods (捐款/捐物).
type DonationKind string

// Donation kinds.
const (
	DonationCash   DonationKind = "cash"
	DonationInKind DonationKind = "in_kind"
)

// DonationKinds lists every valid DonationKind.
var DonationKinds = []DonationKind{DonationCash, DonationInKind}

// Valid reports whether k is a known kind.
func (k DonationKind) Valid() bool { return slices.Contains(DonationKinds, k) }

// DonorType classifies the giver of a social donation.
type DonorType string

// Donor types.
const (
	DonorEnterprise DonorType = "enterprise"  // 企业
	DonorSocialOrg  DonorType = "social_org"  // 社会组织
	DonorIndividual DonorType = "individual"  // 个人
	DonorPublicBody DonorType = "public_body" // 机关事业单位
	DonorOther      DonorType = "other"       // 其他
)

// DonorTypes lists every valid DonorType.
var DonorTypes = []DonorType{DonorEnterprise, DonorSocialOrg, DonorIndividual, DonorPublicBody, DonorOther}

// Valid reports whether t is a known donor type.
func (t DonorType) Valid() bool { return slices.Contains(DonorTypes, t) }

// Channel is how a consumption-aid purchase or sale was made. Together with
// the order number it identifies an order: one order is counted once.
type Channel string

// Consumption-aid channels.
const (
	ChannelPlatform832 Channel = "platform_832" // 832平台 (脱贫地区农副产品网络销售平台)
	ChannelFair        Channel = "fair"         // 展销会、博览会
	ChannelCanteen     Channel = "canteen"      // 机关食堂、学校食堂
	ChannelUnion       Channel = "union"        // 工会福利
	ChannelEcommerce   Channel = "ecommerce"    // 电商
	ChannelStore       Channel = "store"        // 消费帮扶专馆、专柜、门店
	ChannelOther       Channel = "other"        // 其他
)

// Channels lists every valid Channel.
var Channels = []Channel{ChannelPlatform832, ChannelFair, ChannelCanteen, ChannelUnion, ChannelEcommerce, ChannelStore, ChannelOther}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// StaffCategory is the kind of person seconded (人才选派).
type StaffCategory string

// Staff categories. Teachers, doctors, agronomists and technicians are
// 专业技术人才; cadres are 党政干部.
const (
	StaffCadre      StaffCategory = "cadre"      // 党政挂职
	StaffTeacher    StaffCategory = "teacher"    // 支教
	StaffDoctor     StaffCategory = "doctor"     // 支医
	StaffAgronomist StaffCategory = "agronomist" // 支农
	StaffTechnician StaffCategory = "technician" // 其他专技
)

// StaffCategories lists every valid StaffCategory.
var StaffCategories = []StaffCategory{StaffCadre, StaffTeacher, StaffDoctor, StaffAgronomist, StaffTechnician}

// Valid reports whether c is a known category.
func (c StaffCategory) Valid() bool { return slices.Contains(StaffCategories, c) }

// Professional reports whether c counts as 专业技术人才.
func (c StaffCategory) Professional() bool { return c != StaffCadre }

// VisitDirection says who travelled.
type VisitDirection string

// Visit directions.
const (
	VisitOutbound VisitDirection = "outbound" // donor side visits the partner (走出去)
	VisitInbound  VisitDirection = "inbound"  // partner side visits the donor (请进来)
)

// VisitDirections lists every valid VisitDirection.
var VisitDirections = []VisitDirection{VisitOutbound, VisitInbound}

// Valid reports whether d is a known direction.
func (d VisitDirection) Valid() bool { return slices.Contains(VisitDirections, d) }

// DeliveryMode is how an aid project is handed over.
type DeliveryMode string

// Delivery modes.
const (
	DeliveryCheque  DeliveryMode = "cheque"  // 交支票
	DeliveryTurnkey DeliveryMode = "turnkey" // 交钥匙
)

// DeliveryModes lists every valid DeliveryMode.
var DeliveryModes = []DeliveryMode{DeliveryCheque, DeliveryTurnkey}

// Valid reports whether m is a known mode.
func (m DeliveryMode) Valid() bool { return slices.Contains(DeliveryModes, m) }

// ProjectStatus is the stage of an aid project.
type ProjectStatus string

// Project statuses, in the order a project moves through them.
const (
	ProjectNotStarted ProjectStatus = "not_started" // 未开工
	ProjectInProgress ProjectStatus = "in_progress" // 在建
	ProjectCompleted  ProjectStatus = "completed"   // 完工
	ProjectAccepted   ProjectStatus = "accepted"    // 已验收
)

// ProjectStatuses lists every valid ProjectStatus in order.
var ProjectStatuses = []ProjectStatus{ProjectNotStarted, ProjectInProgress, ProjectCompleted, ProjectAccepted}

// Valid reports whether s is a known status.
func (s ProjectStatus) Valid() bool { return slices.Contains(ProjectStatuses, s) }

// Done reports whether the project counts as completed (完工 or 已验收).
func (s ProjectStatus) Done() bool { return s == ProjectCompleted || s == ProjectAccepted }

// ProjectTier is the level of government that approved an aid project
// (项目层级).
type ProjectTier string

// Project tiers.
const (
	TierNational   ProjectTier = "national"   // 国家级
	TierProvincial ProjectTier = "provincial" // 省级
	TierMunicipal  ProjectTier = "municipal"  // 市级
	TierCounty     ProjectTier = "county"     // 县级
)

// ProjectTiers lists every valid ProjectTier.
var ProjectTiers = []ProjectTier{TierNational, TierProvincial, TierMunicipal, TierCounty}

// Valid reports whether t is a known tier.
func (t ProjectTier) Valid() bool { return slices.Contains(ProjectTiers, t) }

// LabourDestination is where transferred workers found work (劳务协作).
type LabourDestination string

// Labour destinations.
const (
	LabourDonorArea LabourDestination = "donor_area" // 到援助方就业
	LabourOtherEast LabourDestination = "other_east" // 到其他东部地区就业
	LabourNearHome  LabourDestination = "near_home"  // 就地就近就业
)

// LabourDestinations lists every valid LabourDestination.
var LabourDestinations = []LabourDestination{LabourDonorArea, LabourOtherEast, LabourNearHome}

// Valid reports whether d is a known destination.
func (d LabourDestination) Valid() bool { return slices.Contains(LabourDestinations, d) }

// TrainingKind is who a training is for (干部人才培训).
type TrainingKind string

// Training kinds.
const (
	TrainingCadre        TrainingKind = "cadre"         // 党政干部培训
	TrainingTechnical    TrainingKind = "technical"     // 专业技术人才培训
	TrainingLabourSkills TrainingKind = "labour_skills" // 劳动力技能培训
)

// TrainingKinds lists every valid TrainingKind.
var TrainingKinds = []TrainingKind{TrainingCadre, TrainingTechnical, TrainingLabourSkills}

// Valid reports whether k is a known kind.
func (k TrainingKind) Valid() bool { return slices.Contains(TrainingKinds, k) }

// ParkKind is how a co-built park is set up.
type ParkKind string

// Park kinds.
const (
	ParkCoBuilt ParkKind = "co_built_park" // 共建园区 (in the partner area)
	ParkEnclave ParkKind = "enclave"       // 飞地园区 (in the donor's area, returns to the partner)
)

// ParkKinds lists every valid ParkKind.
var ParkKinds = []ParkKind{ParkCoBuilt, ParkEnclave}

// Valid reports whether k is a known kind.
func (k ParkKind) Valid() bool { return slices.Contains(ParkKinds, k) }

// SecondmentDirection says which way a person was seconded.
type SecondmentDirection string

// Secondment directions.
const (
	SecondedOutbound SecondmentDirection = "outbound" // 东部派出 to the partner side
	SecondedInbound  SecondmentDirection = "inbound"  // 西部来挂职、跟岗 at the donor side
)

// SecondmentDirections lists every valid SecondmentDirection.
var SecondmentDirections = []SecondmentDirection{SecondedOutbound, SecondedInbound}

// Valid reports whether d is a known direction.
func (d SecondmentDirection) Valid() bool { return slices.Contains(SecondmentDirections, d) }
