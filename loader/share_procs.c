/* mmld share --pid/--name/--user/--all: measures processes that are already running, as they
 * run. A process that exits while being read is dropped with a note; one the caller may not
 * read is named in a note. */
#include "mmld.h"
#include "share_procs.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* PIDs left out for one reason, for one note. */
struct pid_list {
	const char *why;
	pid_t pid[8];
	char comm[8][24];
	int n;
};

static void remember(struct pid_list *l, pid_t pid)
{
	if (l->n < 8) {
		char name[64];
		snprintf(name, sizeof name, "/proc/%d/comm", (int)pid);
		FILE *f = fopen(name, "re");
		l->comm[l->n][0] = 0;
		if (f) {
			if (fgets(l->comm[l->n], sizeof l->comm[l->n], f))
				l->comm[l->n][strcspn(l->comm[l->n], "\n")] = 0;
			fclose(f);
		}
		l->pid[l->n] = pid;
	}
	l->n++;
}

static void note_list(struct acct *a, const struct pid_list *l)
{
	if (!l->n)
		return;
	char buf[512];
	size_t at = (size_t)snprintf(buf, sizeof buf, "%d %s: PID", l->n, l->why);
	for (int i = 0; i < l->n && i < 8 && at < sizeof buf; i++)
		at += (size_t)snprintf(buf + at, sizeof buf - at, "%s %d%s%s%s", i ? "," : "", (int)l->pid[i],
				       l->comm[i][0] ? " (" : "", l->comm[i], l->comm[i][0] ? ")" : "");
	if (l->n > 8 && at < sizeof buf)
		snprintf(buf + at, sizeof buf - at, " and %d more", l->n - 8);
	acct_note(a, "%s", buf);
}

/* /proc/PID/stat's start time (field 22): the same process across an exec, another one
 * if the PID was reused; 0 when it is gone. */
static unsigned long long start_time(pid_t pid)
{
	char name[64], buf[1024];
	snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(name, "re");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* the command name may hold anything, up to the last ')' */
	unsigned long long t = 0;
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p, " %llu", &t);
	return t;
}

/* One process; a process that changed while being read (an exec replaces its mappings
 * between the maps and pagemap reads, or shows none for a moment) is read again, up to
 * three times in all, while it is the same process (its start time). */
static int measure_one(struct acct *a, pid_t pid)
{
	unsigned long long started = start_time(pid);
	int rc = -1;
	for (int tries = 0; tries < 3; tries++) {
		errno = 0;
		rc = acct_process(a, pid, NULL, 0);
		if (rc == 0 || errno == EACCES || errno == EPERM || !started || start_time(pid) != started)
			break;
	}
	return rc;
}

int share_measure_pids(struct acct *a, const pid_t *pids, int n, bool named)
{
	/* root too can be refused: a process of another PID namespace's init, or one being set up */
	struct pid_list unreadable = {.why = geteuid() == 0 ? "not readable"
							     : "not readable by this user (run as root to measure them)"};
	struct pid_list exited = {.why = "exited while being read"};
	struct pid_list kernel = {.why = "without memory of their own (kernel threads or zombies)"};
	for (int i = 0; i < n; i++) {
		errno = 0;
		int rc = measure_one(a, pids[i]);
		if (rc == 1 && named)
			remember(&kernel, pids[i]);
		else if (rc < 0 && (errno == EACCES || errno == EPERM))
			remember(&unreadable, pids[i]);
		else if (rc < 0)
			remember(&exited, pids[i]);
	}
	note_list(a, &unreadable);
	note_list(a, &exited);
	note_list(a, &kernel);
	return a->processes;
}

int share_measure_children(struct acct *a, const pid_t *pids, int n)
{
	pid_t *roots = malloc((size_t)(n + 1) * sizeof *roots), *all = NULL;
	int nroots = 0;
	for (int i = 0; roots && i < n; i++)
		if (pids[i] > 0)
			roots[nroots++] = pids[i];
	int nall = roots ? procsel_descendants(roots, nroots, &all) : -1;
	int k = 0;
	for (int i = 0; i < nall; i++) { /* the descendants alone: the roots are measured already */
		bool root = false;
		for (int j = 0; j < nroots && !root; j++)
			root = roots[j] == all[i];
		if (!root)
			all[k++] = all[i];
	}
	int before = a->processes;
	if (k > 0)
		share_measure_pids(a, all, k, false);
	free(roots);
	free(all);
	return a->processes - before;
}

int share_running(const struct selection *sel, struct run_result *r, const char *object_regex)
{
	memset(r, 0, sizeof *r);
	r->label = "running";
	acct_init(&r->acct);
	char why[512];
	if (object_regex && acct_set_object_filter(&r->acct, object_regex, why, sizeof why) < 0) {
		fprintf(stderr, "mmld share: --object: '%s' is not a regular expression (%s)\n", shown(object_regex), why);
		return 2;
	}
	pid_t *pids;
	int n = procsel_select(sel, &r->acct, &pids, why, sizeof why);
	if (n < 0) {
		fprintf(stderr, "mmld share: %s\n", shown(why));
		return 2;
	}
	share_measure_pids(&r->acct, pids, n, sel->pids != NULL);
	free(pids);
	if (!r->acct.processes) {
		fprintf(stderr, "mmld share: no process to measure%s%s\n", r->acct.notes[0] ? ": " : "", shown(r->acct.notes));
		return 1;
	}
	return 0;
}
