package format

import (
	"testing"
)

func TestDecimal(t *testing.T) {
	cases := []struct {
		in          string
		prec, scale int
		ok          bool
		sci, plain  string
	}{
		{"12.345", 10, 2, true, "12.35", "12.35"},
		{"-12.344", 10, 2, true, "-12.34", "-12.34"},
		{"10.00", 10, 2, true, "1E+1", "10"},
		{"12.30", 10, 2, true, "12.3", "12.3"},
		{"0.000000027", 12, 9, true, "2.7E-8", "0.000000027"},
		{"0.0000027", 12, 9, true, "0.0000027", "0.0000027"},
		{"2e3", 10, 0, true, "2E+3", "2000"},
		{".5", 3, 0, true, "1", "1"},
		{"0", 3, 1, true, "0", "0"},
		{"12345", 3, 1, false, "", ""},
		{"99.96", 3, 1, false, "", ""},
		{"123456789012345678901234567890.5", 38, 2, true, "123456789012345678901234567890.5", "123456789012345678901234567890.5"},
	}
	for _, c := range cases {
		n, ok, err := ParseDecimal([]byte(c.in), c.prec, c.scale)
		if err != nil || ok != c.ok {
			t.Errorf("%s: ok %v err %v", c.in, ok, err)
			continue
		}
		if !ok {
			continue
		}
		if got := string(AppendDecimal(nil, n, c.scale, false)); got != c.sci {
			t.Errorf("%s: toString %s, want %s", c.in, got, c.sci)
		}
		if got := string(AppendDecimal(nil, n, c.scale, true)); got != c.plain {
			t.Errorf("%s: toPlainString %s, want %s", c.in, got, c.plain)
		}
	}
	for _, bad := range []string{"", "-", ".", "1e", "1.2.3", "abc", " 1"} {
		if _, _, err := ParseDecimal([]byte(bad), 10, 2); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestTemporal(t *testing.T) {
	cases := []struct {
		in     string
		layout TimestampLayout
		out    string // "" = error
	}{
		{"2020-12-30 12:13:14.123", SQLTimestamp, "2020-12-30 12:13:14.123"},
		{"2020-12-30 12:13:14", SQLTimestamp, "2020-12-30 12:13:14"},
		{"1969-12-31 23:59:59.999999", SQLTimestamp, "1969-12-31 23:59:59.999999"},
		{"2020-12-30T12:13", ISOTimestamp, "2020-12-30T12:13:00"},
		{"2020-12-30T12:13:14.1Z", ISOTimestampLTZ, "2020-12-30T12:13:14.1Z"},
		{"2020-02-30 12:13:14", SQLTimestamp, ""},
		{"2020-12-30 12:13", SQLTimestamp, ""},
		{"2020-12-30T12:13:14", SQLTimestamp, ""},
		{"2020-12-30 12:13:14", SQLTimestampLTZ, ""},
	}
	for _, c := range cases {
		us, err := ParseTimestamp([]byte(c.in), c.layout)
		if c.out == "" {
			if err == nil {
				t.Errorf("%s: no error", c.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := string(AppendTimestamp(nil, us, c.layout)); got != c.out {
			t.Errorf("%s: got %s", c.in, got)
		}
	}
	for _, d := range []string{"1970-01-01", "2000-02-29", "1600-03-01", "0001-01-01", "9999-12-31"} {
		days, err := ParseDate([]byte(d), false)
		if err != nil || string(AppendDate(nil, days)) != d {
			t.Errorf("%s: %d %v %s", d, days, err, AppendDate(nil, days))
		}
	}
	if d, err := ParseDate([]byte("2020-1-5"), true); err != nil || string(AppendDate(nil, d)) != "2020-01-05" {
		t.Errorf("lenient date: %v", err)
	}
	if ms, err := ParseTime([]byte("12:13:14.5"), false); err != nil || string(AppendTime(nil, ms)) != "12:13:14.5" {
		t.Errorf("time: %v", err)
	}
}
