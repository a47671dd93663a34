/* Initial-exec TLS in a library meant for dlopen (DF_STATIC_TLS): the loader must place it in
 * the static TLS surplus and copy its image into every thread that already exists. */
__thread int ie_var __attribute__((tls_model("initial-exec"))) = 17;
int ie_get(void) { return ie_var; }
void ie_set(int v) { ie_var = v; }
