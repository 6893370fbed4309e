// Package gen is a helper package under cmd/ that is not a command.
package gen

// Version of the generated tables.
const Version = 1
