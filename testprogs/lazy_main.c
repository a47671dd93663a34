#include "nolibc/nolibc.h"
double mix8(double, double, double, double, double, double, double, double, int, long, int, int, int, int);
double sum_va(int n, ...);
typedef float v8sf __attribute__((vector_size(32)));
__attribute__((target("avx"))) float avx_dot(v8sf a, v8sf b);

static int cpu_has_avx(void)
{
	unsigned a, b, c, d;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (!((c >> 28) & 1) || !((c >> 27) & 1))
		return 0;
	unsigned lo, hi;
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

__attribute__((target("avx"), noinline)) static long avx_case(void)
{
	v8sf a = {1, 2, 3, 4, 5, 6, 7, 8}, b = {8, 7, 6, 5, 4, 3, 2, 1};
	return (long)avx_dot(a, b);
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out_kv("mix8", (long)mix8(1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 1, 2, 3, 4, 5, 6));
	out_kv("mix8_again", (long)mix8(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0));
	out_kv("sum_va", (long)sum_va(5, 1.25, 2.25, 3.25, 4.25, 5.0));
	/* 8*1+7*2+6*3+5*4+4*5+3*6+2*7+1*8 = 120 with or without AVX. */
	out_kv("avx_dot", cpu_has_avx() ? avx_case() : 120);
	return 0;
}
