/* See relay.h. */
#include "relay.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void forward(const struct relay *r, const char *buf, size_t n)
{
	while (r->forward && n > 0) {
		ssize_t w = write(2, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* mmld's stderr is gone: keep reading, stop copying */
		buf += w;
		n -= (size_t)w;
	}
}

/* Keeps the last complete non-empty line of what went by. */
static void remember(struct relay *r, const char *buf, size_t n)
{
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (r->npartial < sizeof r->partial - 1)
				r->partial[r->npartial++] = buf[i];
			continue;
		}
		if (r->npartial) {
			memcpy(r->last, r->partial, r->npartial);
			r->last[r->npartial] = 0;
		}
		r->npartial = 0;
	}
	pthread_mutex_unlock(&r->lock);
}

/* Reads what is there now; false at end of file. */
static bool copy_available(struct relay *r)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(r->rd, buf, sizeof buf);
		if (n > 0) {
			forward(r, buf, (size_t)n);
			remember(r, buf, (size_t)n);
			continue;
		}
		if (n == 0)
			return false;
		return errno == EAGAIN || errno == EINTR;
	}
}

static void *relay_main(void *arg)
{
	struct relay *r = arg;
	for (;;) {
		struct pollfd p[2] = {{r->rd, POLLIN, 0}, {r->wake[0], POLLIN, 0}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents && !copy_available(r)) {
			r->eof = true;
			break;
		}
		if (p[1].revents) {
			r->eof = !copy_available(r);
			break;
		}
	}
	return NULL;
}

int relay_start(struct relay *r, bool fwd)
{
	memset(r, 0, sizeof *r);
	r->rd = r->wr = r->wake[0] = r->wake[1] = -1;
	r->forward = fwd;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	r->rd = p[0];
	r->wr = p[1];
	if (pipe2(r->wake, O_CLOEXEC) < 0)
		return -1;
	fcntl(r->rd, F_SETFL, O_NONBLOCK);
	pthread_mutex_init(&r->lock, NULL);
	/* The thread takes no signal: mmld's handlers (reaper.c) run on the main thread, and a
	 * SIGPIPE for a closed stderr becomes EPIPE here. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(&r->thread, NULL, relay_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		errno = e;
		return -1;
	}
	r->started = true;
	return 0;
}

void relay_close_writer(struct relay *r)
{
	if (r->wr >= 0)
		close(r->wr);
	r->wr = -1;
}

/* The copying that outlives mmld: blocking reads until every writer has gone. */
static void keep_copying(struct relay *r)
{
	pid_t pid = fork();
	if (pid != 0)
		return;
	prctl(PR_SET_NAME, "mmld-stderr");
	fcntl(r->rd, F_SETFL, 0);
	char buf[4096];
	ssize_t n;
	while ((n = read(r->rd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			forward(r, buf, (size_t)n);
	_exit(0);
}

void relay_finish(struct relay *r)
{
	relay_close_writer(r);
	if (!r->started)
		return;
	if (write(r->wake[1], "", 1) < 0) {
		/* cannot happen with a fresh pipe; the thread ends at end of file anyway */
	}
	pthread_join(r->thread, NULL);
	r->started = false;
	if (r->npartial) { /* a last line without its newline */
		memcpy(r->last, r->partial, r->npartial);
		r->last[r->npartial] = 0;
	}
	if (!r->eof)
		keep_copying(r);
	close(r->rd);
	close(r->wake[0]);
	close(r->wake[1]);
	pthread_mutex_destroy(&r->lock);
}

const char *relay_last_line(struct relay *r)
{
	return r->last;
}
