/* Option parsing for every subcommand: the table of struct opt (see opts.h) turned into
 * getopt_long's tables, each value checked strictly, errors in one line, --help. */
#include "opts.h"
#include "mmld.h"
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* getopt_long returns LONG_BASE + index for a long option, the letter for a short one, so we
 * know how the user spelled it. */
#define LONG_BASE 0x100

static size_t count_opts(const struct command *c)
{
	size_t n = 0;
	while (c->opts && c->opts[n].name)
		n++;
	return n;
}

static bool takes_arg(const struct opt *o)
{
	return o->kind != OPT_FLAG;
}

struct opt *opts_find(const struct command *c, const char *name)
{
	for (size_t i = 0; c->opts && c->opts[i].name; i++)
		if (strcmp(c->opts[i].name, name) == 0)
			return &c->opts[i];
	return NULL;
}

bool opts_given(const struct command *c, const char *name)
{
	const struct opt *o = opts_find(c, name);
	return o && o->given;
}

/* The whole line goes through shown(): what it quotes is argv (an option's value, an
 * operand, a word getopt_long refused), and argv is whatever the caller typed or a script
 * passed, escapes and all; the fixed words are printable ASCII, which shown() leaves alone. */
int opts_error(const struct command *c, const char *fmt, ...)
{
	char *line = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "mmld %s: %s\n", c->name, n < 0 ? fmt : shown(line));
	free(line);
	return 2;
}

