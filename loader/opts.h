/* The options of mmld's subcommands: each subcommand describes its options in one table
 * (struct opt[]), and opts_parse() does the rest with getopt_long: `-n8`, `-n 8`,
 * `--count=8`, `--count 8`; strict values (whole numbers and durations in a range, one of a
 * list of words); conflicting options; --help generated from the same table.
 *
 * Adding an option is adding a row to the subcommand's table, e.g.
 *   {.name = "top", .kind = OPT_INT, .dest = &o.top, .metavar = "N", .min = 1, .max = 1000,
 *    .help = "show the N largest objects"},
 * and reading o.top after the parse. Nothing in opts.c changes. */
#ifndef MMLD_OPTS_H
#define MMLD_OPTS_H
#include <stdbool.h>
#include <stddef.h>

enum opt_kind {
	OPT_FLAG,    /* bool *dest = true */
	OPT_INT,     /* int *dest: a whole number in [min, max] */
	OPT_SECONDS, /* double *dest: a duration in [fmin, fmax] seconds: 2, 0.5, 1.5s, 250ms, 2m */
	OPT_STRING,  /* const char **dest: any non-empty text */
	OPT_CHOICE,  /* int *dest: the index of the word in choices[] */
	OPT_CUSTOM,  /* parse(arg, dest, why, len): 0, or -1 with why filled ("is not ...") */
};

struct opt {
	const char *name;        /* the long name, without "--" */
	char letter;             /* the short option, or 0 */
	enum opt_kind kind;
	void *dest;
	const char *metavar;     /* what the argument is called in --help ("N", "FILE"); not for flags */
	const char *help;        /* --help text; "\n" continues on the next line */
	const char *deflt;       /* the default, for --help ("4", "exit"), or NULL */
	long min, max;           /* OPT_INT */
	double fmin, fmax;       /* OPT_SECONDS */
	const char *const *choices;         /* OPT_CHOICE: NULL-terminated */
	int (*parse)(const char *arg, void *dest, char *why, size_t len); /* OPT_CUSTOM */
	const char *const *conflicts;       /* long names this one cannot be given with (NULL-terminated) */
	/* Filled by opts_parse: */
	bool given;
	const char *arg;         /* the argument as given (last occurrence) */
	char spelled[40];        /* as the user typed it: "-n" or "--count" */
};

struct command {
	const char *name;        /* "share": messages start "mmld share: " */
	const char *usage;       /* after "mmld NAME ": "[OPTIONS] [--] PROGRAM [ARGS]" */
	const char *summary;     /* one sentence: what the command does */
	const char *details;     /* printed after the options by --help: output columns, examples */
	struct opt *opts;        /* ended by an entry with name NULL; --help/-h is added */
	int min_operands, max_operands; /* max -1: no limit */
	bool program_follows;    /* options end at the first operand (it and the rest are PROGRAM ARGS) */
};

/* Parses argv (argv[0] is the subcommand's name). true: *first is the index of the first
 * operand. false: the command must end now with exit status *status (0 after --help, 2 after
 * a bad argument, which has been reported in one line). */
bool opts_parse(const struct command *c, int argc, char **argv, int *first, int *status);

/* The option named `name` in c's table (NULL if none). */
struct opt *opts_find(const struct command *c, const char *name);
/* Was the option given on the command line? */
bool opts_given(const struct command *c, const char *name);

/* Reports a bad argument in one line ("mmld NAME: ..."; printf format), the line through
 * shown() (what it quotes is untrusted: pass names raw, not already shown()); returns 2. */
int opts_error(const struct command *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --help of c on stdout. */
void opts_help(const struct command *c);

/* The value parsers, for custom options and for the unit tests. 0, or -1 with why filled. */
int opts_parse_int(const char *s, long min, long max, long *out, char *why, size_t len);
int opts_parse_seconds(const char *s, double min, double max, double *out, char *why, size_t len);
#endif
