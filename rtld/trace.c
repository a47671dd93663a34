/* What `ldd` asks of the dynamic linker (LD_TRACE_LOADED_OBJECTS, and --list), in glibc's
 * words (its rtld.c): the list of objects and where they were found; with LD_WARN (ldd -d)
 * every object relocated, lazily unless LD_BIND_NOW (ldd -r), and each undefined symbol
 * reported on stderr as "undefined symbol: NAME\t(OBJECT)"; with LD_VERBOSE (ldd -v) the
 * versions each object needs and who provides them; with LD_DEBUG=unused (ldd -u) only the
 * program's direct dependencies none of its relocations binds to. No IFUNC resolver runs, no
 * initialiser, no program: the process exits here. */
#include "trace.h"
#include "lookup.h"
#include "reloc.h"
#include "tls.h"

/* ld-mmld.so's own file by its real path (symlinks, "." and ".." resolved): what the kernel
 * says is mapped at our first address in /proc/self/maps. NULL if that cannot be read. */
const char *trace_self_path(void)
{
	static char maps[65536] RARELY_WRITTEN;
	long fd = sys_open("/proc/self/maps", O_RDONLY_ | O_CLOEXEC_, 0);
	if (fd < 0)
		return NULL;
	size_t n = 0;
	for (long r; n < sizeof maps - 1 && (r = sys_read((int)fd, maps + n, sizeof maps - 1 - n)) > 0;)
		n += (size_t)r;
	sys_close((int)fd);
	maps[n] = 0;
	for (char *line = maps; *line;) {
		char *end = line;
		while (*end && *end != '\n')
			end++;
		uintptr_t start = 0;
		char *p = line;
		for (; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++)
			start = start * 16 + (uintptr_t)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
		char *path = line;
		while (path < end && *path != '/')
			path++;
		if (start == R.self->map_start && path < end && *p == '-') {
			*end = 0;
			return path;
		}
		line = *end ? end + 1 : end;
	}
	return NULL;
}

static void print_list(void)
{
	if (R.main && !R.main->ndeps && !dso_has(R.main, DT_NEEDED)) {
		rt_dprintf(1, "\tstatically linked\n");
		return;
	}
	for (struct dso *d = R.head; d; d = d->next) {
		if (d == R.main) {
			/* glibc's program link map has an empty name */
			if (R.trace_program)
				rt_dprintf(1, "\t (0x%016lx)\n", (unsigned long)d->map_start);
			continue;
		}
		if (d->missing)
			rt_dprintf(1, "\t%s => not found\n", d->name);
		else if (d->kind == DSO_RTLD) /* by its real path, however it was named (docs/status.md) */
			rt_dprintf(1, "\t%s (0x%016lx)\n", trace_self_path() ? trace_self_path() : dso_display(d),
				   (unsigned long)d->map_start);
		else if (d->kind == DSO_VDSO || strcmp(d->name, d->path) == 0)
			rt_dprintf(1, "\t%s (0x%016lx)\n", d->kind == DSO_VDSO ? d->name : dso_display(d),
				   (unsigned long)d->map_start);
		else
			rt_dprintf(1, "\t%s => %s (0x%016lx)\n", d->name, d->path, (unsigned long)d->map_start);
	}
}

/* LD_DEBUG=unused: the program's relocations looked up (nothing written, and, as glibc,
 * nothing reported for a symbol not found); a direct dependency none of them binds to is
 * unused. glibc pairs the program's DT_NEEDED entries with the objects that follow it on the
 * list, the vDSO skipped, and so does this. Exit status 1 if one is unused. */
