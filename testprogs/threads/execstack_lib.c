/* A library that needs an executable stack: a nested function whose address escapes runs
 * through a trampoline GCC builds on the stack of whoever calls trampoline_call. Linked
 * -z execstack (PT_GNU_STACK RWX), as such libraries are. */
int trampoline_call(int x)
{
	int add(int y) { return x + y; }
	int (*volatile fp)(int) = add;
	return fp(1);
}
