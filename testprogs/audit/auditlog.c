/* libauditlog-a.so, libauditlog-b.so (this file, TAG "A" or "B"): an rtld-audit(7) module that
 * logs every la_* event on stderr, in a form both loaders can be compared by: object names
 * (ld.so named alike), namespace ids, cookies as the small numbers la_objopen gives them,
 * flags, the arguments and results of libauditlib.so's functions. It also exercises what a
 * module can change: a search name redirected or refused (module A), a binding to another
 * address (la_symbind64), an argument and a return value (la_pltenter, la_pltexit), which
 * bindings are audited (la_objopen's flags) and which calls reach la_pltexit (frame size,
 * LA_SYMB_NOPLTEXIT). */
#define _GNU_SOURCE
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef TAG
#define TAG "A"
#endif

static void say(const char *fmt, ...)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "[" TAG "] ");
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	if (write(2, buf, (size_t)n) < 0)
		_exit(3);
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	const char *b = s ? s + 1 : *p ? p : "(main)";
	return strstr(b, "ld-linux") || strstr(b, "ld-mmld") ? "(ld.so)" : b;
}

/* A path, with ld.so's and this directory's parts named alike under both loaders. */
static const char *shown(const char *p)
{
	static char buf[512];
	if (strstr(p, "ld-linux") || strstr(p, "ld-mmld"))
		return "(ld.so)";
	const char *s = strrchr(p, '/');
	if (s && strstr(p, "/testprogs/audit"))
		snprintf(buf, sizeof buf, "(dir)%s", s);
	else
		snprintf(buf, sizeof buf, "%s", p);
	return buf;
}

static unsigned nobjects;

static const char *id(uintptr_t cookie);

unsigned la_version(unsigned v)
{
	say("la_version %u", v);
	return LAV_CURRENT;
}

char *la_objsearch(const char *name, uintptr_t *cookie, unsigned flag)
{
	say("la_objsearch %s flag %#x cookie %s", shown(name), flag, id(*cookie));
	if (TAG[0] == 'A' && flag == LA_SER_ORIG && strcmp(name, "libauditalias.so") == 0)
		return (char *)"libauditlib2.so";
	if (TAG[0] == 'A' && strcmp(name, "libauditrefused.so") == 0)
		return NULL;
	return (char *)name;
}

unsigned la_objopen(struct link_map *map, Lmid_t lmid, uintptr_t *cookie)
{
	*cookie = ++nobjects;
	const char *b = base(map->l_name);
	unsigned flags = 0;
	/* Calls from the program and the test libraries are audited, to any object but ld.so. */
	if (strcmp(b, "(ld.so)") != 0)
		flags |= LA_FLG_BINDTO;
	if (strcmp(b, "(main)") == 0 || strncmp(b, "libaudit", 8) == 0)
		flags |= LA_FLG_BINDFROM;
	say("la_objopen %s lmid %ld cookie %lu -> flags %u", b, (long)lmid, (unsigned long)*cookie, flags);
	return flags;
}

/* A cookie: the number la_objopen gave, or "(map)" before it was given one (a new namespace's
 * LA_ACT_ADD comes before its first object's la_objopen; la_objsearch from ld.so). */
static const char *id(uintptr_t cookie)
{
	static char buf[32];
	if (cookie > 1000)
		return "(map)";
	snprintf(buf, sizeof buf, "%lu", (unsigned long)cookie);
	return buf;
}

void la_activity(uintptr_t *cookie, unsigned flag)
{
	say("la_activity %s cookie %s", flag == LA_ACT_ADD ? "add" : flag == LA_ACT_DELETE ? "delete" : "consistent",
	    id(*cookie));
}

void la_preinit(uintptr_t *cookie) { say("la_preinit cookie %s", id(*cookie)); }

unsigned la_objclose(uintptr_t *cookie)
{
	say("la_objclose cookie %s", id(*cookie));
	return 0;
}

static int replacement(void) { return 4242; }

