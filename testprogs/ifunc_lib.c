/* GNU indirect functions: a resolver picks the implementation at load time. A global IFUNC
 * is bound through the symbol (GLOB_DAT/JUMP_SLOT to an STT_GNU_IFUNC); a local one becomes
 * R_X86_64_IRELATIVE, applied after the other relocations. */
#include "nolibc/nolibc.h"
static int impl_fast(int x) { return x * 2; }
static int impl_slow(int x) { return x + x; }
static int resolver_calls;
static int (*pick(void))(int)
{
	resolver_calls++;
	return resolver_calls > 0 ? impl_fast : impl_slow;
}
int twice(int) __attribute__((ifunc("pick")));
static const char *name_a(void) { return "local ifunc A"; }
static const char *(*pick_local(void))(void) { return name_a; }
static const char *local_name(void) __attribute__((ifunc("pick_local")));
const char *(*volatile local_ptr)(void) = local_name; /* an IRELATIVE in .data */
const char *ifunc_local(void) { return local_ptr(); }
int ifunc_resolver_ran(void) { return resolver_calls > 0; }
