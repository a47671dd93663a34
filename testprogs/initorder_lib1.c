#include "nolibc/nolibc.h"
void lib2_hello(void);
void lib1_hello(void) { lib2_hello(); }
void lib1_init(void) { outln("DT_INIT: lib1"); }
void lib1_fini(void) { outln("DT_FINI: lib1"); }
static void ia(int argc, char **argv, char **envp)
{
	(void)argv, (void)envp;
	out("init_array: lib1, argc=");
	out_dec(argc);
	out("\n");
}
__attribute__((section(".init_array"), used)) static void (*ia_entry)(int, char **, char **) = ia;
static void fa(void) { outln("fini_array: lib1"); }
__attribute__((section(".fini_array"), used)) static void (*fa_entry)(void) = fa;
