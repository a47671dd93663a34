/* STATIC_TLS_BYTES of initial-exec TLS, so a dlopen needs that much of the static TLS
 * surplus (testprogs/glibc/static_tls.c). */
__attribute__((tls_model("initial-exec"))) __thread char static_tls_block[STATIC_TLS_BYTES];
int static_tls_touch(void)
{
	static_tls_block[STATIC_TLS_BYTES - 1] = 7;
	return static_tls_block[STATIC_TLS_BYTES - 1] + (int)sizeof static_tls_block / 1024;
}
