package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"
)

// Sign is the X-Qrgate-Signature of body sent at timestamp (Unix seconds,
// as sent in X-Qrgate-Timestamp): "sha256=" and the hex HMAC-SHA256 of
// "<timestamp>.<body>" under the shared secret.
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify is how a receiver checks a delivery: the signature over the
// timestamp and the raw body, compared in constant time, and the
// timestamp within tolerance of now, so that a captured delivery cannot be
// replayed later. docs/api.md shows this function as the reference.
func Verify(secret []byte, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("webhook: X-Qrgate-Timestamp is not Unix seconds")
	}
	if age := now.Sub(time.Unix(ts, 0)); age > tolerance || age < -tolerance {
		return errors.New("webhook: timestamp outside the tolerance (a replay?)")
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(signature), []byte(want)) {
		return errors.New("webhook: X-Qrgate-Signature does not match")
	}
	return nil
}
