module example.com/wasmpack/go-hello

go 1.21
