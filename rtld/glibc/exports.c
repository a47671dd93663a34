/* The 18 symbols libc.so.6 imports from ld-linux-x86-64.so.2 (readelf --dyn-syms libc.so.6 |
 * grep UND), plus the few other glibc ld.so exports that programs and tools use. Versions are
 * assigned in linker-scripts/ld-mmld.map. */
#include "glibc.h"
#include "../tls.h"
#include "../audit.h"

/* --- data -------------------------------------------------------------------------- */
char _rtld_global[GL_SIZE] __attribute__((aligned(64)));
/* In RELRO, as glibc has it (libc never writes it): the page self-relocation already makes
 * ours, so its 896 bytes take none of the pages start-up writes after it. Written during
 * start-up only, but for glibc_glro_write's two cases (a namespace's libc coming or going). */
char _rtld_global_ro[GLRO_SIZE] __attribute__((aligned(64), section(".data.rel.ro.glro")));
EXPORT void *__libc_stack_end;
EXPORT int __libc_enable_secure;
EXPORT char **_dl_argv;
EXPORT unsigned int __rseq_size;
EXPORT ptrdiff_t __rseq_offset = PD_rseq_area;
EXPORT unsigned int __rseq_flags;
EXPORT char __nptl_initial_report_events;

/* Defines the GLIBC_2.34 version node, as glibc's ld.so does; never called. */
EXPORT void __rtld_version_placeholder(void) {}

/* --- TLS for threads libc creates ----------------------------------------------------- */
static dtv_t *tcb_dtv(void *tcb) { return LM(tcb, PD_header_dtv, dtv_t *); }

/* Fills a thread's DTV and (if init_tls) its static TLS blocks from the TLS images.
 * libc calls it directly when it reuses a cached stack, after freeing every to_free. */
EXPORT void *_dl_allocate_tls_init(void *tcb, bool init_tls)
{
	if (!tcb)
		return NULL;
	dtv_t *dtv = tls_init_thread(tcb, tcb_dtv(tcb), init_tls);
	if (!dtv)
		return NULL;
	LM(tcb, PD_header_dtv, dtv_t *) = dtv;
	return tcb;
}

/* A new thread's DTV: `mem` is its struct pthread, with the static TLS area below it. */
EXPORT void *_dl_allocate_tls(void *mem)
{
	if (!mem)
		return NULL; /* libc always allocates the block itself */
	glibc_threads_start();
	dtv_t *dtv = tls_new_dtv();
	if (!dtv)
		return NULL;
	LM(mem, PD_header_dtv, dtv_t *) = dtv;
	if (!_dl_allocate_tls_init(mem, true)) {
		tls_free_dtv(dtv);
		return NULL;
	}
	return mem;
}

EXPORT void _dl_deallocate_tls(void *tcb, bool dealloc_tcb)
{
	dtv_t *dtv = tcb_dtv(tcb);
	for (size_t i = 1; i <= dtv[-1].counter; i++)
		tls_free_block(dtv[i].to_free);
	tls_free_dtv(dtv);
	(void)dealloc_tcb; /* libc always passes false: the block is part of its stack */
}

EXPORT void _dl_get_tls_static_info(size_t *size, size_t *align)
{
	*size = LM(_rtld_global_ro, GLRO__dl_tls_static_size, size_t);
	*align = LM(_rtld_global_ro, GLRO__dl_tls_static_align, size_t);
}

/* pthread_create with an executable stack (GL(dl_stack_flags) has PF_X). */
EXPORT int __nptl_change_stack_perm(void *pd)
{
	char *block = LM(pd, PD_stackblock, char *);
	size_t size = LM(pd, PD_stackblock_size, size_t), guard = LM(pd, PD_guardsize, size_t);
	long r = sys_mprotect(block + guard, size - guard, PROT_READ_ | PROT_WRITE_ | PROT_EXEC_);
	return r < 0 ? (int)-r : 0;
}

/* --- objects and errors ----------------------------------------------------------------- */
EXPORT void *_dl_find_dso_for_object(uintptr_t addr)
{
	for (struct dso *d = R.head; d; d = d->next)
		if (d->personality && addr >= d->map_start && addr < d->map_start + d->map_len &&
		    dso_contains(d, addr, 1, 0))
			return d->personality;
	return NULL;
}

struct dl_exception {
	const char *objname;
	const char *errstring;
	char *message_buffer;
};

