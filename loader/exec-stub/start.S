/* mmld-exec-stub's two pieces of assembly.
 *
 * _start: the kernel enters with %rsp at argc. C runs on a stack of its own in the stub's
 * bss, because the stub rebuilds the real stack, from its top, for the program.
 *
 * handoff_code .. handoff_end: the last instructions, copied by handoff.c into a page of
 * their own, because they unmap the stub they came from. They read their parameters
 * rip-relative from the same page, so they need no stack: unmap the stub, point
 * /proc/self/exe at the program (only possible once the stub's file is no longer mapped),
 * load the new stack pointer, clear every register as the kernel does, and jump. */

	.text
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined rip
	xor %ebp, %ebp
	mov %rsp, %rdi
	lea stub_stack_top(%rip), %rsp
	call stub_main
	ud2
	.cfi_endproc
	.size _start, . - _start

	.globl handoff_code, handoff_end, handoff_params
	.p2align 4
handoff_code:
	mov $11, %eax				/* munmap(stub, len) */
	mov hp_unmap_start(%rip), %rdi
	mov hp_unmap_len(%rip), %rsi
	syscall
	mov hp_exe_fd(%rip), %rdx
	test %rdx, %rdx
	js 2f
	mov $157, %eax				/* prctl(PR_SET_MM, PR_SET_MM_MAP, &map, sizeof map, 0) */
	mov $35, %edi
	mov $14, %esi
	lea hp_map(%rip), %rdx
	mov $104, %r10d
	xor %r8d, %r8d
	syscall
	test %rax, %rax
	jz 1f
	cmpq $0, hp_trace(%rip)
	je 1f
	mov $1, %eax				/* write(2, msg, len): the exe change failed */
	mov $2, %edi
	lea hp_msg(%rip), %rsi
	mov hp_msg_len(%rip), %rdx
	syscall
1:	mov $3, %eax				/* close(fd) */
	mov hp_exe_fd(%rip), %rdi
	syscall
2:	mov hp_sp(%rip), %rsp
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %ebp, %ebp
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	.irp r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	pxor %xmm\r, %xmm\r
	.endr
	cld
	jmp *hp_entry(%rip)

	.p2align 3
/* struct handoff_params in handoff.c: keep the two in the same order. */
handoff_params:
hp_unmap_start:	.quad 0
hp_unmap_len:	.quad 0
hp_exe_fd:	.quad -1
hp_trace:	.quad 0
hp_sp:		.quad 0
hp_entry:	.quad 0
hp_msg_len:	.quad 0
hp_msg:		.space 128
hp_map:		.space 104			/* struct prctl_mm_map, exe_fd set */
handoff_end:

	.bss
	.p2align 6
	.space 256 * 1024
stub_stack_top:

	.section .note.GNU-stack, "", @progbits
