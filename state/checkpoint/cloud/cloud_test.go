package cloud

import (
	"testing"

	"gocloud.dev/blob"
)

func TestSchemesRegistered(t *testing.T) {
	for _, s := range []string{"s3", "gs"} {
		if !blob.DefaultURLMux().ValidBucketScheme(s) {
			t.Errorf("scheme %s:// is not registered", s)
		}
	}
}
