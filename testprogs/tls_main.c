/* Thread-local storage in every model the static TLS block of the initial objects serves:
 * local-exec in the program, initial-exec (R_X86_64_TPOFF64) from a library, general-dynamic
 * and local-dynamic through __tls_get_addr (DTPMOD64/DTPOFF64), and TLS descriptors
 * (-mtls-dialect=gnu2, R_X86_64_TLSDESC). Checks initial values (the TLS image), zeroed
 * .tbss, alignment, and that every access path reaches the same variable. */
#include "nolibc/nolibc.h"

__thread long prog_tls = 11;
__thread long prog_tbss;
__thread char prog_aligned[3] __attribute__((aligned(64))) = {1, 2, 3};

extern __thread long gd_var;   /* from libtls_gd: general dynamic */
long *gd_addr(void);
long ld_counter(void);         /* local dynamic inside libtls_gd */
extern __thread long ie_var __attribute__((tls_model("initial-exec")));
long *ie_addr_from_lib(void);
long *desc_addr(void);         /* libtls_desc: TLS descriptors */
long desc_get(void);

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out_kv("prog_tls", prog_tls);
	out_kv("prog_tbss", prog_tbss);
	out_kv("prog_aligned_ok", ((unsigned long)prog_aligned % 64) == 0 && prog_aligned[2] == 3);
	out_kv("gd_var", gd_var);
	out_kv("gd_same_address", &gd_var == gd_addr());
	out_kv("ld_counter", ld_counter());
	out_kv("ld_counter", ld_counter());
	out_kv("ie_var", ie_var);
	out_kv("ie_same_address", &ie_var == ie_addr_from_lib());
	out_kv("desc_get", desc_get());
	*desc_addr() += 5;
	out_kv("desc_get_after", desc_get());
	long tp;
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	out_kv("blocks_below_tp", (long)&prog_tls < tp && (long)&gd_var < tp && (long)desc_addr() < tp);
	return 0;
}