int opts_parse_int(const char *s, long min, long max, long *out, char *why, size_t len)
{
	const char *p = s;
	if (*p == '-' && min < 0)
		p++;
	bool digits = *p != 0;
	for (; *p; p++)
		digits &= *p >= '0' && *p <= '9';
	if (!digits) {
		snprintf(why, len, "is not a whole number (allowed: %ld to %ld)", min, max);
		return -1;
	}
	errno = 0;
	long v = strtol(s, NULL, 10);
	if (errno == ERANGE || v < min || v > max) {
		snprintf(why, len, "is out of range (allowed: %ld to %ld)", min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Seconds per unit of a duration's suffix, 0 if it is not one. */
static double unit_seconds(const char *u)
{
	static const struct { const char *name; double seconds; } units[] = {
		{"", 1}, {"s", 1}, {"ms", 1e-3}, {"m", 60}, {"h", 3600}};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(u, units[i].name) == 0)
			return units[i].seconds;
	return 0;
}

/* A duration is decimal digits with at most one point, then an optional unit: no sign, no
 * exponent, no inf or nan (strtod would take all of those). */
int opts_parse_seconds(const char *s, double min, double max, double *out, char *why, size_t len)
{
	size_t digits = 0, points = 0, i = 0;
	for (; s[i] && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++)
		s[i] == '.' ? points++ : digits++;
	double unit = unit_seconds(s + i);
	if (!digits || points > 1 || unit == 0) {
		snprintf(why, len, "is not a duration (allowed: %g to %g seconds; e.g. 2, 0.5, 250ms, 2m)", min, max);
		return -1;
	}
	double v = strtod(s, NULL) * unit;
	if (!isfinite(v) || v < min || v > max) {
		snprintf(why, len, "is out of range (allowed: %g to %g seconds)", min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static void list_choices(const struct opt *o, char *buf, size_t len)
{
	buf[0] = 0;
	for (size_t k = 0; o->choices[k]; k++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", k ? ", " : "", o->choices[k]);
}

/* Stores arg into o's destination; 0, or -1 with why filled. */
static int store(struct opt *o, const char *arg, char *why, size_t len)
{
	long l;
	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)o->dest = true;
		return 0;
	case OPT_INT:
		if (opts_parse_int(arg, o->min, o->max, &l, why, len) < 0)
			return -1;
		*(int *)o->dest = (int)l;
		return 0;
	case OPT_SECONDS:
		return opts_parse_seconds(arg, o->fmin, o->fmax, (double *)o->dest, why, len);
	case OPT_STRING:
		if (!*arg) {
			snprintf(why, len, "is empty");
			return -1;
		}
		*(const char **)o->dest = arg;
		return 0;
	case OPT_CHOICE:
		for (int k = 0; o->choices[k]; k++)
			if (strcmp(arg, o->choices[k]) == 0) {
				*(int *)o->dest = k;
				return 0;
			}
		char list[160];
		list_choices(o, list, sizeof list);
		snprintf(why, len, "is not one of: %s", list);
		return -1;
	case OPT_CUSTOM:
		return o->parse(arg, o->dest, why, len);
	}
	return -1;
}

/* getopt_long's tables from ours. The short string begins with ':' (we report missing
 * arguments) and '+' when operands end the options (they are the program's). */
static struct option *long_table(const struct command *c, size_t n, char *shorts, size_t slen)
{
	struct option *lo = calloc(n + 2, sizeof *lo);
	size_t k = 0;
	if (c->program_follows)
		shorts[k++] = '+';
	shorts[k++] = ':';
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &c->opts[i];
		lo[i] = (struct option){o->name, takes_arg(o) ? required_argument : no_argument, NULL, LONG_BASE + (int)i};
		if (o->letter && k + 3 < slen) {
			shorts[k++] = o->letter;
			if (takes_arg(o))
				shorts[k++] = ':';
		}
	}
	lo[n] = (struct option){"help", no_argument, NULL, LONG_BASE + (int)n};
	shorts[k++] = 'h';
	shorts[k] = 0;
	return lo;
}

static struct opt *by_letter(const struct command *c, int letter)
{
	for (size_t i = 0; c->opts && c->opts[i].name; i++)
		if (c->opts[i].letter == letter)
			return &c->opts[i];
	return NULL;
}

/* How many long names begin with the prefix `arg` (after "--", up to any '='). */
static int prefix_matches(const struct option *lo, const char *arg)
{
	size_t len = strcspn(arg, "=");
	int n = 0;
	for (; lo->name; lo++)
		n += strncmp(lo->name, arg, len) == 0;
	return n;
}

/* What an option's value is called: its metavar, or for a choice the words ("mmld|system"). */
static const char *metavar(const struct opt *o)
{
	static char buf[160];
	if (o->metavar || o->kind != OPT_CHOICE)
		return o->metavar ? o->metavar : "VALUE";
	buf[0] = 0;
	for (size_t k = 0; o->choices[k]; k++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", k ? "|" : "", o->choices[k]);
	return buf;
}

/* One line for what getopt_long refused: unknown, ambiguous, missing or unwanted argument. */
static void report_getopt_error(const struct command *c, const struct option *lo, size_t n, int ret, char **argv)
{
	int opt = optopt;
	const char *word = argv[optind - 1];
	if (ret == ':') {
		const struct opt *o = opt >= LONG_BASE ? &c->opts[opt - LONG_BASE] : by_letter(c, opt);
		if (opt >= LONG_BASE)
			opts_error(c, "option '--%s' needs a value (%s)", o->name, metavar(o));
		else
			opts_error(c, "option '-%c' needs a value (%s)", opt, o ? metavar(o) : "");
	} else if (opt >= LONG_BASE && (size_t)(opt - LONG_BASE) <= n)
		opts_error(c, "option '--%s' takes no value", lo[opt - LONG_BASE].name);
	else if (opt)
		opts_error(c, "unknown option '-%c' (mmld %s --help lists them)", opt, c->name);
	else if (strncmp(word, "--", 2) == 0 && prefix_matches(lo, word + 2) > 1)
		opts_error(c, "ambiguous option '%.*s' (mmld %s --help lists them)", (int)strcspn(word, "="), word, c->name);
	else
		opts_error(c, "unknown option '%.*s' (mmld %s --help lists them)", (int)strcspn(word, "="), word, c->name);
}

static bool check_conflicts(const struct command *c)
{
	for (size_t i = 0; c->opts && c->opts[i].name; i++) {
		const struct opt *o = &c->opts[i];
		for (size_t k = 0; o->given && o->conflicts && o->conflicts[k]; k++) {
			const struct opt *other = opts_find(c, o->conflicts[k]);
			if (other && other->given) {
				opts_error(c, "%s and %s cannot be used together", o->spelled, other->spelled);
				return false;
			}
		}
	}
	return true;
}

static bool check_operands(const struct command *c, int argc, char **argv, int first)
{
	int n = argc - first;
	if (n < c->min_operands) {
		opts_error(c, "missing operand; usage: mmld %s %s", c->name, c->usage);
		return false;
	}
	if (c->max_operands >= 0 && n > c->max_operands) {
		opts_error(c, "unexpected operand '%s'; usage: mmld %s %s", argv[first + c->max_operands], c->name, c->usage);
		return false;
	}
	return true;
}

bool opts_parse(const struct command *c, int argc, char **argv, int *first, int *status)
{
	size_t n = count_opts(c);
	char shorts[128];
	struct option *lo = long_table(c, n, shorts, sizeof shorts);
	bool ok = true, help = false;
	opterr = 0;
	optind = 0; /* glibc: start afresh (a second parse in one process, e.g. `mmld help X`) */
	int ret;
	while (ok && !help && (ret = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		struct opt *o = ret >= LONG_BASE && ret < LONG_BASE + (int)n ? &c->opts[ret - LONG_BASE]
			      : ret < LONG_BASE && ret != 'h' ? by_letter(c, ret) : NULL;
		if (ret == LONG_BASE + (int)n || ret == 'h') {
			help = true;
		} else if (ret == '?' || ret == ':' || !o) {
			report_getopt_error(c, lo, n, ret, argv);
			ok = false;
		} else if (optarg && strcmp(optarg, "--") == 0) {
			/* `--svg -- PROGRAM`: the value was forgotten, "--" is not a file name */
			if (ret < LONG_BASE)
				opts_error(c, "option '-%c' needs a value (%s)", o->letter, metavar(o));
			else
				opts_error(c, "option '--%s' needs a value (%s)", o->name, metavar(o));
			ok = false;
		} else {
			if (ret < LONG_BASE)
				snprintf(o->spelled, sizeof o->spelled, "-%c", o->letter);
			else
				snprintf(o->spelled, sizeof o->spelled, "--%s", o->name);
			o->given = true;
			o->arg = optarg;
			char why[256];
			if (store(o, optarg, why, sizeof why) < 0) {
				opts_error(c, "%s '%s' %s", o->spelled, optarg, why);
				ok = false;
			}
		}
	}
	free(lo);
	if (help) {
		opts_help(c);
		*status = 0;
		return false;
	}
	ok = ok && check_conflicts(c) && check_operands(c, argc, argv, optind);
	*first = optind;
	*status = ok ? 0 : 2;
	return ok;
}

/* "  -n, --count=N" */
static void option_label(const struct opt *o, char *buf, size_t len)
{
	char letter[8] = "    ";
	if (o->letter)
		snprintf(letter, sizeof letter, "-%c, ", o->letter);
	snprintf(buf, len, "  %s--%s%s%s", letter, o->name, takes_arg(o) ? "=" : "", takes_arg(o) ? metavar(o) : "");
}

/* Help text, continuation lines indented under the first. */
static void print_help_text(const char *text, int indent)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		printf("%.*s\n", (int)len, p);
		p += len;
		if (*p == '\n' && *++p)
			printf("%*s", indent, "");
	}
}

void opts_help(const struct command *c)
{
	enum { COLUMN = 28 };
	printf("usage: mmld %s %s\n%s\n\noptions:\n", c->name, c->usage, c->summary);
	for (size_t i = 0; c->opts && c->opts[i].name; i++) {
		const struct opt *o = &c->opts[i];
		char label[192], text[1024];
		option_label(o, label, sizeof label);
		char range[128] = "";
		if (o->kind == OPT_INT)
			snprintf(range, sizeof range, "%ld to %ld", o->min, o->max);
		if (o->kind == OPT_SECONDS)
			snprintf(range, sizeof range, "%g to %g seconds", o->fmin, o->fmax);
		snprintf(text, sizeof text, "%s%s%s%s%s%s", o->help ? o->help : "", range[0] || o->deflt ? " (" : "", range,
			 range[0] && o->deflt ? "; " : "", o->deflt ? "default " : "", o->deflt ? o->deflt : "");
		if (range[0] || o->deflt)
			strcat(text, ")");
		int pad = COLUMN - (int)strlen(label);
		if (pad >= 2)
			printf("%s%*s", label, pad, "");
		else
			printf("%s\n%*s", label, COLUMN, ""); /* a long label: the text on the next line */
		print_help_text(text, COLUMN);
	}
	printf("%-*s%s\n", COLUMN, "  -h, --help", "this help");
	if (c->details)
		printf("\n%s", c->details);
}
