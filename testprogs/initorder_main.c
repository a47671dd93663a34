/* Every kind of initialiser and finaliser, in one program and two libraries:
 * DT_PREINIT_ARRAY (program only), DT_INIT (-Wl,-init), DT_INIT_ARRAY, DT_FINI_ARRAY and
 * DT_FINI (-Wl,-fini). The loader runs the libraries' initialisers (dependencies first) and
 * the program's preinit array; the program's start code runs its init array; the loader's
 * finaliser runs everyone's finalisers in reverse. */
#include "nolibc/nolibc.h"

void lib1_hello(void);

static void preinit(int argc, char **argv, char **envp)
{
	(void)argv, (void)envp;
	out("preinit: program, argc=");
	out_dec(argc);
	out("\n");
}
__attribute__((section(".preinit_array"), used)) static void (*preinit_entry)(int, char **, char **) = preinit;

static void init(int argc, char **argv, char **envp)
{
	(void)argc, (void)envp;
	out("init_array: program, argv[1]=");
	outln(argc > 1 ? argv[1] : "(none)");
}
__attribute__((section(".init_array"), used)) static void (*init_entry)(int, char **, char **) = init;

static void fini1(void) { outln("fini_array[0]: program"); }
static void fini2(void) { outln("fini_array[1]: program"); }
__attribute__((section(".fini_array"), used)) static void (*fini_entries[])(void) = {fini1, fini2};

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	outln("main");
	lib1_hello();
	return 0;
}
