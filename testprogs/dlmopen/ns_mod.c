/* libnsmod.so: a library dlmopen'ed into namespaces of its own. It links libc.so.6 (its own
 * copy in each namespace) and libnsdep.so, and reports what it sees from inside: which
 * namespace it and "its" libc are in, whether its libc works (ctype, malloc, stdio, NSS),
 * what dl_iterate_phdr lists, what dlsym and dlopen say when they fail. It prints into a
 * buffer the program prints: each namespace has its own stdout. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dlfcn.h>
#include <link.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dep_value(void);
extern __thread int dep_tls;

static int constructed;
static __attribute__((constructor)) void init(void) { constructed++; }

static char *out;
static size_t outlen, outcap;
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out + outlen, outcap - outlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		outlen += (size_t)n < outcap - outlen ? (size_t)n : outcap - outlen - 1;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : *p ? p : "(main)";
}

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size, (void)data;
	const char *b = base(info->dlpi_name);
	/* ld.so itself is named after the file each loader is: one word for both. */
	if (strstr(b, "ld-linux") || strstr(b, "ld-mmld"))
		b = "(the dynamic linker)";
	say("    dl_iterate_phdr: %s%s\n", b, info->dlpi_tls_modid ? " (TLS)" : "");
	return 0;
}

/* Everything this copy of the library can tell from inside its namespace. */
const char *ns_report(long expected_ns)
{
	static char buf[4096];
	out = buf, outlen = 0, outcap = sizeof buf;
	buf[0] = 0;
	Lmid_t mine = -10, libc_ns = -10;
	void *self = dlopen("libnsmod.so", RTLD_NOW | RTLD_NOLOAD);
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	dlinfo(self, RTLD_DI_LMID, &mine);
	dlinfo(libc, RTLD_DI_LMID, &libc_ns);
	say("    namespace %s expected; libc.so.6 in the same one: %s\n", mine == expected_ns ? "as" : "NOT as",
	    libc_ns == mine ? "yes" : "no");
	say("    constructor ran %d time(s); dependency says %d; its TLS %d\n", constructed, dep_value(), dep_tls);
	char *p = malloc(100);
	snprintf(p, 100, "%s", "malloc and snprintf");
	say("    isalpha('a') %d, toupper('q') %c, %s work\n", isalpha('a') != 0, toupper('q'), p);
	free(p);
	dl_iterate_phdr(phdr_cb, NULL);
	dlclose(self);
	dlclose(libc);
	return buf;
}

/* dlsym and dlopen failing inside the namespace: the messages come back through dlerror(). */
const char *ns_errors(const char *name)
{
	static char buf[1024];
	out = buf, outlen = 0, outcap = sizeof buf;
	void *sym = dlsym(RTLD_DEFAULT, name);
	const char *e = dlerror();
	say("    dlsym(RTLD_DEFAULT, %s): %s, %s\n", name, sym ? "found" : "NULL", e ? base(e) : "no error");
	e = dlerror();
	say("    dlerror() again: %s\n", e ? e : "NULL");
	void *h = dlopen(name, RTLD_NOW);
	e = dlerror();
	say("    dlopen(%s): %s, %s\n", name, h ? "loaded" : "NULL", e ? e : "no error");
	return buf;
}

/* A symbol from the namespace's global scope, found from inside it. */
const char *ns_lookup(const char *name) { return dlsym(RTLD_DEFAULT, name) ? "found" : "not found"; }

/* NSS inside the namespace: libc's own dlopen of libnss_files.so.2, in this namespace. */
int ns_gethostbyname(void)
{
	struct hostent *h = gethostbyname("localhost");
	return h != NULL;
}

/* The dependency's initial-exec TLS as the calling thread sees it. */
int ns_dep_tls(void) { return dep_tls; }
