/* Step 4, direct mode, for a program that needs no dynamic linker: `ld-mmld.so PROGRAM`
 * with a static or static-pie PROGRAM runs it as glibc's ld.so does, by executing it again
 * (the kernel then starts it without an interpreter), and a dynamic linker given as the
 * program (our own file, or glibc's ld.so: both answer to ld-linux-x86-64.so.2) is refused,
 * with glibc's words, instead of being jumped into with a stack that is not its own. */
#include "chain_load.h"

#define SYS_execve 59

/* DT_SONAME's string of d, if its dynamic section has one inside d's mapping. */
static const char *dynamic_soname(const struct dso *d, bool *has_needed)
{
	uintptr_t strtab = 0;
	uint64_t soname = ~0ull;
	*has_needed = false;
	/* Bounded once by the readable room after it (a walk of the program headers per entry
	 * cost every direct start ~3k instructions). */
	size_t n = d->dynamic ? dso_room(d, (uintptr_t)d->dynamic) / sizeof *d->dynamic : 0;
	for (const Elf64_Dyn *e = d->dynamic; e && e < d->dynamic + n && e->d_tag != DT_NULL; e++) {
		if (e->d_tag == DT_STRTAB)
			strtab = d->load_bias + e->d_un.d_ptr;
		else if (e->d_tag == DT_SONAME)
			soname = e->d_un.d_val;
		else if (e->d_tag == DT_NEEDED)
			*has_needed = true;
	}
	if (!strtab || soname == ~0ull || strtab + soname < strtab)
		return NULL;
	const char *s = (const char *)(strtab + soname);
	size_t room = dso_room(d, (uintptr_t)s);
	for (size_t i = 0; i < room; i++)
		if (!s[i])
			return s;
	return NULL; /* unterminated inside the mapping */
}

static const char *execve_error_name(long err)
{
	switch (-err) {
	case 2: return "ENOENT";
	case 7: return "E2BIG";
	case 8: return "ENOEXEC";
	case 12: return "ENOMEM";
	case 13: return "EACCES";
	case 26: return "ETXTBSY";
	default: return NULL;
	}
}

void chain_load(const struct dso *d, const char *path, bool has_interp)
{
	bool has_needed;
	const char *soname = dynamic_soname(d, &has_needed);
	const char *ours = R.self->soname ? R.self->soname : "ld-linux-x86-64.so.2";
	if (soname && strcmp(soname, ours) == 0) {
		rt_dprintf(2, "%s: loader cannot load itself\n", ours);
		sys_exit_group(127);
	}
	if (has_needed || has_interp)
		return; /* dynamically linked: ours to load */
	/* Held for `mmld share` (MMLD_STOP): executed again, the program would never reach the
	 * point it was asked to stop at (no ld-mmld.so in it), and mmld would wait for it. */
	if (R.stop_at != STOP_NONE)
		die_load(path, "%s", d->dynamic ? "object needs no dynamic linker (static-pie)" : "object has no dynamic section");
	long r = sys_call3(SYS_execve, path, R.argv, R.envp);
	const char *name = execve_error_name(r);
	if (name)
		rt_dprintf(2, "%s: cannot execute %s: %s\n", ours, path, name);
	else
		rt_dprintf(2, "%s: cannot execute %s: %ld\n", ours, path, -r);
	sys_exit_group(127);
}
