// go-hello: prints its arguments upper-cased, then $WHO; exits with the
// number of arguments.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	args := os.Args[1:]
	fmt.Println("upper:", strings.ToUpper(strings.Join(args, " ")))
	who := os.Getenv("WHO")
	if who == "" {
		who = "nobody"
	}
	fmt.Println("who:", who)
	os.Exit(len(args))
}
