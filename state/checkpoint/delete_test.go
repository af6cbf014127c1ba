package checkpoint

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestDeleteDirMetadataFirst: a deletion that stops halfway (here: a
// part the file system refuses to delete) leaves an incomplete
// checkpoint, never a _metadata naming deleted parts.
func TestDeleteDirMetadataFirst(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	st, err := Open(ctx, root, true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, k := range []string{"1-0-0", "2-0-0", MetadataFile} {
		if err := st.Write(ctx, "j/chk-1/"+k, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	stuck := filepath.Join(root, "j", "chk-1", "2-0-0")
	if out, err := exec.Command("chattr", "+i", stuck).CombinedOutput(); err != nil {
		t.Skipf("cannot make a file undeletable here: %v %s", err, out)
	}
	defer exec.Command("chattr", "-i", stuck).Run()
	if err := st.DeleteDir(ctx, "j/chk-1"); err == nil {
		t.Fatal("DeleteDir deleted an immutable file")
	}
	if _, err := os.Stat(filepath.Join(root, "j", "chk-1", MetadataFile)); err == nil {
		t.Error("_metadata kept while DeleteDir removed parts")
	}
	if l, err := Latest(ctx, root); err != nil || l != "" {
		t.Errorf("Latest = %q, %v; want none", l, err)
	}
}