/* One buffer holding the message then the object name; freed by GLRO(dl_error_free). */
EXPORT void _dl_exception_create(struct dl_exception *e, const char *objname, const char *msg)
{
	if (!objname)
		objname = "";
	size_t lm = strlen(msg) + 1, lo = strlen(objname) + 1;
	char *buf = rt_malloc(lm + lo);
	if (!buf) {
		e->objname = "";
		e->errstring = "out of memory";
		e->message_buffer = NULL;
		return;
	}
	memcpy(buf, msg, lm);
	memcpy(buf + lm, objname, lo);
	e->errstring = buf;
	e->objname = buf + lm;
	e->message_buffer = buf;
}

/* glibc's little format language for loader messages: %s, %%, %x (eight hex digits), %lx
 * and %zx (sixteen). Anything else is a bug in the caller: fatal, as in glibc. */
static size_t format_exception(char *out, const char *fmt, va_list ap)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			if (out)
				out[n] = *p;
			n++;
			continue;
		}
		p++;
		unsigned digits = 8;
		unsigned long v = 0;
		if (*p == 's') {
			const char *s = va_arg(ap, const char *);
			size_t l = strlen(s);
			if (out)
				memcpy(out + n, s, l);
			n += l;
			continue;
		} else if (*p == '%') {
			if (out)
				out[n] = '%';
			n++;
			continue;
		} else if ((*p == 'l' || *p == 'z') && p[1] == 'x') {
			p++;
			digits = 16;
			v = va_arg(ap, unsigned long);
		} else if (*p == 'x') {
			v = va_arg(ap, unsigned int);
		} else {
			rt_dprintf(2, "Fatal error: invalid format in exception string\n");
			sys_exit_group(127);
		}
		for (unsigned k = 0; k < digits; k++)
			if (out)
				out[n + k] = hex[(v >> (4 * (digits - 1 - k))) & 15];
		n += digits;
	}
	return n;
}

EXPORT void _dl_exception_create_format(struct dl_exception *e, const char *objname, const char *fmt, ...)
{
	if (!objname)
		objname = "";
	va_list ap;
	va_start(ap, fmt);
	size_t lm = format_exception(NULL, fmt, ap);
	va_end(ap);
	size_t lo = strlen(objname) + 1;
	char *buf = rt_malloc(lm + 1 + lo);
	if (!buf) {
		e->objname = "";
		e->errstring = "out of memory";
		e->message_buffer = NULL;
		return;
	}
	va_start(ap, fmt);
	format_exception(buf, fmt, ap);
	va_end(ap);
	buf[lm] = 0;
	memcpy(buf + lm + 1, objname, lo);
	e->errstring = buf;
	e->objname = buf + lm + 1;
	e->message_buffer = buf;
}

EXPORT void _dl_exception_free(struct dl_exception *e)
{
	rt_free(e->message_buffer);
	e->objname = NULL;
	e->errstring = NULL;
	e->message_buffer = NULL;
}

EXPORT void _dl_fatal_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rt_vdprintf(2, fmt, ap);
	va_end(ap);
	sys_exit_group(127);
}

/* rtld-audit: libc's __libc_start_main calls this after the program's constructors, every
 * time (la_preinit); its dlsym calls the other only when GLRO(dl_naudit) says there are modules
 * (la_symbind64 for the binding dlsym made: l asked, result defines ref). */
EXPORT void _dl_audit_preinit(void *map)
{
	if (R.naudit)
		audit_preinit(glibc_dso_of(map));
}
EXPORT void _dl_audit_symbind_alt(void *l, const void *ref, void **value, void *result)
{
	struct dso *ld = glibc_dso_of(l), *rd = glibc_dso_of(result);
	if (R.naudit && ld && rd)
		audit_symbind_dlsym(ld, rd, ref, value);
}

/* dlinfo(RTLD_DI_SERINFO/SERINFOSIZE): the search path. Reported empty for now. */
struct dl_serinfo {
	size_t dls_size;
	unsigned dls_cnt;
};
EXPORT void _dl_rtld_di_serinfo(void *loader, struct dl_serinfo *si, bool counting)
{
	(void)loader;
	if (counting) {
		si->dls_size = sizeof *si;
		si->dls_cnt = 0;
	}
}

EXPORT void *_dl_x86_get_cpu_features(void) { return _rtld_global_ro + GLRO__dl_x86_cpu_features; }
EXPORT void _dl_mcount(uintptr_t from, uintptr_t to) { (void)from, (void)to; }
