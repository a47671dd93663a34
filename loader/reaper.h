/* Every process mmld starts is registered here until it has been reaped (or deliberately left
 * running: --keep), so that none is ever left behind stopped: on SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT and SIGPIPE, and when mmld exits for any reason (its own errors included), each one
 * still registered is killed and reaped, and the temporary directory is removed. */
#ifndef MMLD_REAPER_H
#define MMLD_REAPER_H
#include <stdbool.h>
#include <signal.h>
#include <sys/types.h>

/* Installs the signal handlers and the exit handler (once). */
void reaper_init(void);
void reaper_add(pid_t pid);
/* The process has been reaped, or is to be left running. */
void reaper_forget(pid_t pid);
/* A directory removed, with what the processes wrote into it (DIR/PID), at exit or on a signal. */
void reaper_temp_dir(const char *dir);
/* The handled signals blocked (around a fork and its reaper_add) and restored. */
void reaper_block(sigset_t *old);
void reaper_unblock(const sigset_t *old);
/* Kills and reaps every process still registered, removes the directory. */
void reaper_end_all(void);
#endif
