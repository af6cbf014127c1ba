package functions

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Hash functions: digests of a string's UTF-8 bytes (or of a binary
// value) as lower-case hex strings.

func init() {
	for _, h := range []struct {
		name string
		new  func() hash.Hash
		ex   string
	}{
		{"MD5", md5.New, "MD5('') → 'd41d8cd98f00b204e9800998ecf8427e'"},
		{"SHA1", sha1.New, "SHA1('') → 'da39a3ee5e6b4b0d3255bfef95601890afd80709'"},
		{"SHA224", sha256.New224, "SHA224('') → 'd14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f'"},
		{"SHA256", sha256.New, "SHA256('') → 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'"},
		{"SHA384", sha512.New384, "SHA384('abc') → 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'"},
		{"SHA512", sha512.New, "SHA512('') → 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'"},
	} {
		name, newHash := h.name, h.new
		registerAll(&expr.ScalarFunction{Name: name,
			Doc: docOf("Hash", name+"(string)", "Returns the "+name+" digest of string (or of a binary value) as a lower-case hex string.", h.ex),
			Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
				if err := checkSig(name, name+"(STRING)", args, 1, 1, func(t types.DataType) bool { return isStrArg(t) || isBinArg(t) }); err != nil {
					return types.Null, nil, err
				}
				return types.String.WithNullable(argsNullable(args)), hashKernel(func(int) (int64, func() hash.Hash) { return 0, newHash }), nil
			}})
	}
	registerAll(&expr.ScalarFunction{Name: "SHA2", Doc: docOf("Hash", "SHA2(string, bits)",
		"Returns the SHA-2 digest of string as a lower-case hex string; bits is 224, 256, 384 or 512, and any other value gives NULL.",
		"SHA2('', 256) → 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'"), Bind: bindSHA2})
}

// sha2ByBits maps SHA2's bit length to its hash.
var sha2ByBits = map[int64]func() hash.Hash{224: sha256.New224, 256: sha256.New, 384: sha512.New384, 512: sha512.New}

// hashKernel hashes argument 0 with the hash that pick names for the row
// (a nil constructor gives NULL); each hash kind, keyed by the number pick
// returns, is made once per call and reset between rows.
func hashKernel(pick func(i int) (int64, func() hash.Hash)) expr.Kernel {
	return strKernel(false, func(a []arrow.Array) rowFunc {
		s := strAt(a[0])
		made := map[int64]hash.Hash{}
		var sum []byte
		return func(i int, dst []byte) ([]byte, bool) {
			key, nh := pick(i)
			if nh == nil {
				return dst, false
			}
			h := made[key]
			if h == nil {
				h = nh()
				made[key] = h
			}
			h.Reset()
			h.Write(strBytes(s(i)))
			sum = h.Sum(sum[:0])
			return hex.AppendEncode(dst, sum), true
		}
	})
}

func bindSHA2(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("SHA2", "SHA2(STRING, INT)", args, 2, 2, func(t types.DataType) bool { return isStrArg(t) || isBinArg(t) }, isIntArg); err != nil {
		return types.Null, nil, err
	}
	k := func(ctx *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		bits := intAt(a[1])
		return hashKernel(func(i int) (int64, func() hash.Hash) { b := bits(i); return b, sha2ByBits[b] })(ctx, a, rows)
	}
	return types.String.WithNullable(true), k, nil
}
