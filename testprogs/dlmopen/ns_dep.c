/* libnsdep.so: libnsmod.so's dependency, with initial-exec TLS (a dlmopen'ed copy takes room
 * in the static TLS surplus, as its libc.so.6 does). */
__attribute__((tls_model("initial-exec"))) __thread int dep_tls = 7;
static int calls;
int dep_value(void) { return ++calls; }
