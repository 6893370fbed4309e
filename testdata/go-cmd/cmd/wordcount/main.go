package main

import (
	"fmt"
	"os"
	"strings"

	"example.com/wasmpack/textstat"
)

func main() {
	fmt.Printf("words: %d\n", textstat.Words(strings.Join(os.Args[1:], " ")))
}
