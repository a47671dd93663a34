/* Symbol versioning (the GNU scheme on top of ELF).
 *
 * Each symbol of an object has a versym entry: an index into the object's versions, with
 * bit 15 set when the version is hidden (an old version kept for binaries linked against
 * it, not the default a new link would pick). Index 0 is local, 1 is the unversioned
 * global; 2 and up are named by DT_VERDEF (definitions) or DT_VERNEED (references, each
 * naming the file expected to define it). */
#include "versions.h"
#include "hash.h"
#include "deps.h"

#define BAD(...) do { rt_snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* Room for version index idx (>= DSO_VERSION_FIRST); the table is sized for every index at
 * once, so each record's index is there already (the test inline, in the records' loops). */
__attribute__((noinline)) static int grow_to(struct dso *d, size_t idx)
{
	size_t have = d->nversions ? d->nversions - DSO_VERSION_FIRST : 0, n = idx + 1 - DSO_VERSION_FIRST;
	struct dso_version *v = rt_realloc(d->versions, n * sizeof *v);
	if (!v)
		return -1;
	memset(v + have, 0, (n - have) * sizeof *v);
	d->versions = v;
	d->nversions = idx + 1;
	return 0;
}
static inline int grow(struct dso *d, size_t idx) { return idx < d->nversions ? 0 : grow_to(d, idx); }

/* Is [p, p+len) inside the table that starts at `start` and has `room` readable bytes? */
static bool in_table(const char *start, size_t room, const void *p, size_t len)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)start; /* wraps, and fails, below the start */
	return off <= room && len <= room - off;
}

/* How many entries the verneed records at `need` (room readable bytes) hold, as far as the
 * records lie in the table: versions_build reports any that does not. A damaged count sizes
 * nothing the table cannot hold, and no index is above VERSYM_INDEX. */
static size_t verneed_entries(const struct dso *d, const char *need, size_t room)
{
	size_t n = 0;
	const char *p = need;
	for (size_t i = 0; p && i < dso_verneednum(d) && in_table(need, room, p, sizeof(Elf64_Verneed)); i++) {
		const Elf64_Verneed *vn = (const Elf64_Verneed *)p;
		n += vn->vn_cnt < room / sizeof(Elf64_Vernaux) ? vn->vn_cnt : room / sizeof(Elf64_Vernaux);
		if (n >= VERSYM_INDEX)
			return VERSYM_INDEX;
		if (!vn->vn_next)
			break;
		p += vn->vn_next;
	}
	return n;
}

int versions_build(struct dso *d, char *err, size_t errlen)
{
	/* Bounded walks: a fuzzed vd_next or vn_next could loop forever. Every record must lie
	 * in the readable segment that holds the table's start (one section: the linker never
	 * splits it), found once. */
	const char *p = (const char *)dso_verdef(d), *start = p;
	size_t room = p ? dso_room(d, (uintptr_t)p) : 0;
	const char *need = (const char *)dso_verneed(d);
	size_t need_room = need ? dso_room(d, (uintptr_t)need) : 0;
	/* Indexes run 1..verdefnum, then on through the verneed records' entries: the table is
	 * sized for all of them at once (any other index still grows it). */
	size_t last = p && dso_verdefnum(d) && dso_verdefnum(d) <= room / sizeof(Elf64_Verdef) ? dso_verdefnum(d) : 1;
	last += verneed_entries(d, need, need_room);
	if (last > 1 && grow(d, last) < 0)
		BAD("out of memory");
	for (size_t i = 0; p && i < dso_verdefnum(d); i++) {
		const Elf64_Verdef *vd = (const Elf64_Verdef *)p;
		if (!in_table(start, room, vd, sizeof *vd))
			BAD("version definition %zu outside the loaded segments", i);
		if (vd->vd_version != 1)
			BAD("unsupported version definition revision %u", vd->vd_version);
		const Elf64_Verdaux *aux = (const Elf64_Verdaux *)(p + vd->vd_aux);
		if (vd->vd_cnt && !in_table(start, room, aux, sizeof *aux))
			BAD("version definition name outside the loaded segments");
		uint16_t ndx = vd->vd_ndx & VERSYM_INDEX;
		if (vd->vd_cnt && !(vd->vd_flags & VER_FLG_BASE) && ndx >= DSO_VERSION_FIRST) {
			if (grow(d, ndx) < 0)
				BAD("out of memory");
			dso_version(d, ndx)->name = dso_str(d, aux->vda_name);
		}
		if (!vd->vd_next)
			break;
		p += vd->vd_next;
	}
	p = start = need;
	room = need_room;
	for (size_t i = 0; p && i < dso_verneednum(d); i++) {
		const Elf64_Verneed *vn = (const Elf64_Verneed *)p;
		if (!in_table(start, room, vn, sizeof *vn))
			BAD("version need %zu outside the loaded segments", i);
		if (vn->vn_version != 1)
			BAD("unsupported version need revision %u", vn->vn_version);
		const char *a = p + vn->vn_aux;
		for (size_t j = 0; j < vn->vn_cnt; j++) {
			const Elf64_Vernaux *va = (const Elf64_Vernaux *)a;
			if (!in_table(start, room, va, sizeof *va))
				BAD("version need entry outside the loaded segments");
			uint16_t ndx = va->vna_other & VERSYM_INDEX;
			if (ndx >= DSO_VERSION_FIRST) { /* 0 and 1 name no version */
				if (grow(d, ndx) < 0)
					BAD("out of memory");
				dso_version(d, ndx)->name = dso_str(d, va->vna_name);
			}
			if (!va->vna_next)
				break;
			a += va->vna_next;
		}
		if (!vn->vn_next)
			break;
		p += vn->vn_next;
	}
	return 0;
}

