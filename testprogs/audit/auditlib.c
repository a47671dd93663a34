/* libauditlib.so: the functions auditprog calls through its PLT, for la_pltenter/la_pltexit:
 * integer and floating arguments, stack arguments, integer, double and long double results. */
int audit_args(long a, long b, long c, double x) { return (int)(a + 10 * b + 100 * c + (long)(x * 1000)); }
int audit_changed_arg(int a, int b) { return a * 1000 + b; }
int audit_changed_ret(void) { return 5; }
int audit_redirected(void) { return 1; }
int audit_plain_noexit(int a) { return a + 1; }
long audit_many(long a, long b, long c, long d, long e, long f, long g, long h, long i, long j)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}
double audit_double(double x, double y) { return x * y + 0.25; }
long double audit_long_double(long double x) { return x * 3; }
