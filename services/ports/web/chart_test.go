package web

import (
	"strings"
	"testing"
)

func TestNiceMax(t *testing.T) {
	t.Parallel()
	for v, want := range map[int64]int64{0: 1_000_000, 1: 1_000_000, 1_000_000: 1_000_000, 1_000_001: 1_500_000,
		2_300_000_00: 2_500_000_00, 4_100_000_00: 5_000_000_00, 8_000_000_01: 10_000_000_00} {
		if got := niceMax(v); got != want {
			t.Errorf("niceMax(%d) = %d, want %d", v, got, want)
		}
	}
}

// The charts escape what they print and scale bars to the axis.
func TestCharts(t *testing.T) {
	t.Parallel()
	svg := barChart([]series{{"计划<", "#111"}, {"拨付", "#222"}}, []barGroup{{Label: "班玛县&<script>", Values: []int64{230_000_000, 0}}}, "万元")
	if strings.Contains(svg, "<script>") || !strings.Contains(svg, "班玛县&amp;&lt;script&gt;") || !strings.Contains(svg, ">250<") {
		t.Errorf("bar chart: %s", svg)
	}
	var m [12]int64
	m[0], m[5] = 1_000_000, 2_000_000
	c := cumulative(m)
	if c[0] != 1_000_000 || c[4] != 1_000_000 || c[5] != 3_000_000 || c[11] != 3_000_000 {
		t.Errorf("cumulative %v", c)
	}
	if svg := lineChart([]series{{"x", "#333"}}, [][12]int64{c}, [12]string{"1月"}, "万元"); strings.Count(svg, "<circle") != 12 {
		t.Errorf("line chart: %s", svg)
	}
}
