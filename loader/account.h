/* The accounting of mmld share: what the kernel said of each page, summed per process, object
 * and segment class. Pure functions over page descriptions, unit-tested in
 * tests/unit/test_account.c. The columns (docs/memory.md has the long form):
 *   rss            resident pages (smaps Rss)
 *   pss            each resident page divided by the number of mappings of its frame (smaps Pss,
 *                  with the kernel's own fixed-point rounding)
 *   uss            resident pages whose frame is mapped once (smem's and procrank's USS)
 *   frames         distinct physical frames among the selected processes: what they use
 *                  together, each shared page once (needs frame numbers: root)
 *   saved          rss - frames: what sharing saves against private copies
 *   private dirty  anonymous pages mapped once (written copies of file pages, anonymous memory)
 *   reloc dirty    anonymous pages of an object on the pages its relocations write
 *   swap, swap pss smaps Swap and SwapPss */
#ifndef MMLD_ACCOUNT_H
#define MMLD_ACCOUNT_H
#include "elfinfo.h"
#include "proc.h"
#include <sys/types.h>

/* Segment classes: the ELF ones (elfinfo.h) and the memory that belongs to no file. */
enum mem_class {
	MC_TEXT = CLASS_TEXT,
	MC_RODATA = CLASS_RODATA,
	MC_RELRO = CLASS_RELRO,
	MC_DATA = CLASS_DATA,
	MC_BSS = CLASS_BSS,
	MC_HEAP = CLASS_NCLASSES,
	MC_STACK,
	MC_ANON,
	MC_N
};
extern const char *const mem_class_names[MC_N];

/* PSS is kept as the kernel keeps it: bytes << PSS_SHIFT, so sums round once, at the end. */
#define PSS_SHIFT 12
#define PSS_PAGE (4096ULL << PSS_SHIFT)
#define PSS_TO_KIB(x) ((unsigned long long)((x) >> (PSS_SHIFT + 10)))
#define PAGES_TO_KIB(p) ((unsigned long long)(p) * 4)

struct usage {
	uint64_t mapped;        /* pages mapped (readable or executable) */
	uint64_t rss;           /* pages */
	uint64_t pss;           /* PSS units (bytes << PSS_SHIFT) */
	uint64_t uss;           /* pages */
	uint64_t frames;        /* pages: distinct frames first counted here */
	uint64_t private_dirty; /* pages */
	uint64_t reloc_dirty;   /* pages */
	uint64_t swap;          /* KiB */
	uint64_t swap_pss;      /* PSS units */
};
void usage_add(struct usage *to, const struct usage *u);

/* A measured process. */
struct acct_proc {
	pid_t pid, ppid;
	uid_t uid;
	char *user;    /* name, or the number */
	char *command; /* argv joined by spaces, or [comm] for a process without one */
	char **argv;   /* NULL-terminated */
	const char *loader; /* the dynamic loader mapped (its object's name), NULL: none (static) */
	bool exact;    /* frame numbers were seen: rss/pss/uss from pagemap + kpagecount */
	struct usage total;
};

struct acct_object {
	char *name; /* as /proc/PID/maps shows it, or [anon] for unnamed anonymous memory */
	const struct elf_info *elf; /* NULL: not an ELF file */
	int processes;              /* processes mapping it */
	int last_proc;              /* the last process counted in `processes` */
	struct usage total;
	struct usage cls[MC_N];
};

/* One process's use of one object in one class. */
struct acct_record {
	uint32_t proc, obj;
	uint8_t cls;
	struct usage u;
};

struct acct {
	struct acct_object *obj;
	size_t nobj, capobj;
	size_t *index; /* hash of obj names: obj index + 1, 0 empty */
	size_t capindex;
	struct acct_proc *procs;
	size_t nprocs, capprocs;
	struct acct_record *rec;
	size_t nrec, caprec;
	/* (obj, cls) -> the current process's record: rec index, valid where stamp is proc + 1 */
	size_t *slot_rec;
	uint32_t *slot_stamp;
	size_t capslot;
	/* frames the current process counted first, so a process that exits while being read
	 * can be taken out again */
	uint64_t *counted;
	size_t ncounted, capcounted;
	size_t proc_first_rec;
	bool pfns_visible; /* this caller sees frame numbers and kpagecount: exact accounting */
	struct frame_table frames;
	bool exact;     /* every process measured with frame numbers */
	bool estimated; /* some process measured from smaps' Pss (no frame numbers) */
	bool any_swap;
	int processes;  /* measured */
	uint64_t measure_ns; /* time spent reading /proc and counting (make bench) */
	char notes[2048]; /* processes that exited while being read, PIDs that cannot be read */
	const char *object_filter; /* regex source, for the report; NULL: every object */
	void *object_re;           /* compiled regex_t, NULL if none */
};

void acct_init(struct acct *a);
/* The same, the map counts read from the file kpagecount (a test's own) instead of
 * /proc/kpagecount. */
void acct_init_with(struct acct *a, const char *kpagecount);
void acct_free(struct acct *a);
/* Counts only the objects whose name matches the extended regex (NULL: all). 0, or -1 if the
 * regex is bad (message in why). */
int acct_set_object_filter(struct acct *a, const char *regex, char *why, size_t len);
bool acct_object_wanted(const struct acct *a, const char *name);
/* The object named `name` (created on first use). */
size_t acct_object(struct acct *a, const char *name, const struct elf_info *elf);
/* A new measured process; returns its index. Its records follow, until the next one. */
size_t acct_add_proc(struct acct *a, const struct acct_proc *p);
/* Takes the last process out again (it exited while being read). */
void acct_drop_last_proc(struct acct *a);
/* The usage of (proc, obj, cls), created on first use. Records of one process are added
 * together, before the next process's. */
struct usage *acct_use(struct acct *a, size_t proc, size_t obj, int cls);
/* One resident page, in exact mode: its pagemap entry, its frame's map count (0: not a page
 * smaps counts, like the zero page or [vvar]), whether its object's relocations write it. */
void acct_page(struct acct *a, struct usage *u, uint64_t word, struct frame *f, bool reloc);
/* Adds up the records into the process and object totals (after the last process). */
void acct_finish(struct acct *a);
/* Totals over all objects. */
void acct_totals(const struct acct *a, struct usage *total, struct usage cls[MC_N]);
void acct_note(struct acct *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What ld-mmld.so said of its objects (MMLD_OBJECTS): for memory /proc cannot name. */
struct known_object {
	uintptr_t bias, start, end;
	char *path;
};
/* Reads DIR/PID as ld-mmld.so wrote it; returns the count (0 if none), array in *out. */
int known_objects_read(const char *dir, pid_t pid, struct known_object **out);

/* Measures one running or held process into a (measure.c): its mappings, each page's object
 * and class. `known` (may be NULL) attributes anonymous mappings inside an object's span to
 * the object. Returns 0, or -1 if the process could not be read (gone, or not ours; errno). */
int acct_process(struct acct *a, pid_t pid, const struct known_object *known, int nknown);
/* The same, read through thread `via` of process pid (/proc/VIA/...): a process whose main
 * thread has ended (pthread_exit) shows no memory through its own PID. */
int acct_process_via(struct acct *a, pid_t pid, pid_t via, const struct known_object *known, int nknown);
#endif
