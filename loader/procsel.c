#include "procsel.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int procsel_parse_pids(const char *s, pid_t **pids, int *n, char *why, size_t len)
{
	*pids = NULL;
	*n = 0;
	const char *p = s;
	do {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (!isdigit((unsigned char)*p) || errno || v < 1 || v > 4194304 || (*end && *end != ',')) {
			snprintf(why, len, "'%s' is not a list of process IDs (PID[,PID...], each 1 to 4194304)", s);
			free(*pids);
			*pids = NULL;
			*n = 0;
			return -1;
		}
		pid_t *np = realloc(*pids, (size_t)(*n + 1) * sizeof *np);
		if (!np)
			return -1;
		*pids = np;
		(*pids)[(*n)++] = (pid_t)v;
		p = *end ? end + 1 : end;
	} while (*p);
	return 0;
}

int procsel_parse_user(const char *s, uid_t *uid)
{
	struct passwd *pw = getpwnam(s);
	if (pw) {
		*uid = pw->pw_uid;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || !isdigit((unsigned char)*s) || v > 0xfffffffeUL)
		return -1;
	*uid = (uid_t)v;
	return 0;
}

/* The fields of /proc/PID/stat that selection needs. */
struct proc_stat {
	pid_t pid, ppid;
	char comm[64];
};

static int read_stat(pid_t pid, struct proc_stat *st)
{
	char name[64], buf[1024];
	snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(name, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	/* "PID (COMM) S PPID ...": COMM may hold spaces and parentheses; it ends at the last ')'. */
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	if (!open || !close || close < open)
		return -1;
	size_t clen = (size_t)(close - open - 1);
	if (clen >= sizeof st->comm)
		clen = sizeof st->comm - 1;
	memcpy(st->comm, open + 1, clen);
	st->comm[clen] = 0;
	int ppid;
	if (sscanf(close + 1, " %*c %d", &ppid) != 1)
		return -1;
	st->pid = pid;
	st->ppid = ppid;
	return 0;
}

/* /proc/PID/cmdline as a NULL-terminated vector (empty for kernel threads and zombies). */
static char **read_argv(pid_t pid)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/cmdline", (int)pid);
	static char *buf;
	static size_t cap;
	ssize_t len = proc_read_all(name, &buf, &cap);
	if (len < 0)
		len = 0;
	int n = 0;
	for (ssize_t i = 0; i < len; i++)
		n += buf[i] == 0 || i == len - 1;
	char **argv = calloc((size_t)n + 1, sizeof *argv);
	if (!argv)
		return NULL;
	int k = 0;
	for (ssize_t i = 0; i < len && k < n; k++) {
		argv[k] = strndup(buf + i, (size_t)(len - i));
		i += (ssize_t)strlen(argv[k]) + 1;
	}
	return argv;
}

static char *user_name(uid_t uid)
{
	static struct {
		uid_t uid;
		char *name;
	} cache[64];
	static int ncache;
	for (int i = 0; i < ncache; i++)
		if (cache[i].uid == uid)
			return strdup(cache[i].name);
	struct passwd *pw = getpwuid(uid);
	char num[16];
	snprintf(num, sizeof num, "%u", (unsigned)uid);
	char *name = strdup(pw ? pw->pw_name : num);
	if (ncache < 64 && name)
		cache[ncache++] = (typeof(cache[0])){uid, strdup(name)};
	return name;
}

int proc_info(pid_t pid, struct acct_proc *p)
{
	memset(p, 0, sizeof *p);
	struct proc_stat st;
	char name[64];
	struct stat sb;
	snprintf(name, sizeof name, "/proc/%d", (int)pid);
	if (read_stat(pid, &st) < 0 || stat(name, &sb) < 0)
		return -1;
	p->pid = pid;
	p->ppid = st.ppid;
	p->uid = sb.st_uid;
	p->user = user_name(sb.st_uid);
	p->argv = read_argv(pid);
	size_t len = 0;
	for (char **v = p->argv; v && *v; v++)
		len += strlen(*v) + 1;
	if (!p->argv || !p->argv[0]) {
		p->command = malloc(strlen(st.comm) + 3);
		if (p->command)
			sprintf(p->command, "[%s]", st.comm);
		return 0;
	}
	p->command = malloc(len + 1);
	if (p->command) {
		p->command[0] = 0;
		for (char **v = p->argv; *v; v++) {
			if (v != p->argv)
				strcat(p->command, " ");
			strcat(p->command, *v);
		}
	}
	return 0;
}

