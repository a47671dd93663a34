/* For tests/e2e/prefault.sh: 4,096 RELATIVE relocations (enough for ld-mmld.so to populate
 * their pages ahead of them) in two runs of pages, with eight pages between the runs that no
 * relocation writes and nothing else touches. */
static const char word[] = "relocated";

struct layout {
	const char *head[2048];
	char gap[8 * 4096];
	const char *tail[2048];
};

/* In .data, in this order: initialised, so the gap is file-backed like the rest. */
struct layout prefault_data = {
	.head = {[0 ... 2047] = word},
	.gap = {[0 ... 8 * 4096 - 1] = 1},
	.tail = {[0 ... 2047] = word},
};

const char *prefault_word(int i) { return i ? prefault_data.tail[2047] : prefault_data.head[0]; }
