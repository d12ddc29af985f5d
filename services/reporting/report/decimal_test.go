package report

import (
	"math"
	"testing"
)

func TestDecimals(t *testing.T) {
	t.Parallel()
	tests := []struct{ got, want string }{
		{WanDecimal(260000000), "260"},
		{WanDecimal(43600000), "43.6"},
		{WanDecimal(1), "0.000001"},
		{WanDecimal(0), "0"},
		{WanDecimal(-2405400000), "-2405.4"},
		{WanDecimal(math.MinInt64), "-9223372036854.775808"},
		{YuanDecimal(1), "0.01"},
		{YuanDecimal(-20000000), "-200000.00"},
		{YuanDecimal(0), "0.00"},
		{RateDecimal(8667), "86.67"},
		{RateDecimal(10000), "100"},
		{RateDecimal(0), "0"},
		{RateFraction(8667), "0.8667"},
		{RateFraction(10000), "1"},
		{RateFraction(5), "0.0005"},
		{groupThousands("2600000.00"), "2,600,000.00"},
		{groupThousands("100"), "100"},
		{groupThousands("1000"), "1,000"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}
