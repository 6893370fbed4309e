module example.com/wasmpack/textstat

go 1.21
