package importer_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/importer"
	"github.com/aidledger/aidledger/services/testkit/demoenv"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var recorder = auth.Principal{Name: "临安区财政局", Role: auth.RoleRecorder, DonorCode: demoenv.Linan}

// pairingOf returns a pairing id of the donor.
func pairingOf(t testing.TB, env *demoenv.Env, donor string) string {
	t.Helper()
	var id string
	if err := env.Pool.QueryRow(t.Context(), `SELECT e.entity_id FROM entities e JOIN events v ON v.stream_id = e.stream_id
		WHERE e.kind = 'pairing' AND v.donor_code = $1 ORDER BY v.position LIMIT 1`, donor).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// purchases fills the purchase template with n rows for pairing; bad
// lists rows (2-based, as in the sheet) made invalid.
func purchases(t testing.TB, pairing string, n int, bad map[int]string) []byte {
	t.Helper()
	tmpl, err := importer.Template("purchase", "xlsx", importer.References{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter("导入数据")
	if err != nil {
		t.Fatal(err)
	}
	head, _ := f.GetRows("导入数据")
	hdr := make([]any, len(head[0]))
	for i, h := range head[0] {
		hdr[i] = h
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		row := i + 2
		amount := any(float64(100+i%900) + 0.5) // a number cell, in yuan
		completed := any(time.Date(2025, time.Month(1+i%11), 1+i%28, 0, 0, 0, 0, time.UTC))
		channel, pairingCell := "832平台", pairing
		switch bad[row] {
		case "amount":
			amount = "12.345"
		case "date":
			completed = "2025-02-30"
		case "channel":
			channel = "夜市"
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, []any{pairingCell, "临安区机关食堂", "白玉县农产品合作社", "513331", "牦牛肉干", "10", "箱", amount, channel,
			fmt.Sprintf("832-%06d", i), completed}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func head(t testing.TB, env *demoenv.Env) int64 {
	t.Helper()
	h, _, err := env.Store.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func run(t testing.TB, env *demoenv.Env, file []byte, opts importer.Options) *importer.Result {
	t.Helper()
	rows, err := importer.Read(file)
	if err != nil {
		t.Fatal(err)
	}
	res, err := importer.Import(t.Context(), env.Store, testenv.Ledger(t, env.Store), recorder, "purchase", rows, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestImportIsIdempotentAndAllOrNothing(t *testing.T) {
	t.Parallel()
	env := demoenv.New(t)
	pairing := pairingOf(t, env, demoenv.Linan)
	start := head(t, env)

	// Three bad rows: the dry run names exactly those, and writes nothing.
	bad := map[int]string{7: "amount", 40: "date", 199: "channel"}
	file := purchases(t, pairing, 300, bad)
	res := run(t, env, file, importer.Options{DryRun: true})
	if res.Rows != 300 || res.Bad != 3 || res.Committed || head(t, env) != start {
		t.Fatalf("dry run: %+v, head %d→%d", res, start, head(t, env))
	}
	for i, want := range []struct {
		row    int
		column string
	}{{7, "金额(元)*"}, {40, "完成日期*"}, {199, "渠道*"}} {
		if p := res.Problems[i]; p.Row != want.row || p.Column != want.column || p.MessageZh == "" || p.Message == "" {
			t.Errorf("problem %d: %+v, want row %d column %s", i, p, want.row, want.column)
		}
	}
	// All or nothing: with bad rows nothing is written.
	if res := run(t, env, file, importer.Options{}); res.Committed || res.Bad != 3 || head(t, env) != start {
		t.Fatalf("atomic import with bad rows: %+v", res)
	}
	// Skipping bad rows writes the rest; importing again writes nothing.
	res = run(t, env, file, importer.Options{SkipBad: true})
	if !res.Committed || res.New != 297 || res.Bad != 3 || head(t, env) != start+297 {
		t.Fatalf("import skipping bad rows: %+v, head %d", res, head(t, env))
	}
	res = run(t, env, file, importer.Options{SkipBad: true})
	if res.Committed || res.New != 0 || res.Replayed != 297 || head(t, env) != start+297 {
		t.Fatalf("second import: %+v", res)
	}
	// Fixing the bad rows and importing again adds just them.
	res = run(t, env, purchases(t, pairing, 300, nil), importer.Options{})
	if !res.Committed || res.New != 3 || res.Replayed != 297 || res.Bad != 0 {
		t.Fatalf("import of the corrected file: %+v", res)
	}
	// An order number taken by an earlier row of another file is refused.
	dup := purchases(t, pairing, 1, nil)
	rows, _ := importer.Read(dup)
	rows[1][7] = "999"
	res, err := importer.Import(t.Context(), env.Store, testenv.Ledger(t, env.Store), recorder, "purchase", rows, importer.Options{DryRun: true})
	if err != nil || res.Bad != 1 || res.Problems[0].Code != "duplicate_order" {
		t.Fatalf("duplicate order: %+v %v", res, err)
	}
	// One order number taken in the ledger, one twice in the file: both
	// found, each at its row, in a dry run as in a real import.
	rows, _ = importer.Read(purchases(t, pairing, 3, nil))
	rows[1][7] = "55" // row 2: order 832-000000, imported before with another amount
	rows[2][9], rows[3][9] = "fresh-order", "fresh-order"
	rows[3][7] = "77"
	for _, dry := range []bool{true, false} {
		res, err = importer.Import(t.Context(), env.Store, testenv.Ledger(t, env.Store), recorder, "purchase", rows, importer.Options{DryRun: dry})
		if err != nil || res.Bad != 2 || res.Committed || res.Problems[0].Row != 2 || res.Problems[1].Row != 4 ||
			res.Problems[0].Code != "duplicate_order" || res.Problems[1].Code != "duplicate_order" {
			t.Fatalf("dry run %v: %+v %v", dry, res, err)
		}
	}
}

func TestImportRefusesAMismatchedHeader(t *testing.T) {
	t.Parallel()
	env := demoenv.New(t)
	l := testenv.Ledger(t, env.Store)
	for _, rows := range [][][]string{
		{{"结对关系*", "采购单位*", "颜色"}},
		{{"结对关系*"}},
		{},
	} {
		if _, err := importer.Import(t.Context(), env.Store, l, recorder, "purchase", rows, importer.Options{}); err == nil {
			t.Errorf("header %v accepted", rows)
		}
	}
	if _, err := importer.Import(t.Context(), env.Store, l, recorder, "pairing", [][]string{{"x"}}, importer.Options{}); err == nil {
		t.Error("an import type that is not one accepted")
	}
	// A CSV with English headers and a tab separator works too.
	pairing := pairingOf(t, env, demoenv.Linan)
	csv := "\ufeffPairing\tBuyer\tSupplier\tProduct\tAmount (yuan)\tChannel\tOrder no.\tCompleted on\n" +
		pairing + "\t食堂\t合作社\t青稞\t1,234.56\tfair\tF-1\t2025/6/1\n"
	rows, err := importer.Read([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	res, err := importer.Import(t.Context(), env.Store, l, recorder, "purchase", rows, importer.Options{})
	if err != nil || !res.Committed || res.New != 1 {
		t.Fatalf("CSV import: %+v %v", res, err)
	}
	if !strings.Contains(string(mustTemplate(t, "visit", "csv")), "结对关系*") {
		t.Error("the CSV template lacks its header")
	}
}

func mustTemplate(t *testing.T, typ, format string) []byte {
	t.Helper()
	b, err := importer.Template(typ, format, importer.References{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportSpeaksTheUsersLanguage: a disbursement row may name its
// commitment by 文号 instead of id (an unknown or ambiguous 文号 is a
// problem naming the column); refusals state amounts in 元; rows someone
// else imported before are "already imported" — not a key error; the
// template's reference sheet lists the user's commitments with their 文号.
func TestImportSpeaksTheUsersLanguage(t *testing.T) {
	t.Parallel()
	env := demoenv.New(t, balances.New())
	refs, err := importer.LoadReferences(t.Context(), env.Pool, recorder)
	if err != nil || len(refs.Commitments) == 0 {
		t.Fatalf("references %+v, %v", refs, err)
	}
	count := map[string]int{}
	for _, c := range refs.Commitments {
		count[c.DocNo]++
	}
	var pairings []string
	for _, p := range refs.Pairings {
		pairings = append(pairings, p.ID)
	}
	room := map[string]bool{} // commitments with at least 2,000 元 left
	list, err := balances.CommitmentList(t.Context(), env.Pool, pairings)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		room[c.CommitmentID] = c.OutstandingFen >= 200_000
	}
	var shared string
	var one importer.Reference
	for _, c := range refs.Commitments {
		if count[c.DocNo] > 1 && room[c.ID] {
			shared, one = c.DocNo, c
			break
		}
	}
	if shared == "" {
		t.Fatal("the demo has no 文号 that funds several pairings with money left")
	}
	unique := shared + " " + one.Partner[0] // the 文号 and the partner's name
	tmpl, err := importer.Template("disbursement", "xlsx", refs)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	sheet, _ := wb.GetRows("资金计划")
	if len(sheet) != len(refs.Commitments)+1 || !strings.Contains(sheet[1][1], refs.Commitments[0].DocNo) {
		t.Fatalf("the reference sheet: %d rows", len(sheet))
	}
	header, _ := wb.GetRows("导入数据")
	row := func(commitment, amount, voucher string) string {
		return strings.Join([]string{commitment, amount, "2025-06-01", "白玉县财政局", "", voucher}, ",")
	}
	file := strings.Join(header[0], ",") + "\n" +
		row(unique, "1000", "IMP-DOC-1") + "\n" +
		row("不存在的文号", "1000", "IMP-DOC-2") + "\n" +
		row(unique, "999999999", "IMP-DOC-3") + "\n" +
		row(shared, "1000", "IMP-DOC-4") + "\n"
	rows, err := importer.Read([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	l := testenv.Ledger(t, env.Store)
	res, err := importer.Import(t.Context(), env.Store, l, recorder, "disbursement", rows, importer.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	byRow := map[int]importer.Problem{}
	for _, p := range res.Problems {
		byRow[p.Row] = p
	}
	if res.New != 1 || byRow[3].Code != "not_found" || byRow[3].Column == "" || !strings.Contains(byRow[3].MessageZh, "不存在的文号") {
		t.Fatalf("result %+v", res)
	}
	if p := byRow[4]; p.Code != "over_commitment" || !strings.Contains(p.MessageZh, "元") || !strings.Contains(p.Message, "CNY") {
		t.Fatalf("row 4: %+v, want over_commitment stated in yuan", p)
	}
	if byRow[5].Code != "validation_failed" || !strings.Contains(byRow[5].MessageZh, "请在文号后加受援方名称") {
		t.Fatalf("row 5 (a shared 文号): %+v", byRow[5])
	}

	good, err := importer.Read([]byte(strings.Join(header[0], ",") + "\n" + row(unique, "1000", "IMP-DOC-1") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := importer.Import(t.Context(), env.Store, l, recorder, "disbursement", good, importer.Options{}); err != nil || res.New != 1 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	colleague := auth.Principal{Name: "临安区财政局 王五", Role: auth.RoleRecorder, DonorCode: demoenv.Linan}
	res, err = importer.Import(t.Context(), env.Store, l, colleague, "disbursement", good, importer.Options{DryRun: true})
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Code != "already_imported" || !strings.Contains(res.Problems[0].MessageZh, "已导入过") {
		t.Fatalf("a colleague importing the same file: %+v, %v", res, err)
	}
}
