package web

import (
	"fmt"
	"html"
	"strings"

	"github.com/aidledger/aidledger/services/reporting/report"
)

// The dashboard's charts, drawn on the server as SVG: no script, no
// library, and they print. Amounts are fen; axes are labelled in 万元 (the
// unit's name is the caller's, in the page's language).

// series is one line or one kind of bar: its name and colour.
type series struct {
	Name, Colour string
}

// barGroup is one pairing's bars: a label and one value per series.
type barGroup struct {
	Label  string
	Values []int64
}

// barChart draws horizontal grouped bars, one group per row.
func barChart(ss []series, groups []barGroup, unit string) string {
	const width, left, right, barH, gap, top = 640, 150, 70, 12, 14, 8
	rowH := len(ss)*barH + gap
	height := top + len(groups)*rowH + 22
	var maxV int64 = 1
	for _, g := range groups {
		for _, v := range g.Values {
			maxV = max(maxV, v)
		}
	}
	scale := niceMax(maxV)
	plot := float64(width - left - right)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" font-size="11">`, width, height)
	for i := 0; i <= 4; i++ { // grid and axis labels
		x := left + int(plot*float64(i)/4)
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e3e8ee"/>`, x, top, x, height-20)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#5d6b79">%s</text>`, x, height-6, esc(report.WanDecimal(scale*int64(i)/4)))
	}
	for gi, g := range groups {
		y := top + gi*rowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#1d2630">%s</text>`, left-8, y+len(ss)*barH/2+4, esc(truncate(g.Label, 11)))
		for si, v := range g.Values {
			w := int(plot * float64(max(v, 0)) / float64(scale))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s: %s %s</title></rect>`,
				left, y+si*barH, max(w, 1), barH-2, ss[si].Colour, esc(g.Label), esc(ss[si].Name), esc(report.WanDecimal(v)), esc(unit))
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#5d6b79">%s</text>`, left+w+4, y+si*barH+barH-3, esc(report.WanDecimal(v)))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// lineChart draws cumulative lines over the twelve months.
func lineChart(ss []series, values [][12]int64, months [12]string, unit string) string {
	const width, height, left, right, top, bottom = 640, 260, 64, 16, 12, 28
	var maxV int64 = 1
	for _, vs := range values {
		for _, v := range vs {
			maxV = max(maxV, v)
		}
	}
	scale := niceMax(maxV)
	pw, ph := float64(width-left-right), float64(height-top-bottom)
	x := func(m int) float64 { return float64(left) + pw*float64(m)/11 }
	y := func(v int64) float64 { return float64(top) + ph*(1-float64(v)/float64(scale)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" font-size="11">`, width, height)
	for i := 0; i <= 4; i++ {
		v := scale * int64(i) / 4
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e3e8ee"/>`, left, y(v), width-right, y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" fill="#5d6b79">%s</text>`, left-6, y(v)+4, esc(report.WanDecimal(v)))
	}
	for m, label := range months {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#5d6b79">%s</text>`, x(m), height-8, esc(label))
	}
	for si, vs := range values {
		var pts []string
		for m, v := range vs {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(m), y(v)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, ss[si].Colour, strings.Join(pts, " "))
		for m, v := range vs {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s %s: %s %s</title></circle>`,
				x(m), y(v), ss[si].Colour, esc(ss[si].Name), esc(months[m]), esc(report.WanDecimal(v)), esc(unit))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// cumulative returns the running sums of monthly values.
func cumulative(monthly [12]int64) [12]int64 {
	var out [12]int64
	var sum int64
	for i, v := range monthly {
		sum += v
		out[i] = sum
	}
	return out
}

// niceMax rounds v up to a round figure of 万元 (in fen) — 1, 1.5, 2,
// 2.5, 3, 4, 5, 6 or 8 times a power of ten — so that the axis, in
// quarters, reads in round figures.
func niceMax(v int64) int64 {
	step := int64(100_000) // 0.1万元: the multipliers are tenths
	for {
		for _, m := range []int64{10, 15, 20, 25, 30, 40, 50, 60, 80} {
			if v <= step*m {
				return step * m
			}
		}
		step *= 10
	}
}

// esc escapes text for SVG.
func esc(s string) string { return html.EscapeString(s) }

// truncate shortens s to n characters with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
