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
struct extension_section {
	uint32_t tag, flags, offset, size;
};
#define EXTENSION_MAGIC 0xeaa42174u /* glibc's (uint32_t) -358342284 */
#define EXTENSION_TAG_HWCAPS 1
#define HWCAP_EXTENSION (1ull << 62)
#define ISA_LEVEL_MASK 0x3ffu
#define PLATFORM_BITS (0xfull << 48) /* i586, i686, haswell, xeon_phi */

/* The string table, [start, end): every string in it ends before `end` (its last byte is a
 * NUL), so an offset inside it is a whole string and needs no scan to be trusted. */
struct strings {
	const char *base;
	uint32_t start, end;
};

static int strings_of(const void *cache, size_t size, struct strings *s)
{
	const struct cache_header *h = cache;
	if (size < sizeof *h || memcmp(h->magic, LDCACHE_MAGIC, 20) != 0 || size > 0xffffffffu)
		return -1;
	if (h->nlibs > (size - sizeof *h) / sizeof(struct cache_entry))
		return -1;
	size_t start = sizeof *h + (size_t)h->nlibs * sizeof(struct cache_entry);
	size_t end = h->len_strings && start + h->len_strings <= size ? start + h->len_strings : size;
	if (end <= start || ((const char *)cache)[end - 1] != 0)
		return -1;
	s->base = cache;
	s->start = (uint32_t)start;
	s->end = (uint32_t)end;
	return 0;
}

static const char *string_at(const struct strings *s, uint32_t off)
{
	return off >= s->start && off < s->end ? s->base + off : NULL;
}

int ldcache_valid(const void *cache, size_t size)
{
	struct strings s;
	return strings_of(cache, size, &s);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

int ldcache_libcmp(const char *a, const char *b)
{
	while (*a) {
		if (is_digit(*a)) {
			if (!is_digit(*b))
				return 1;
			unsigned long va = 0, vb = 0;
			while (is_digit(*a))
				va = va * 10 + (unsigned long)(*a++ - '0');
			while (is_digit(*b))
				vb = vb * 10 + (unsigned long)(*b++ - '0');
			if (va != vb)
				return va < vb ? -1 : 1;
		} else if (is_digit(*b)) {
			return -1;
		} else if (*a != *b) {
			return *a - *b; /* plain (signed) char, as ldconfig sorted with */
		} else {
			a++;
			b++;
		}
	}
	return -*b;
}

/* The name of glibc-hwcaps subdirectory number `index` of the cache's extension section. */
static const char *hwcaps_name(const void *cache, size_t size, const struct strings *s, uint32_t index)
{
	const struct cache_header *h = cache;
	uint32_t off = h->extension_offset;
	if (!off || off % 4 || (size_t)off + 8 > size)
		return NULL;
	const uint32_t *ext = (const uint32_t *)((const char *)cache + off);
	if (ext[0] != EXTENSION_MAGIC || ext[1] > (size - off - 8) / sizeof(struct extension_section))
		return NULL;
	const struct extension_section *sec = (const struct extension_section *)(ext + 2);
	for (uint32_t i = 0; i < ext[1]; i++) {
		if (sec[i].tag != EXTENSION_TAG_HWCAPS || sec[i].offset % 4 || sec[i].size % 4 ||
		    (size_t)sec[i].offset + sec[i].size > size)
			continue;
		if (index >= sec[i].size / 4)
			return NULL;
		return string_at(s, ((const uint32_t *)((const char *)cache + sec[i].offset))[index]);
	}
	return NULL;
}

/* 1 for the best glibc-hwcaps subdirectory of this process, 2 the next...; 0: not used here. */
static size_t hwcaps_rank(const char *subdir, const struct ldcache_caps *caps)
{
	for (size_t i = 0; subdir && caps && i < caps->nhwcaps; i++)
		if (strcmp(subdir, caps->hwcaps[i]) == 0)
			return i + 1;
	return 0;
}

/* The entries for `name` start at `first`: glibc-hwcaps ones (best rank wins), then plain
 * ones (the first usable one, unless a hwcaps entry won already). */
static const char *best_entry(const void *cache, size_t size, const struct strings *s, uint32_t first, const char *name,
			      ldcache_caps_fn get_caps)
{
	const struct ldcache_caps *caps = NULL;
	bool asked = false;
	const struct cache_header *h = cache;
	const struct cache_entry *e = (const struct cache_entry *)(h + 1);
	const char *best = NULL;
	size_t best_rank = 0;
	for (uint32_t i = first; i < h->nlibs; i++) {
		const char *key = string_at(s, e[i].key);
		if (!key || ldcache_libcmp(name, key) != 0)
			break;
		const char *value = string_at(s, e[i].value);
		if (e[i].flags != LDCACHE_FLAGS_X8664_LIBC6 || !value)
			continue;
		uint64_t hw = e[i].hwcap;
		if (hw && !asked) {
			caps = get_caps ? get_caps() : NULL;
			asked = true;
		}
		bool named = ((hw >> 32) & ~(uint64_t)ISA_LEVEL_MASK) == HWCAP_EXTENSION >> 32;
		if (named) {
			uint32_t level = 1u << ((hw >> 32) & ISA_LEVEL_MASK & 31);
			if (!caps || (caps->isa_levels & level) != level)
				continue;
			size_t rank = hwcaps_rank(hwcaps_name(cache, size, s, (uint32_t)hw), caps);
			if (!rank || (best && rank >= best_rank))
				continue;
			best = value;
			best_rank = rank;
			continue;
		}
		if (best)
			break;
		uint64_t allowed = caps ? caps->legacy_allowed : 0;
		if (hw & ~allowed)
			continue;
		if ((hw & PLATFORM_BITS) && (!caps || (hw & PLATFORM_BITS) != caps->platform_bit))
			continue;
		return value; /* a plain entry of our flags: nothing later is better */
	}
	return best;
}

const char *ldcache_lookup(const void *cache, size_t size, const char *name, ldcache_caps_fn caps)
{
	struct strings s;
	if (strings_of(cache, size, &s) < 0)
		return NULL;
	const struct cache_header *h = cache;
	const struct cache_entry *e = (const struct cache_entry *)(h + 1);
	/* Descending order: a name below the middle key lies to the right. */
	int64_t lo = 0, hi = (int64_t)h->nlibs - 1;
	while (lo <= hi) {
		int64_t mid = lo + (hi - lo) / 2;
		const char *key = string_at(&s, e[mid].key);
		if (!key)
			return NULL;
		int c = ldcache_libcmp(name, key);
		if (c < 0) {
			lo = mid + 1;
		} else if (c > 0) {
			hi = mid - 1;
		} else {
			while (mid > 0 && string_at(&s, e[mid - 1].key) && ldcache_libcmp(name, s.base + e[mid - 1].key) == 0)
				mid--;
			const char *p = best_entry(cache, size, &s, (uint32_t)mid, name, caps);
			return p && p[0] == '/' ? p : NULL;
		}
	}
	return NULL;
}
