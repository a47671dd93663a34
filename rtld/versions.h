#ifndef MMLD_VERSIONS_H
#define MMLD_VERSIONS_H
#include "rtld.h"

/* Builds d->versions[] from DT_VERDEF and DT_VERNEED: what each versym index means. */
HIDDEN int versions_build(struct dso *d, char *err, size_t errlen);
/* Checks every DT_VERNEED entry of d against the verdefs of the objects it names, with
 * glibc's message for a missing one: true if each is defined. report_all (start-up): each missing one is reported and
 * the check goes on (the caller ends the run, or ldd lists on); else the first is an error
 * (dlopen's). */
HIDDEN bool versions_check(struct dso *d, bool report_all);
/* Does symbol `symidx` of `def` satisfy a reference asking for version `want`
 * (NULL: unversioned reference)? Pure function of the tables; unit-tested. */
HIDDEN bool version_matches(const struct dso *def, size_t symidx, const struct dso_version *want);
#endif
