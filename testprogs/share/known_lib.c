/* Known answers for mmld share: 1 MiB of read-only data, every page read, and 4096 pointers
 * (32 KiB, 8 pages) that the loader relocates, each page therefore copied on write. */
#define RO_BYTES (1024 * 1024)
__attribute__((aligned(4096))) const char known_ro[RO_BYTES] = {1};

static char target[64];
#define P1 target + 1
#define P4 P1, P1, P1, P1
#define P16 P4, P4, P4, P4
#define P64 P16, P16, P16, P16
#define P256 P64, P64, P64, P64
#define P1024 P256, P256, P256, P256
/* const pointers: .data.rel.ro, made read-only after relocation (RELRO). */
__attribute__((aligned(4096))) char *const known_ptrs[4096] = {P1024, P1024, P1024, P1024};

long lib_touch(void)
{
	long sum = 0;
	for (int i = 0; i < RO_BYTES; i += 4096)
		sum += ((const volatile char *)known_ro)[i];
	for (int i = 0; i < 4096; i += 512)
		sum += known_ptrs[i] == target + 1;
	return sum;
}
