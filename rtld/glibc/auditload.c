/* Start-up with audit modules (LD_AUDIT, --audit, the program's DT_AUDIT and DT_DEPAUDIT), in
 * glibc 2.36's order (elf/rtld.c): the modules are loaded before anything the program needs,
 * each into a namespace of its own with its own libc.so.6, so what that libc reads must exist
 * first: the static TLS area (with room for each module's libc.so.6, as glibc sizes it), the
 * thread pointer, _rtld_global(_ro) and the main thread's struct pthread. The program's own
 * objects then get their TLS on demand (audit.h, main.c). A module that cannot be loaded, has
 * no la_version or declines is reported as glibc reports it and ignored. */
#include "glibc.h"
#include "../audit.h"
#include "../options.h"
#include "../tls.h"

#define DT_AUDIT_ 0x6ffffefc
#define DT_DEPAUDIT_ 0x6ffffefb
#define DL_NNS_ 16

/* The program's DT_AUDIT and DT_DEPAUDIT lists join LD_AUDIT's and --audit's. */
static void add_dynamic_lists(void)
{
	for (int tag = 0; tag < 2; tag++)
		for (Elf64_Dyn *e = R.main->dynamic; e && e->d_tag != DT_NULL; e++)
			if (e->d_tag == (tag ? DT_DEPAUDIT_ : DT_AUDIT_) && e->d_un.d_val < R.main->strsz)
				options_add_audit_list(dso_str(R.main, e->d_un.d_val));
}

/* Calls fn for each name of the lists, in order (colon-separated), and counts them; names
 * glibc would not try (empty, too long, a path in secure mode) are skipped without a word. */
static unsigned each_name(void (*fn)(const char *name))
{
	unsigned n = 0;
	for (unsigned l = 0; l < R.naudit_lists; l++)
		for (const char *p = R.audit_lists[l]; *p;) {
			const char *e = strchr(p, ':');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			if (options_list_name_usable(p, len, AUDIT_NAME_LIMIT)) {
				n++;
				if (fn) {
					char name[AUDIT_NAME_LIMIT];
					memcpy(name, p, len);
					name[len] = 0;
					fn(name);
				}
			}
			p += len + (e != NULL);
		}
	return n;
}

static void report(const char *name, const char *why)
{
	rt_dprintf(2, "ERROR: ld.so: object '%s' cannot be loaded as audit interface: %s; ignored.\n", name, why);
}

static void load_one(const char *name)
{
	struct rtld_catch c;
	R.catcher = &c;
	if (rtld_setjmp(&c)) { /* raise_error came back here: nothing of it is left loaded */
		R.loading_auditor = false;
		report(name, c.msg);
		return;
	}
	struct dso *module = glibc_dlmopen_auditor(name);
	R.catcher = NULL;
	char err[512];
	int r = audit_register(module, name, err, sizeof err);
	if (r == 0)
		return;
	glibc_close_auditor(module);
	if (r < 0)
		report(name, err);
}

void glibc_audit_start(uintptr_t *sp)
{
	add_dynamic_lists();
	unsigned requested = each_name(NULL);
	if (!requested)
		return;
	unsigned nns = glibc_tls_namespaces(); /* the rest of the 16 are the modules' */
	if (requested > DL_NNS_ - nns) {
		rt_dprintf(2, "Failed loading %u audit modules, %u are supported.\n", requested, DL_NNS_ - nns);
		sys_exit_group(127);
	}
	R.tls_surplus = glibc_tls_surplus(requested);
	R.tcb_size = PTHREAD_SIZE;
	tls_layout();
	tls_setup_main_thread();
	glibc_before_libc(sp);
	glibc_build_map(R.self); /* _dl_find_object from a module's la_version finds ld.so */
	each_name(load_one);
	LM(_rtld_global_ro, GLRO__dl_naudit, unsigned) = R.naudit;
	if (!R.naudit)
		return;
	/* The program and ld.so were there before the modules: they are told now. */
	audit_objopen(R.main);
	audit_objopen(R.self);
	audit_activity(0, LA_ACT_ADD_);
}
