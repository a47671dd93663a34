/* Raw Linux x86-64 system calls. ld-mmld.so has no libc, so every kernel service it uses
 * goes through these. Each returns the kernel's value: negative errno on failure. */
#ifndef MMLD_SYSCALL_H
#define MMLD_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_fstat 5
#define SYS_lseek 8
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_madvise 28
#define SYS_pread64 17
#define SYS_writev 20
#define SYS_access 21
#define SYS_getpid 39
#define SYS_exit 60
#define SYS_kill 62
#define SYS_uname 63
#define SYS_readlink 89
#define SYS_gettid 186
#define SYS_getuid 102
#define SYS_rt_sigqueueinfo 129
#define SYS_getgid 104
#define SYS_geteuid 107
#define SYS_getegid 108
#define SYS_arch_prctl 158
#define SYS_clock_gettime 228
#define SYS_exit_group 231
#define SYS_openat 257
#define SYS_newfstatat 262
#define SYS_set_tid_address 218
#define SYS_set_robust_list 273
#define SYS_rseq 334

#define AT_FDCWD_ (-100)
#define O_RDONLY_ 0
#define O_WRONLY_ 1
#define O_CREAT_ 0100
#define O_TRUNC_ 01000
#define O_APPEND_ 02000
#define O_CLOEXEC_ 02000000
/* Every file the loader only reads is opened with O_NONBLOCK: a FIFO where a library or the
 * program is looked for would otherwise block the open until a writer came (for ever); with
 * it the open returns and the regular-file check refuses it. No effect on regular files. */
#define O_NONBLOCK_ 04000
#define O_READ_FILE_ (O_RDONLY_ | O_NONBLOCK_ | O_CLOEXEC_)
#define PROT_NONE_ 0
#define PROT_READ_ 1
#define PROT_WRITE_ 2
#define PROT_EXEC_ 4
#define MAP_SHARED_ 0x01
#define MAP_PRIVATE_ 0x02
#define MAP_FIXED_ 0x10
#define MAP_ANONYMOUS_ 0x20
#define MAP_DENYWRITE_ 0x800
#define MAP_FIXED_NOREPLACE_ 0x100000
#define ARCH_SET_FS_ 0x1002
#define ENOENT_ 2
#define ENOMEM_ 12
#define EEXIST_ 17
#define EINVAL_ 22
#define SIGSTOP_ 19

static inline long sys_call6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define sys_call3(n, a, b, c) sys_call6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* The subset of struct stat (x86-64 layout) we read. */
struct kstat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	uint64_t st_atime_, st_atime_ns, st_mtime_, st_mtime_ns, st_ctime_, st_ctime_ns;
	int64_t unused[3];
};
#define S_IFMT_ 0170000
#define S_IFREG_ 0100000
#define S_IFDIR_ 0040000

struct kiovec {
	const void *base;
	size_t len;
};

struct ktimespec {
	int64_t sec, nsec;
};

static inline long sys_read(int fd, void *buf, size_t n) { return sys_call3(SYS_read, fd, buf, n); }
static inline long sys_pread(int fd, void *buf, size_t n, long off)
{
	return sys_call6(SYS_pread64, fd, (long)buf, (long)n, off, 0, 0);
}

/* Reads exactly n bytes at off, again after EINTR; a short read (end of file) or an error is -1. */
static inline int sys_pread_exact(int fd, void *buf, size_t n, uint64_t off)
{
	char *b = buf;
	while (n) {
		long r = sys_pread(fd, b, n, (long)off);
		if (r == -4 /* EINTR */)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		off += (uint64_t)r;
		n -= (size_t)r;
	}
	return 0;
}
static inline long sys_write(int fd, const void *buf, size_t n) { return sys_call3(SYS_write, fd, buf, n); }
static inline long sys_writev(int fd, const struct kiovec *iov, int n) { return sys_call3(SYS_writev, fd, iov, n); }
static inline long sys_open(const char *path, int flags, int mode)
{
	return sys_call6(SYS_openat, AT_FDCWD_, (long)path, flags, mode, 0, 0);
}
static inline long sys_close(int fd) { return sys_call3(SYS_close, fd, 0, 0); }
static inline long sys_fstat(int fd, struct kstat *st) { return sys_call3(SYS_fstat, fd, st, 0); }
static inline long sys_stat(const char *path, struct kstat *st)
{
	return sys_call6(SYS_newfstatat, AT_FDCWD_, (long)path, (long)st, 0, 0, 0);
}
static inline long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return sys_call6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}
static inline long sys_munmap(void *addr, size_t len) { return sys_call3(SYS_munmap, addr, len, 0); }
static inline long sys_mprotect(void *addr, size_t len, int prot) { return sys_call3(SYS_mprotect, addr, len, prot); }
static inline long sys_readlink(const char *path, char *buf, size_t n) { return sys_call3(SYS_readlink, path, buf, n); }
static inline long sys_getpid(void) { return sys_call3(SYS_getpid, 0, 0, 0); }
static inline long sys_kill(long pid, int sig) { return sys_call3(SYS_kill, pid, sig, 0); }
static inline long sys_rt_sigqueueinfo(long pid, int sig, void *info) { return sys_call3(SYS_rt_sigqueueinfo, pid, sig, info); }
static inline long sys_arch_prctl(int code, unsigned long addr) { return sys_call3(SYS_arch_prctl, code, addr, 0); }
static inline long sys_clock_gettime(int clk, struct ktimespec *ts) { return sys_call3(SYS_clock_gettime, clk, ts, 0); }
static inline long sys_uname(void *buf) { return sys_call3(SYS_uname, buf, 0, 0); }
__attribute__((noreturn)) static inline void sys_exit_group(int code)
{
	for (;;)
		sys_call3(SYS_exit_group, code, 0, 0);
}

/* A failed mmap returns -errno, which as an address lies in the last page. */
static inline int mmap_failed(long r) { return (unsigned long)r > -4096UL; }

#endif