__attribute__((noreturn)) static void report_unused(void)
{
	struct dso *m = R.main;
	size_t nobj = 0;
	for (struct dso *d = R.head; d; d = d->next)
		nobj++;
	/* The objects bound to, each once: a program names thousands of symbols from a few. */
	struct dso **used = rt_calloc(nobj + 1, sizeof *used);
	size_t nused = 0;
	static const int tables[2][2] = {{DT_RELA, DT_RELASZ}, {DT_JMPREL, DT_PLTRELSZ}};
	for (int t = 0; used && t < 2; t++) {
		if (!dso_has(m, tables[t][0]))
			continue;
		const Elf64_Rela *r = (const Elf64_Rela *)(m->load_bias + dso_dyn(m, tables[t][0]));
		for (size_t k = 0; k < dso_dyn(m, tables[t][1]) / sizeof *r; k++) {
			size_t symidx = ELF64_R_SYM(r[k].r_info);
			uint32_t type = ELF64_R_TYPE(r[k].r_info);
			struct sym_def def;
			if (!symidx || symidx >= m->nsyms_max ||
			    !lookup_reloc_symbol(m, symidx, type == R_X86_64_JUMP_SLOT, type == R_X86_64_COPY, &def))
				continue;
			bool seen = false;
			for (size_t i = 0; i < nused && !seen; i++)
				seen = used[i] == def.dso;
			if (!seen && nused < nobj)
				used[nused++] = def.dso;
		}
	}
	bool any = false;
	struct dso *l = m;
	for (const Elf64_Dyn *e = m->dynamic; e && e->d_tag != DT_NULL; e++) {
		if (e->d_tag != DT_NEEDED)
			continue;
		l = l ? l->next : NULL;
		if (l && l->kind == DSO_VDSO)
			l = l->next;
		if (!l)
			break;
		bool is_used = l->kind == DSO_RTLD;
		for (size_t i = 0; i < nused && !is_used; i++)
			is_used = used[i] == l;
		if (is_used)
			continue;
		if (!any)
			rt_dprintf(1, "Unused direct dependencies:\n");
		any = true;
		rt_dprintf(1, "\t%s\n", l->missing ? l->name : dso_display(l));
	}
	sys_exit_group(any ? 1 : 0);
}

/* The loaded object that answers to `file` (a DT_VERNEED file name: its soname). */
static const struct dso *find_needed(const char *file)
{
	for (const struct dso *d = R.head; d; d = d->next)
		if (!d->missing && ((d->soname && strcmp(d->soname, file) == 0) || (d->name && strcmp(d->name, file) == 0)))
			return d;
	return NULL;
}

/* Does d define version `name` (its verdef table, which versions_build checked)? */
static bool defines_version(const struct dso *d, const char *name)
{
	const Elf64_Verdef *vd = dso_verdef(d);
	for (size_t n = 0; vd && n < dso_verdefnum(d); n++) {
		const Elf64_Verdaux *a = (const Elf64_Verdaux *)((const char *)vd + vd->vd_aux);
		if (strcmp(dso_str(d, a->vda_name), name) == 0)
			return true;
		if (!vd->vd_next)
			break;
		vd = (const Elf64_Verdef *)((const char *)vd + vd->vd_next);
	}
	return false;
}

/* LD_VERBOSE: each object's needed versions, and the file that provides each. */
static void print_versions(void)
{
	bool first = true;
	for (const struct dso *d = R.head; d; d = d->next) {
		if (d->missing || !dso_verneed(d) || !dso_verneednum(d))
			continue;
		if (first)
			rt_dprintf(1, "\n\tVersion information:\n");
		first = false;
		rt_dprintf(1, "\t%s:\n", d == R.main ? R.progname : dso_display(d));
		const Elf64_Verneed *vn = dso_verneed(d);
		for (size_t n = 0; n < dso_verneednum(d); n++) {
			const char *file = dso_str(d, vn->vn_file);
			const struct dso *needed = find_needed(file);
			const Elf64_Vernaux *a = (const Elf64_Vernaux *)((const char *)vn + vn->vn_aux);
			for (size_t k = 0; k < vn->vn_cnt; k++) {
				const char *ver = dso_str(d, a->vna_name);
				const char *where = needed && defines_version(needed, ver) ? dso_display(needed) : "not found";
				rt_dprintf(1, "\t\t%s (%s) %s=> %s\n", file, ver, (a->vna_flags & VER_FLG_WEAK) ? "[WEAK] " : "",
					   where);
				if (!a->vna_next)
					break;
				a = (const Elf64_Vernaux *)((const char *)a + a->vna_next);
			}
			if (!vn->vn_next)
				break;
			vn = (const Elf64_Verneed *)((const char *)vn + vn->vn_next);
		}
	}
}

void trace_report(void)
{
	if (DEBUG_ON(DBG_UNUSED) && R.trace)
		report_unused();
	print_list();
	if (R.trace && R.warn) {
		tls_layout(); /* TLS relocations need the static offsets, as in a real run */
		reloc_all();  /* in this mode: reports undefined symbols, runs no IFUNC resolver */
	}
	if (R.trace && R.version_info)
		print_versions();
	sys_exit_group(0);
}