uintptr_t la_symbind64(Elf64_Sym *sym, unsigned ndx, uintptr_t *refcook, uintptr_t *defcook, unsigned *flags,
		       const char *symname)
{
	(void)ndx;
	say("la_symbind64 %s from %lu to %lu flags %#x", symname, (unsigned long)*refcook, (unsigned long)*defcook, *flags);
	if (strstr(symname, "_noexit"))
		*flags |= LA_SYMB_NOPLTEXIT;
	if (TAG[0] == 'A' && strcmp(symname, "audit_redirected") == 0)
		return (uintptr_t)replacement;
	return sym->st_value;
}

/* The low double of a vector register's image. */
static double low_double(const void *v)
{
	double d;
	memcpy(&d, v, sizeof d);
	return d;
}

static int ours(const char *name) { return strncmp(name, "audit_", 6) == 0; }

/* The arguments each of libauditlib.so's functions has, as la_pltenter finds them: registers,
 * and the caller's stack (lr_rsp points at the return address). */
static void show_args(const char *name, const La_x86_64_regs *r, char *buf, size_t len)
{
	const long *stack = (const long *)r->lr_rsp + 1;
	if (strcmp(name, "audit_args") == 0)
		snprintf(buf, len, "%ld %ld %ld %g", (long)r->lr_rdi, (long)r->lr_rsi, (long)r->lr_rdx, low_double(&r->lr_xmm[0]));
	else if (strcmp(name, "audit_changed_arg") == 0)
		snprintf(buf, len, "%ld %ld", (long)r->lr_rdi, (long)r->lr_rsi);
	else if (strcmp(name, "audit_plain_noexit") == 0)
		snprintf(buf, len, "%ld", (long)r->lr_rdi);
	else if (strcmp(name, "audit_many") == 0)
		snprintf(buf, len, "%ld %ld %ld %ld %ld %ld %ld %ld %ld %ld", (long)r->lr_rdi, (long)r->lr_rsi, (long)r->lr_rdx,
			 (long)r->lr_rcx, (long)r->lr_r8, (long)r->lr_r9, stack[0], stack[1], stack[2], stack[3]);
	else if (strcmp(name, "audit_double") == 0)
		snprintf(buf, len, "%g %g", low_double(&r->lr_xmm[0]), low_double(&r->lr_xmm[1]));
	else if (strcmp(name, "audit_long_double") == 0)
		snprintf(buf, len, "%Lg", *(const long double *)(const void *)stack);
	else
		snprintf(buf, len, "-");
}

Elf64_Addr la_x86_64_gnu_pltenter(Elf64_Sym *sym, unsigned ndx, uintptr_t *refcook, uintptr_t *defcook,
				  La_x86_64_regs *regs, unsigned *flags, const char *symname, long *framesize)
{
	(void)ndx;
	if (!ours(symname))
		return sym->st_value;
	char args[256];
	show_args(symname, regs, args, sizeof args);
	say("la_pltenter %s from %lu to %lu flags %#x args %s", symname, (unsigned long)*refcook,
	    (unsigned long)*defcook, *flags, args);
	if (TAG[0] == 'B' && strcmp(symname, "audit_changed_arg") == 0)
		regs->lr_rsi = 1000;
	/* Stack arguments reach the callee when la_pltexit is wanted only if copied: 64 bytes. */
	*framesize = strcmp(symname, "audit_many") == 0 || strcmp(symname, "audit_long_double") == 0 ? 64 : 0;
	return sym->st_value;
}

unsigned la_x86_64_gnu_pltexit(Elf64_Sym *sym, unsigned ndx, uintptr_t *refcook, uintptr_t *defcook,
			       const La_x86_64_regs *inregs, La_x86_64_retval *outregs, const char *symname)
{
	(void)sym, (void)ndx, (void)refcook, (void)defcook, (void)inregs;
	if (!ours(symname))
		return 0;
	if (strcmp(symname, "audit_double") == 0)
		say("la_pltexit %s xmm0 %g", symname, low_double(&outregs->lrv_xmm0));
	else if (strcmp(symname, "audit_long_double") == 0)
		say("la_pltexit %s st0 %Lg", symname, outregs->lrv_st0);
	else
		say("la_pltexit %s rax %ld", symname, (long)outregs->lrv_rax);
	if (TAG[0] == 'A' && strcmp(symname, "audit_changed_ret") == 0)
		outregs->lrv_rax = 77;
	return 0;
}
