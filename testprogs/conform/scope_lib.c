/* The libraries of scope_main, one source: -DLIB_A ... picks what each defines.
 *   a needs c; b needs c and defines baz; c's bar calls baz, which only b has (c finds it
 *   through b's search list once b is opened: glibc's dblload);
 *   x defines xsym; y needs x (y opened RTLD_GLOBAL takes x into the global scope);
 *   r needs m1 and m2; m1's finaliser calls m1_foo through its PLT, m2's constructor calls
 *   m1_baz (glibc's reldep8: every lookup from an unloading object still finds it). */
#include <stdio.h>

#ifdef LIB_A
int bar(void);
int foo(void) { return 10 + bar(); }
#endif
#ifdef LIB_B
int baz(void) { return -42; }
#endif
#ifdef LIB_C
int baz(void);
int bar(void) { return 32 + baz(); }
#endif
#ifdef LIB_X
int xsym(void) { return 7; }
#endif
#ifdef LIB_Y
int xsym(void);
int ysym(void) { return xsym() * 6; }
#endif
#ifdef LIB_M1
void m1_foo(void)
{
	printf("m1_foo called from m1's finaliser\n");
	fflush(stdout);
}
__attribute__((destructor)) static void m1_fini(void) { m1_foo(); }
void m1_baz(void) {}
#endif
#ifdef LIB_M2
void m1_baz(void);
__attribute__((constructor)) static void m2_init(void) { m1_baz(); }
#endif
#ifdef LIB_R
int r_value = 1;
#endif
