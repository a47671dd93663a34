/* The processes' stderr goes through mmld: a pipe whose other end a thread copies to mmld's
 * own stderr as it arrives (nothing with --quiet), remembering the last line, so that when no
 * process could be measured mmld can say why in the processes' own words (the loader's
 * message). */
#ifndef MMLD_RELAY_H
#define MMLD_RELAY_H
#include <pthread.h>
#include <stdbool.h>

struct relay {
	int rd, wr;          /* the pipe: the processes write into wr */
	int wake[2];         /* relay_finish tells the thread to drain and stop */
	bool forward;        /* copy to mmld's stderr (false: --quiet) */
	bool eof;            /* every writer has closed the pipe */
	bool started;
	pthread_t thread;
	pthread_mutex_t lock;
	char partial[512];   /* the line being read */
	size_t npartial;
	char last[512];      /* the last complete, non-empty line */
};

/* 0, or -1 (errno) if the pipe or the thread could not be made. */
int relay_start(struct relay *r, bool forward);
/* The parent's copy of the writing end, closed once every process has its own. */
void relay_close_writer(struct relay *r);
/* Drains what is in the pipe and stops the thread. If a process still holds the pipe (one
 * left running with --keep, or something the program started in the background), a small
 * process goes on copying until they all close it, so nobody gets SIGPIPE for writing to
 * stderr after mmld has gone. */
void relay_finish(struct relay *r);
/* The last line the processes wrote on stderr ("" if none); valid after relay_finish. */
const char *relay_last_line(struct relay *r);
#endif
