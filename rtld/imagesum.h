/* A fast checksum of a relocated image (relocation cache): four lanes of Fletcher's two
 * sums over the words, folded at the end. Not a keyed or cryptographic hash:
 * it tells a damaged image from the one published, which the cache's owner alone can write.
 * Pure: the loader's `mmld cache verify` and ld-mmld.so share it. */
#ifndef MMLD_IMAGESUM_H
#define MMLD_IMAGESUM_H
#include <stddef.h>
#include <stdint.h>

/* len is a multiple of 32 (an image is whole pages). */
uint64_t image_sum(const void *p, size_t len);

#endif
