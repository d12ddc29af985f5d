package events

// SummaryGenerated records that a year-end summary (年度总结) was generated,
// so that auditors can see what was published when and reproduce it: the
// report is a pure function of the ledger position, the cut-off and the
// rendering profile, and TextSHA256 fingerprints the rendered output.
type SummaryGenerated struct {
	DonorCode string `json:"donor_code"`
	Year      int    `json:"year"`
	Cutoff    Date   `json:"cutoff"`
	Profile   string `json:"profile"`
	Format    string `json:"format"`
	Lang      string `json:"lang"`
	// Position and ChainHash: the ledger state the report was computed at.
	Position  int64  `json:"position"`
	ChainHash string `json:"chain_hash"`
	// TextSHA256 is the hex SHA-256 of the rendered bytes.
	TextSHA256 string `json:"text_sha256"`
}

// EventType implements Event.
func (SummaryGenerated) EventType() string { return "aid.summary_generated" }

// ReportOrderSet (报表排序): the order in which a donor's pairings appear
// in its year-end summary — paragraph, table, XLSX and web alike. Pairings
// not listed follow, in the order they were established (the order of a
// donor that never set one). It holds from its position on; an empty list
// returns to the default.
type ReportOrderSet struct {
	DonorCode    string   `json:"donor_code"`
	PairingIDs   []string `json:"pairing_ids"`
	BusinessDate Date     `json:"business_date"`
}

// EventType implements Event.
func (ReportOrderSet) EventType() string { return "aid.report_order_set" }

// ReportStyleSet (设置年度总结写法): how a donor's year-end summary is
// written by default — the paragraph's style, "by_pairing" (a clause group
// per pairing) or "by_programme" (a sentence per programme), and the
// lead-in sentence it opens with ("" for none). It holds from its
// position on; a request may still ask for the other style or another
// lead-in.
type ReportStyleSet struct {
	DonorCode    string `json:"donor_code"`
	Paragraph    string `json:"paragraph"`
	Lead         string `json:"lead,omitempty"`
	BusinessDate Date   `json:"business_date"`
}

// EventType implements Event.
func (ReportStyleSet) EventType() string { return "aid.report_style_set" }
