/* mmld: run programs through ld-mmld.so and see how they are loaded.
 *   mmld run [--tree] [--] COMMAND [ARGS]   run COMMAND through ld-mmld.so */
#include "mmld.h"
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: mmld COMMAND ...\n"
		   "  run [--tree] [--] PROGRAM [ARGS]   run PROGRAM through ld-mmld.so; with --tree, every\n"
		   "                                     program it starts too (private mount namespace)\n"
		   "  share -n N [--at loaded|entry|exit|SECONDS] [--loader mmld|system] [--load=read]\n"
		   "        [--compare | --compare-load] [--json] [--svg FILE] -- PROGRAM [ARGS]\n"
		   "                                     what N processes cost in memory, and what sharing saves\n"
		   "  inspect FILE                       an ELF file's load plan: pages, protections, what\n"
		   "                                     stays shared and what relocations make private\n"
		   "  exec [--copy] [--trace] [--interp PATH|mmld] [--dry-run] [--] PROGRAM [ARGS]\n"
		   "                                     run PROGRAM with itself and its interpreter mapped by\n"
		   "                                     mmld instead of by the kernel (a user-space exec)\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(argv[1], "share") == 0)
		return cmd_share(argc - 2, argv + 2);
	if (strcmp(argv[1], "inspect") == 0)
		return cmd_inspect(argc - 2, argv + 2);
	if (strcmp(argv[1], "exec") == 0)
		return cmd_exec(argc - 2, argv + 2);
	fprintf(stderr, "mmld: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