/* Is version `name` (its ELF hash `hash`) defined by dep? The walk is versions_build's, whose
 * checks every record passed before dep was accepted (deps_prepare), so the records are not
 * checked again. remember: a version found in a record of its own (not the base record, which
 * names the object) becomes want->def, which lookups then match without a compare. */
static bool defined_by(const struct dso *dep, struct dso_version *want, const char *name, uint32_t hash,
		       bool remember)
{
	const char *p = (const char *)dso_verdef(dep);
	for (size_t i = 0, n = dso_verdefnum(dep); p && i < n; i++) {
		const Elf64_Verdef *vd = (const Elf64_Verdef *)p;
		if (vd->vd_cnt && vd->vd_hash == hash &&
		    strcmp(dso_str(dep, ((const Elf64_Verdaux *)(p + vd->vd_aux))->vda_name), name) == 0) {
			size_t ndx = vd->vd_ndx & VERSYM_INDEX;
			if (remember && want && !(vd->vd_flags & VER_FLG_BASE) && ndx >= DSO_VERSION_FIRST &&
			    ndx < dep->nversions)
				want->def = dso_version(dep, ndx);
			return true;
		}
		if (!vd->vd_next)
			break;
		p += vd->vd_next;
	}
	return false;
}

/* The needed versions of one verneed record (a file), checked against that file's verdefs. */
static bool check_file(struct dso *d, const Elf64_Verneed *vn, bool report_all)
{
	bool all_found = true;
	struct dso *dep = deps_find_loaded(dso_str(d, vn->vn_file));
	bool needed = false; /* dep is a DT_NEEDED of d: it stays loaded while d does */
	for (size_t j = 0; dep && j < d->ndeps && !needed; j++)
		needed = d->deps[j] == dep;
	if (!dep || !dso_verdef(dep))
		return true; /* an unversioned library satisfies every version (glibc agrees) */
	const char *a = (const char *)vn + vn->vn_aux;
	for (size_t j = 0; j < vn->vn_cnt; j++) {
		const Elf64_Vernaux *va = (const Elf64_Vernaux *)a;
		size_t ndx = va->vna_other & VERSYM_INDEX;
		struct dso_version *v = ndx >= DSO_VERSION_FIRST && ndx < d->nversions ? dso_version(d, ndx) : NULL;
		const char *name = dso_str(d, va->vna_name);
		if (DEBUG_ON(DBG_VERSIONS))
			dbg("checking for version `%s' in file %s [0] required by file %s [0]", name, dso_display(dep),
			    dso_display(d));
		if (!defined_by(dep, v, name, va->vna_hash, needed) && !(va->vna_flags & VER_FLG_WEAK)) {
			const char *by = d == R.main ? R.progname : dso_display(d);
			if (!report_all)
				rt_die(NULL, dso_display(dep), "version `%s' not found (required by %s)", name, by);
			rt_error_line(dso_display(dep), "version `%s' not found (required by %s)", name, by);
			all_found = false;
		}
		if (!va->vna_next)
			break;
		a += va->vna_next;
	}
	return all_found;
}

bool versions_check(struct dso *d, bool report_all)
{
	bool all_found = true;
	const char *p = (const char *)dso_verneed(d);
	for (size_t i = 0, n = dso_verneednum(d); p && i < n; i++) {
		const Elf64_Verneed *vn = (const Elf64_Verneed *)p;
		if (!check_file(d, vn, report_all))
			all_found = false;
		if (!vn->vn_next)
			break;
		p += vn->vn_next;
	}
	return all_found;
}
