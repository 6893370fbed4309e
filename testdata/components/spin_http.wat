;; An HTTP handler as Spin runs one: it imports WASI 0.2 interfaces, a Spin
;; host interface and a socket, and exports wasi:http/incoming-handler.
;; Nothing is ever called: `wasmpack check` reads only its imports and
;; exports (tests/cli/check_runtime.sh).
(component
  (import "wasi:cli/environment@0.2.0" (instance
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:sockets/tcp@0.2.0" (instance
    (export "tcp-socket" (type (sub resource)))
    (export "[method]tcp-socket.is-listening" (func (param "self" (borrow 0)) (result bool)))))
  (import "fermyon:spin/variables@2.0.0" (instance
    (export "get" (func (param "name" string) (result string)))))
  (core module $m
    (func (export "handle")))
  (core instance $i (instantiate $m))
  (func $handle (canon lift (core func $i "handle")))
  (instance $handler
    (export "handle" (func $handle)))
  (export "wasi:http/incoming-handler@0.2.0" (instance $handler))
)
