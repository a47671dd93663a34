#include "ldcache.h"
#include "lib/string.h"

struct cache_header {
	char magic[20];
	uint32_t nlibs, len_strings;
	uint8_t flags, pad[3];
	uint32_t extension_offset, unused[3];
};
struct cache_entry {
	int32_t flags;
	uint32_t key, value, osversion;
	uint64_t hwcap;
};

int ldcache_valid(const void *cache, size_t size)
{
	const struct cache_header *h = cache;
	if (size < sizeof *h || memcmp(h->magic, LDCACHE_MAGIC, 20) != 0)
		return -1;
	if (h->nlibs > (size - sizeof *h) / sizeof(struct cache_entry))
		return -1;
	return 0;
}

static const char *str_at(const void *cache, size_t size, uint32_t off)
{
	if (off >= size)
		return NULL;
	const char *s = (const char *)cache + off;
	size_t left = size - off, k = 0;
	while (k < left && s[k])
		k++;
	if (k == left)
		return NULL;
	return s;
}

const char *ldcache_lookup(const void *cache, size_t size, const char *name)
{
	if (ldcache_valid(cache, size) < 0)
		return NULL;
	const struct cache_header *h = cache;
	const struct cache_entry *e = (const struct cache_entry *)(h + 1);
	for (uint32_t i = 0; i < h->nlibs; i++) {
		if ((e[i].flags & 0xffff) != LDCACHE_FLAGS_X8664_LIBC6 || e[i].hwcap != 0)
			continue;
		const char *key = str_at(cache, size, e[i].key);
		if (!key || strcmp(key, name) != 0)
			continue;
		const char *val = str_at(cache, size, e[i].value);
		if (val && val[0] == '/')
			return val;
	}
	return NULL;
}
