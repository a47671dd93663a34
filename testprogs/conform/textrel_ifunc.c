/* A program with a text relocation (a word in .text holding its own address) and an IFUNC
 * whose resolver runs while that relocation is applied: the code pages must stay executable
 * during relocation (glibc's tst-ifunc-textrel). Built -fPIC so the word is an absolute
 * address. */
#include <stdint.h>
#include <stdio.h>

static const uintptr_t self_address __attribute__((section(".text"))) = (uintptr_t)&self_address;

static uintptr_t chosen(void) { return self_address; }

/* The resolver of pick(): returns the implementation. */
__attribute__((noinline)) void *pick(void) { return (void *)chosen; }
__asm__(".type pick, %gnu_indirect_function");

int main(void)
{
	uintptr_t (*f)(void) = (uintptr_t(*)(void))(void (*)(void))pick;
	printf("text word relocated: %s\n", f() == (uintptr_t)&self_address ? "yes" : "no");
	return 0;
}
