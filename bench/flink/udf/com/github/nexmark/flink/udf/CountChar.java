package com.github.nexmark.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * Nexmark q14's count_char(s, c): how many times the first character of c
 * occurs in s; 0 when either is NULL or c is empty. Built by
 * bench/flink/pyflink_env.sh so q14 runs unchanged on Apache Flink (Spry
 * maps the same class name to a Go built-in).
 */
public class CountChar extends ScalarFunction {
    public long eval(String s, String c) {
        if (s == null || c == null || c.isEmpty()) {
            return 0L;
        }
        char want = c.charAt(0);
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            if (s.charAt(i) == want) {
                n++;
            }
        }
        return n;
    }
}
