/* libauditns.so: dlmopen'ed into a new namespace (audit events with its lmid); its own copy of
 * libc.so.6 comes with it. */
#include <stdio.h>
int audit_ns(int a)
{
	char buf[16];
	return snprintf(buf, sizeof buf, "%d", a * 1000) + 1;
}