/* Every process now: its stat fields. */
static int list_all(struct proc_stat **out)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	int n = 0, cap = 0;
	struct proc_stat *v = NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 512;
			struct proc_stat *nv = realloc(v, (size_t)cap * sizeof *v);
			if (!nv)
				break;
			v = nv;
		}
		if (read_stat((pid_t)atoi(e->d_name), &v[n]) == 0)
			n++;
	}
	closedir(d);
	*out = v;
	return n;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

static bool name_matches(const regex_t *re, const struct proc_stat *st)
{
	if (regexec(re, st->comm, 0, NULL, 0) == 0)
		return true;
	char **argv = read_argv(st->pid);
	bool match = argv && argv[0] && regexec(re, argv[0], 0, NULL, 0) == 0;
	for (char **v = argv; v && *v; v++)
		free(*v);
	free(argv);
	return match;
}

static uid_t owner(pid_t pid)
{
	char name[64];
	struct stat sb;
	snprintf(name, sizeof name, "/proc/%d", (int)pid);
	return stat(name, &sb) == 0 ? sb.st_uid : (uid_t)-1;
}

/* Adds to sel[] (n of them, in PID order) the descendants of each, from the parent links of
 * all[]. */
static int add_descendants(pid_t **sel, int n, const struct proc_stat *all, int nall)
{
	for (int i = 0; i < n; i++) /* sel grows while we walk it: children of children follow */
		for (int k = 0; k < nall; k++) {
			if (all[k].ppid != (*sel)[i] || all[k].pid == (*sel)[i])
				continue;
			bool have = false;
			for (int j = 0; j < n && !have; j++)
				have = (*sel)[j] == all[k].pid;
			if (have)
				continue;
			pid_t *ns = realloc(*sel, (size_t)(n + 1) * sizeof *ns);
			if (!ns)
				return n;
			*sel = ns;
			(*sel)[n++] = all[k].pid;
		}
	qsort(*sel, (size_t)n, sizeof **sel, cmp_pid);
	return n;
}

int procsel_descendants(const pid_t *roots, int n, pid_t **out)
{
	struct proc_stat *all;
	int nall = list_all(&all);
	*out = malloc((size_t)(n + 1) * sizeof **out);
	if (!*out) {
		free(nall >= 0 ? all : NULL);
		return -1;
	}
	memcpy(*out, roots, (size_t)n * sizeof **out);
	if (nall > 0)
		n = add_descendants(out, n, all, nall);
	if (nall >= 0)
		free(all);
	return n;
}

int procsel_select(const struct selection *s, struct acct *a, pid_t **out, char *why, size_t len)
{
	regex_t re;
	int err = s->name ? regcomp(&re, s->name, REG_EXTENDED | REG_NOSUB) : 0;
	if (err) {
		char msg[128];
		regerror(err, &re, msg, sizeof msg);
		snprintf(why, len, "--name: '%s' is not a regular expression (%s)", s->name, msg);
		return -1;
	}
	struct proc_stat *all;
	int nall = list_all(&all);
	if (nall < 0) {
		snprintf(why, len, "/proc: %s", strerror(errno));
		if (s->name)
			regfree(&re);
		return -1;
	}
	pid_t self = getpid();
	pid_t *sel = malloc((size_t)nall * sizeof *sel + sizeof *sel);
	int n = 0;
	for (int i = 0; sel && i < nall; i++) {
		const struct proc_stat *st = &all[i];
		bool named = false;
		for (int k = 0; k < s->npids && !named; k++)
			named = s->pids[k] == st->pid;
		if (s->pids && !named)
			continue;
		if (st->pid == self && !named)
			continue;
		if (s->name && !name_matches(&re, st))
			continue;
		if (s->by_user && owner(st->pid) != s->uid)
			continue;
		sel[n++] = st->pid;
	}
	for (int k = 0; k < s->npids; k++) {
		bool found = false;
		for (int i = 0; i < nall && !found; i++)
			found = all[i].pid == s->pids[k];
		if (!found)
			acct_note(a, "PID %d: no such process", (int)s->pids[k]);
	}
	qsort(sel, (size_t)n, sizeof *sel, cmp_pid);
	if (s->children && sel)
		n = add_descendants(&sel, n, all, nall);
	free(all);
	if (s->name)
		regfree(&re);
	*out = sel;
	return sel ? n : -1;
}
