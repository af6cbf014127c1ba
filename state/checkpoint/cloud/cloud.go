// Package cloud links the object store drivers checkpoint storage can
// use: s3:// (Amazon S3 and compatible stores, gocloud.dev/blob/s3blob)
// and gs:// (Google Cloud Storage, gocloud.dev/blob/gcsblob). They are
// kept out of package checkpoint so that tests and libraries do not
// compile the cloud SDKs; the spry binary imports this package.
// Credentials come from each SDK's usual environment (AWS_* variables
// or profiles, GOOGLE_APPLICATION_CREDENTIALS).
package cloud

import (
	_ "gocloud.dev/blob/gcsblob" // gs://
	_ "gocloud.dev/blob/s3blob"  // s3://
)
