/* Requests to valgrind (its client-request interface, x86-64): how the allocator tells drd and
 * helgrind that its spinlock orders what threads do with the blocks it hands from one to
 * another. Run natively, a request is a few rotations of %rdi that leave it unchanged and an
 * exchange of %rbx with itself: %rdx keeps the default answer. */
#ifndef MMLD_TOOLS_H
#define MMLD_TOOLS_H

#include <stdint.h>

#define TOOL_RUNNING_ON_VALGRIND 0x1001
/* Helgrind's "user synchronisation object" requests, which drd honours under the same
 * numbers: everything a thread did before SEND on an address happens before what a thread
 * does after RECV on it. */
#define TOOL_HAPPENS_BEFORE 0x48470121
#define TOOL_HAPPENS_AFTER 0x48470122

static inline uintptr_t tool_request(uintptr_t request, uintptr_t arg, uintptr_t answer)
{
	volatile uintptr_t args[6] = {request, arg, 0, 0, 0, 0};
	__asm__ volatile("rolq $3, %%rdi; rolq $13, %%rdi; rolq $61, %%rdi; rolq $51, %%rdi\n\t"
			 "xchgq %%rbx, %%rbx"
			 : "=d"(answer)
			 : "a"(&args[0]), "0"(answer)
			 : "cc", "memory");
	return answer;
}

/* Nonzero under valgrind (any tool). */
static inline uintptr_t tool_running(void) { return tool_request(TOOL_RUNNING_ON_VALGRIND, 0, 0); }

#endif
