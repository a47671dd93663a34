/* libnsbigtls.so: 1200 bytes of initial-exec TLS, more than the static TLS surplus has left
 * once a few namespaces have their libc.so.6: its dlopen must fail, and say why. */
__attribute__((tls_model("initial-exec"))) __thread char big_tls[1200];
char *big(void) { return big_tls; }
