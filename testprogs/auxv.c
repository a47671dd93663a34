/* What the program sees of its start: argv, the environment and the auxiliary vector must
 * describe the program itself, whether the kernel started the dynamic linker through
 * PT_INTERP or it was run directly as `ld.so PROGRAM`. Prints facts, never addresses. */
#include "nolibc/nolibc.h"
#include <linux/auxvec.h>
#include <linux/elf.h>

extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));
extern void _start(void) __attribute__((visibility("hidden")));

int main(int argc, char **argv, char **envp)
{
	out_kv("argc", argc);
	for (int i = 0; i < argc; i++) {
		out("argv[");
		out_dec(i);
		out("]=");
		outln(i == 0 ? (nl_strlen(argv[0]) ? "(set)" : "(empty)") : argv[i]);
	}
	int n = 0;
	for (char **e = envp; *e; e++)
		n++;
	out_kv("envp_nonempty", n > 0);
	const char *v = nl_getenv("MMLD_TEST_VAR");
	out("MMLD_TEST_VAR=");
	outln(v ? v : "(unset)");
	/* In a privileged (AT_SECURE) process the loader removes the unsafe variables. */
	v = nl_getenv("LD_LIBRARY_PATH");
	out("LD_LIBRARY_PATH=");
	outln(v ? v : "(unset)");
	out_kv("AT_SECURE", (long)nl_getauxval(AT_SECURE));
	const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
	out_kv("AT_PHDR_is_ours", nl_getauxval(AT_PHDR) == (unsigned long)ph);
	out_kv("AT_PHNUM_is_ours", nl_getauxval(AT_PHNUM) == __ehdr_start.e_phnum);
	out_kv("AT_ENTRY_is_ours", nl_getauxval(AT_ENTRY) == (unsigned long)_start);
	out_kv("AT_PAGESZ", (long)nl_getauxval(AT_PAGESZ));
	out_kv("AT_RANDOM_set", nl_getauxval(AT_RANDOM) != 0);
	const char *execfn = (const char *)nl_getauxval(AT_EXECFN);
	const char *base = execfn;
	for (const char *p = execfn; p && *p; p++)
		if (*p == '/')
			base = p + 1;
	out("AT_EXECFN_basename=");
	outln(base ? base : "(none)");
	out_kv("AT_BASE_set", nl_getauxval(AT_BASE) != 0);
	unsigned long tp;
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	out_kv("thread_pointer_self", tp != 0);
	unsigned long guard;
	__asm__("mov %%fs:0x28, %0" : "=r"(guard));
	out_kv("stack_guard_low_byte_zero", (guard & 0xff) == 0);
	return 0;
}
