package connector

import "strings"

// HiddenValue replaces the value of a sensitive option wherever options are
// shown (SHOW CREATE TABLE, errors, logs), as Flink's
// ConfigurationUtils.hideSensitiveValues does.
const HiddenValue = "******"

// sensitiveWords are the key fragments Flink treats as secrets.
var sensitiveWords = []string{"password", "secret", "fs.azure.account.key", "apikey", "api-key",
	"auth-params", "service-key", "token", "basic-auth", "jaas.config", "http-headers"}

// IsSensitiveOption reports whether the value of option key is a secret
// (its key contains "password", "secret", "token", ..., in any case).
func IsSensitiveOption(key string) bool {
	k := strings.ToLower(key)
	for _, w := range sensitiveWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// DisplayValue returns the value of option key as it may be shown to a
// user: HiddenValue for a sensitive option, the value itself otherwise.
func DisplayValue(key, value string) string {
	if IsSensitiveOption(key) {
		return HiddenValue
	}
	return value
}
