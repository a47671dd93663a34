/* Known answers for mmld share: 512 KiB of text, all of it executed, and 256 KiB of
 * initialised data, every page written. With N processes: the text is N x 128 resident pages
 * but 128 frames; the data is N x 64 private pages. `known hold`: then says "ready" and waits
 * for a signal, to be measured as a running process (mmld share --pid). */
#include "nolibc/nolibc.h"

#define TEXT_BYTES (512 * 1024)
#define DATA_BYTES (256 * 1024)

/* 512 KiB of nops ending in ret, alone on its pages. */
__asm__(".section .text.known, \"ax\", @progbits\n"
	".balign 4096\n"
	".globl known_text\n"
	"known_text:\n"
	".fill 524287, 1, 0x90\n"
	"ret\n"
	".balign 4096\n"
	".text\n");
void known_text(void);

/* Initialised (so in the file, not bss), page-aligned, written page by page. */
__attribute__((aligned(4096))) char known_data[DATA_BYTES] = {1};

long lib_touch(void); /* reads the library's 1 MiB of read-only data */

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	known_text();
	for (int i = 0; i < DATA_BYTES; i += 4096)
		((volatile char *)known_data)[i] = (char)i;
	out_kv("lib_touch", lib_touch());
	if (argc > 1 && nl_strcmp(argv[1], "hold") == 0) {
		outln("ready");
		for (;;)
			nl_syscall(34 /* pause */, 0, 0, 0, 0, 0, 0);
	}
	return 0;
}
