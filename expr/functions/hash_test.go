package functions

import (
	"testing"

	"github.com/spry-engine/spry/types"
)

func TestHashes(t *testing.T) {
	btRun(t, []btCase{
		{"MD5", []btArg{btCol(tS, "", "abc", nil)}, []any{"d41d8cd98f00b204e9800998ecf8427e", "900150983cd24fb0d6963f7d28e17f72", nil}},
		{"SHA1", []btArg{btCol(tS, "abc")}, []any{"a9993e364706816aba3e25717850c26c9cd0d89d"}},
		{"SHA224", []btArg{btCol(tS, "")}, []any{"d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"}},
		{"SHA256", []btArg{btCol(types.Bytes, []byte("abc"))}, []any{"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}},
		{"SHA384", []btArg{btCol(tS, "abc")}, []any{"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"}},
		{"SHA512", []btArg{btCol(tS, "")}, []any{"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"}},
		{"SHA2", []btArg{btCol(tS, "", "", "", nil), btCol(tI, 256, 224, 100, 256)},
			[]any{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f", nil, nil}},
	})
	btBindErr(t, "MD5", tI)
}
