/* Which running processes `mmld share` measures: by PID, by name (command name or argv[0]), by
 * user, all of them; with --children, their descendants too. And what is shown of each one
 * (parent, owner, command line). */
#ifndef MMLD_PROCSEL_H
#define MMLD_PROCSEL_H
#include "account.h"
#include <stdbool.h>
#include <sys/types.h>

struct selection {
	const pid_t *pids; /* --pid (NULL: none given) */
	int npids;
	const char *name;  /* --name: extended regex, searched in the command name and argv[0] */
	bool by_user;      /* --user */
	uid_t uid;
	const char *user;  /* as given (a name or a number) */
	bool all;          /* --all */
	bool children;     /* --children: the descendants of every selected process too */
};

/* Parses "PID[,PID...]" (each a whole positive number); 0, or -1 with why filled. */
int procsel_parse_pids(const char *s, pid_t **pids, int *n, char *why, size_t len);
/* A user name or number; 0, or -1 if there is no such user. */
int procsel_parse_user(const char *s, uid_t *uid);

/* The processes to measure, in PID order (malloc'ed, count returned; -1 if /proc cannot be
 * read or the regex is bad, with why filled). mmld itself is left out unless named by PID.
 * PIDs given that do not exist are named in a note of a. */
int procsel_select(const struct selection *s, struct acct *a, pid_t **out, char *why, size_t len);
/* roots and all their descendants (running now), in PID order. */
int procsel_descendants(const pid_t *roots, int n, pid_t **out);

/* Fills p with what is shown of process pid: parent, owner and user name, argv and the command
 * line. 0, or -1 if it is gone. */
int proc_info(pid_t pid, struct acct_proc *p);
#endif
