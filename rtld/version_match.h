/* Does a definition satisfy a versioned (or unversioned) reference? A pure function of the
 * defining object's tables. Inline: symbol lookup asks it of every candidate whose name
 * matched; version_match.c gives the unit tests an out-of-line copy. */
#ifndef MMLD_VERSION_MATCH_H
#define MMLD_VERSION_MATCH_H
#include "dso.h"
#include "lib/string.h"

static inline bool version_match(const struct dso *def, size_t symidx, const struct dso_version *want)
{
	if (!def->versym)
		return true; /* an unversioned object satisfies every reference */
	if (symidx >= def->nversym)
		return false;
	uint16_t vs = def->versym[symidx];
	uint16_t idx = vs & VERSYM_INDEX;
	if (!want || !want->name) {
		/* Unversioned reference: the default (non-hidden) definition. Index 0/1 are plain. */
		return !(vs & VERSYM_HIDDEN) || idx <= VER_NDX_GLOBAL;
	}
	if (idx <= VER_NDX_GLOBAL)
		return true; /* an unversioned definition satisfies a versioned reference */
	if (idx >= def->nversions || !dso_version(def, idx)->name)
		return false;
	const struct dso_version *have = dso_version(def, idx);
	if (have == want->def)
		return true;
	/* Known to be another of def's versions: no compare (one object defines a name once). */
	if (want->def && (uintptr_t)want->def - (uintptr_t)def->versions < (def->nversions - DSO_VERSION_FIRST) * sizeof *have)
		return false;
	return strcmp(have->name, want->name) == 0;
}
#endif
