/* Open one ELF file and check it before anything is mapped: what the kernel's execve checks
 * of a program and of its interpreter (magic, class, machine, type, program header size and
 * count, segments inside the file), with rtld/elfcheck.c's rules and messages. */
#include "stub.h"

/* Program headers of the two images: the kernel's bound is 64 KiB of them. */
static Elf64_Phdr phdr_store[2][ELF_MAX_PHNUM];

void image_open(const struct stub *s, struct image *im, const char *path, const char *role)
{
	im->path = path;
	/* The kernel opens both files for execution: exec permission is checked on each.
	 * O_NONBLOCK: a FIFO is refused below at once, not waited on for a writer. */
	long fd = sys_open(path, O_RDONLY_ | O_NONBLOCK_ | O_CLOEXEC_, 0);
	if (fd == -ENOENT_)
		fail(127, "%s: %s not found", path, role);
	if (fd < 0)
		fail(126, "%s: cannot open %s (errno %ld)", path, role, -fd);
	struct kstat st;
	if (sys_fstat((int)fd, &st) < 0 || (st.st_mode & S_IFMT_) != S_IFREG_)
		fail(126, "%s: %s is not a regular file", path, role);
	if (sys_call6(SYS_faccessat_, AT_FDCWD_, (long)path, 1 /* X_OK */, 0, 0, 0) != 0)
		fail(126, "%s: %s is not executable (permission denied)", path, role);
	im->fd = (int)fd;
	im->size = (uint64_t)st.st_size;
	char err[256];
	memset(&im->eh, 0, sizeof im->eh);
	if (im->size >= 2 && sys_pread_exact(im->fd, &im->eh, im->size < sizeof im->eh ? im->size : sizeof im->eh, 0) == 0 &&
	    im->eh.e_ident[0] == '#' && im->eh.e_ident[1] == '!')
		fail(126, "%s: %s is a script (#!), not an ELF file", path, role);
	if (elf_check_ehdr(&im->eh, im->size, err, sizeof err) < 0)
		fail(126, "%s: %s: %s", path, role, err);
	im->ph = phdr_store[role[0] == 'i'];
	if (sys_pread_exact(im->fd, im->ph, im->eh.e_phnum * sizeof *im->ph, im->eh.e_phoff) < 0)
		fail(126, "%s: cannot read program headers", path);
	if (elf_check_phdrs(im->ph, im->eh.e_phnum, im->size, PAGE, err, sizeof err) < 0)
		fail(126, "%s: %s: %s", path, role, err);
	trace(s, "%s %s: %s, %u program headers at file offset %#lx, entry %#lx", role, path,
	      im->eh.e_type == ET_DYN ? "ET_DYN (position-independent)" : "ET_EXEC (fixed addresses)", im->eh.e_phnum,
	      (unsigned long)im->eh.e_phoff, (unsigned long)im->eh.e_entry);
}

const char *image_interp(const struct image *im)
{
	static char path[4096];
	for (size_t i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		if (p->p_type != PT_INTERP)
			continue;
		/* As the kernel: at least one character and its NUL, at most PATH_MAX, NUL-terminated. */
		if (p->p_filesz < 2 || p->p_filesz > sizeof path || p->p_offset > im->size ||
		    p->p_filesz > im->size - p->p_offset)
			fail(126, "%s: bad PT_INTERP (offset %#lx, size %#lx)", im->path, (unsigned long)p->p_offset,
			     (unsigned long)p->p_filesz);
		if (sys_pread_exact(im->fd, path, p->p_filesz, p->p_offset) < 0 || path[p->p_filesz - 1] != 0)
			fail(126, "%s: PT_INTERP is not a NUL-terminated path", im->path);
		return path;
	}
	return NULL;
}

bool image_wants_exec_stack(const struct image *im)
{
	/* No PT_GNU_STACK means an old object that may run code on its stack. */
	for (size_t i = 0; i < im->eh.e_phnum; i++)
		if (im->ph[i].p_type == PT_GNU_STACK)
			return (im->ph[i].p_flags & PF_X) != 0;
	return true;
}
