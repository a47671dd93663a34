/* mmld: run programs through ld-mmld.so and see how they are loaded.
 * The subcommands, one row each: `mmld help` lists them, `mmld help NAME` (or `mmld NAME
 * --help`) describes one. Each parses its own options (opts.h). */
#include "mmld.h"
#include <stdio.h>
#include <string.h>

#ifndef MMLD_VERSION
#define MMLD_VERSION "unknown"
#endif

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"run", cmd_run, "run a program through ld-mmld.so (with --tree, every program it starts too)"},
	{"share", cmd_share, "what N processes of a program cost in physical memory, and what sharing saves"},
	{"inspect", cmd_inspect, "an ELF file's load plan: pages, protections, what relocations make private"},
	{"exec", cmd_exec, "run a program mapped by mmld instead of by the kernel (a user-space exec)"},
	{"pages", cmd_pages, "which pages of each object a program made private, and why; which it never touched"},
	{"cache", cmd_cache, "the relocation cache (MMLD_RELOC_CACHE=1): list, verify or clear its entries"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fprintf(f, "usage: mmld COMMAND [OPTIONS] [ARGS]\n"
		   "       mmld help [COMMAND] | --help | --version\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'mmld help COMMAND' or 'mmld COMMAND --help' describes one command: its options and its output.\n"
		   "ld-mmld.so is looked for beside mmld, then in ../lib/mmld/; $MMLD_RTLD overrides both.\n"
		   "Exit status: 0 done, 1 the command failed, 2 a bad argument; 'mmld run' returns the program's own.\n");
}

static const struct subcommand *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* mmld help [COMMAND]: the same text as `mmld COMMAND --help`. */
static int help(int argc, char **argv)
{
	if (argc == 0) {
		usage(stdout);
		return 0;
	}
	const struct subcommand *c = find(argv[0]);
	if (argc > 1 || !c) {
		fprintf(stderr, "mmld help: %s '%s' (mmld help lists the commands)\n",
			argc > 1 ? "one command at a time, not" : "unknown command", shown(argv[argc > 1 ? 1 : 0]));
		return 2;
	}
	char *args[] = {(char *)c->name, "--help", NULL};
	return c->run(2, args);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *word = argv[1];
	if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0)
		return help(0, NULL);
	if (strcmp(word, "--version") == 0 || strcmp(word, "-V") == 0) {
		printf("mmld %s\n", MMLD_VERSION);
		return 0;
	}
	if (strcmp(word, "help") == 0)
		return help(argc - 2, argv + 2);
	const struct subcommand *c = find(word);
	if (!c) {
		fprintf(stderr, "mmld: unknown %s '%s' (mmld help lists the commands)\n",
			word[0] == '-' ? "option" : "command", shown(word));
		return 2;
	}
	return c->run(argc - 1, argv + 1);
}
