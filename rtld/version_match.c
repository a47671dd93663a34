/* version_match.h's test out of line, for the unit tests (which link it without the loader's
 * state) and for callers off the lookup path. */
#include "versions.h"
#include "version_match.h"

bool version_matches(const struct dso *def, size_t symidx, const struct dso_version *want)
{
	return version_match(def, symidx, want);
}
