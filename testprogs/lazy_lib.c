/* Called through lazily bound PLT slots: the first call of each goes through the loader's
 * trampoline, which must deliver every argument register unchanged, vector ones included. */
#include <stdarg.h>
double mix8(double a, double b, double c, double d, double e, double f, double g, double h, int i, long j, int k,
	    int l, int m, int n)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + i + j + k + l + m + n;
}
double sum_va(int n, ...)
{
	va_list ap;
	va_start(ap, n);
	double s = 0;
	for (int i = 0; i < n; i++)
		s += va_arg(ap, double);
	va_end(ap);
	return s;
}
typedef float v8sf __attribute__((vector_size(32)));
__attribute__((target("avx"))) float avx_dot(v8sf a, v8sf b)
{
	v8sf p = a * b;
	float s = 0;
	for (int i = 0; i < 8; i++)
		s += p[i];
	return s;
}
