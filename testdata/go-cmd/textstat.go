// Package textstat is the library at the module's root; its command is
// under cmd/wordcount, as in many Go repositories.
package textstat

import "strings"

// Words counts the whitespace-separated words of s.
func Words(s string) int {
	return len(strings.Fields(s))
}
