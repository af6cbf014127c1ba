package sql

import "strings"

// reserved are keywords that cannot be used as unquoted identifiers or
// implicit aliases (a subset of Flink's reserved words: those that matter to
// this grammar). Quote them with backticks to use them as names.
var reserved = wordSet(`
ALL AND ANY ARRAY AS BETWEEN BY CASE CAST CREATE CROSS CURRENT DATE DESCRIBE
DISTINCT DROP ELSE END ESCAPE EXCEPT EXISTS EXPLAIN FALSE FETCH FILTER FOR
FROM FULL GROUP HAVING IN INNER INSERT INTERSECT INTERVAL INTO IS JOIN
LATERAL LEFT LIKE LIMIT MAP MATCH_RECOGNIZE MINUS NATURAL NOT NULL OFFSET ON
OR ORDER OUTER OVER PARTITION QUALIFY RIGHT ROW SELECT SET SIMILAR TABLE
THEN TIME TIMESTAMP TRUE UNION UNKNOWN UNNEST USING VALUES WHEN WHERE WINDOW
WITH TRY_CAST CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP LOCALTIME
LOCALTIMESTAMP
`)

// reservedFuncOK are reserved words that may still name a function when
// followed by "(" (e.g. LEFT(s, 2)).
var reservedFuncOK = wordSet(`LEFT RIGHT`)

// niladic are functions that may be called without parentheses.
var niladic = wordSet(`CURRENT_TIMESTAMP CURRENT_DATE CURRENT_TIME LOCALTIME
LOCALTIMESTAMP CURRENT_ROW_TIMESTAMP`)

// specialFuncs are names the parser handles with special syntax; a FuncCall
// with such a name (written quoted) must be printed quoted.
var specialFuncs = wordSet(`EXTRACT TRIM POSITION OVERLAY JSON_VALUE JSON_QUERY
JSON_OBJECT JSON_ARRAY JSON_EXISTS DESCRIPTOR CAST TRY_CAST`)

// timeUnits maps accepted spellings (singular, plural, SQL_TSI_ forms) of
// time units to their canonical names.
var timeUnits = func() map[string]TimeUnit {
	m := map[string]TimeUnit{}
	for _, u := range strings.Fields(`YEAR QUARTER MONTH WEEK DAY HOUR MINUTE SECOND
		MILLISECOND MICROSECOND NANOSECOND`) {
		m[u] = TimeUnit(u)
		m[u+"S"] = TimeUnit(u)
		m["SQL_TSI_"+u] = TimeUnit(u)
	}
	m["SQL_TSI_FRAC_SECOND"] = "MICROSECOND"
	for _, u := range strings.Fields(`DOW DOY EPOCH DECADE CENTURY MILLENNIUM ISODOW ISOYEAR`) {
		m[u] = TimeUnit(u)
	}
	return m
}()

// intervalUnits are the units allowed in interval qualifiers.
var intervalUnits = wordSet(`YEAR MONTH DAY HOUR MINUTE SECOND`)

// explainDetails are the detail words accepted after EXPLAIN.
var explainDetails = wordSet(`ESTIMATED_COST CHANGELOG_MODE JSON_EXECUTION_PLAN PLAN_ADVICE`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func isReserved(word string) bool { return reserved[strings.ToUpper(word)] }

// upper returns the upper-case form of a keyword token's text.
func upper(t token) string {
	if t.kind != tIdent {
		return ""
	}
	return strings.ToUpper(t.text)
}
