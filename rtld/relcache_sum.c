/* The checksum of a cache entry's metadata (header, path, key, fix-ups): written by
 * relcache_publish.c, checked by relcache_file.c before an entry is used and by the loader's
 * `mmld cache verify`. Pure, so both builds share this one definition. */
#include "relcache_format.h"
#include "siphash.h"

uint64_t rc_meta_sum(const struct rc_header *h, const void *path, const void *key, const void *fixups)
{
	struct rc_header copy = *h;
	copy.meta_sum = 0;
	struct sip_key k = {RC_SUM_KEY, 0};
	k.k1 = siphash24(&k, &copy, sizeof copy);
	k.k1 = siphash24(&k, path, h->path_len);
	k.k1 = siphash24(&k, key, h->key_len);
	return siphash24(&k, fixups, h->fixup_count * RC_FIXUP_SIZE);
}
