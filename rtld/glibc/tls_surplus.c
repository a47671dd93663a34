/* The static TLS surplus (room left after the start-up objects' TLS for libraries dlopen'ed
 * later with initial-exec TLS, and each audit namespace's libc.so.6), sized as glibc 2.36's
 * _dl_tls_static_surplus_init sizes it from GLIBC_TUNABLES: glibc.rtld.nns namespaces (4,
 * at most 16) each with 144 bytes of libc's and 144 of other libraries' initial-exec TLS
 * (but the first namespace's libc, whose TLS is counted already), plus
 * glibc.rtld.optional_static_tls (512), plus 144 kept so that the defaults give the
 * historic 1664. Raising optional_static_tls is the documented cure for a dlopen's "cannot
 * allocate memory in static TLS block". */
#include "glibc.h"

#define LIBC_IE_TLS 144
#define OTHER_IE_TLS 144
#define LEGACY_TLS 144
#define DEFAULT_NNS 4
#define OPTIONAL_TLS 512
#define DL_NNS_ 16

static size_t tunable_or(const char *name, size_t def)
{
	int64_t v;
	return glibc_tunable(name, &v) ? (size_t)v : def;
}

/* The namespaces glibc.rtld.nns sizes the surplus for (audit modules' come on top). */
unsigned glibc_tls_namespaces(void)
{
	glibc_tunables_init();
	size_t nns = tunable_or("glibc.rtld.nns", DEFAULT_NNS);
	return nns > DL_NNS_ ? DL_NNS_ : (unsigned)nns;
}

size_t glibc_tls_surplus(unsigned naudit)
{
	size_t nns = glibc_tls_namespaces() + naudit;
	size_t optional = tunable_or("glibc.rtld.optional_static_tls", OPTIONAL_TLS);
	LM(_rtld_global, GL__dl_tls_static_optional, size_t) = optional;
	return (nns - 1) * LIBC_IE_TLS + nns * OTHER_IE_TLS + optional + LEGACY_TLS;
}
