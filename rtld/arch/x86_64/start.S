/* x86-64 entry points of ld-mmld.so that must be written in assembly.
 *
 * _dl_start: the kernel jumps here with %rsp at argc (System V ABI, figure 3.9) and no
 * stack frame. C takes the initial stack pointer and returns two words in %rax:%rdx: the
 * program's entry address and the stack pointer to give it (moved past our own arguments
 * in direct mode). The program receives %rdx = the finaliser it must register (ABI 3.4.1). */

/* Saves / restores the whole vector state at (%rsp), which must be 64-byte aligned and hold
 * rtld_xsave_size bytes. Clobbers %rax and %rdx. */
	.macro SAVE_VECTORS
	cmpl $0, rtld_xsave_mode(%rip)
	je 1f
	/* XRSTOR faults unless the header's reserved bytes are zero; XSAVE writes only XSTATE_BV. */
	xor %eax, %eax
	.irp off, 512, 520, 528, 536, 544, 552, 560, 568
	mov %rax, \off(%rsp)
	.endr
	mov $0xee, %eax		/* SSE, AVX, MPX bounds, AVX-512 opmask and upper ZMM */
	xor %edx, %edx
	xsave (%rsp)
	jmp 2f
1:	fxsave (%rsp)
2:
	.endm

	.macro RESTORE_VECTORS
	cmpl $0, rtld_xsave_mode(%rip)
	je 1f
	mov $0xee, %eax
	xor %edx, %edx
	xrstor (%rsp)
	jmp 2f
1:	fxrstor (%rsp)
2:
	.endm

	.text
	.globl _dl_start
	.hidden _dl_start
	.type _dl_start, @function
_dl_start:
	.cfi_startproc
	.cfi_undefined rip
	xor %ebp, %ebp
	mov %rsp, %rdi
	and $-16, %rsp
	call rtld_start_c
	mov %rdx, %rsp
	lea rtld_fini(%rip), %rdx
	/* No state of ours leaks into the program: it starts as if the kernel had started it. */
	xor %ecx, %ecx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	jmp *%rax
	.cfi_endproc
	.size _dl_start, . - _dl_start

/* Lazy binding. A PLT entry pushes its relocation index and jumps to PLT0, which pushes
 * GOT[1] (our struct dso *) and jumps to GOT[2], here. The callee has not run yet, so every
 * register that can carry an argument must reach it unchanged: the six integer argument
 * registers, %rax (vector count of a variadic call), %r10 (static chain), and the whole
 * vector state (xmm/ymm/zmm and mask registers), saved with XSAVE in an area sized from CPUID
 * at start-up (rtld_xsave_size, a multiple of 64; rtld_xsave_mode 0 means FXSAVE). */
	.globl _dl_runtime_resolve
	.hidden _dl_runtime_resolve
	.type _dl_runtime_resolve, @function
_dl_runtime_resolve:
	.cfi_startproc
	.cfi_adjust_cfa_offset 16
	push %rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbx, 0
	mov %rsp, %rbx
	.cfi_def_cfa_register rbx
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	and $-64, %rsp
	sub rtld_xsave_size(%rip), %rsp
	SAVE_VECTORS
	mov 8(%rbx), %rdi
	mov 16(%rbx), %rsi
	call rtld_lazy_fixup
	mov %rax, %r11
	RESTORE_VECTORS
	lea -64(%rbx), %rsp
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	pop %rbx
	.cfi_def_cfa rsp, 24
	add $16, %rsp
	.cfi_adjust_cfa_offset -16
	jmp *%r11
	.cfi_endproc
	.size _dl_runtime_resolve, . - _dl_runtime_resolve

/* TLS descriptors (GNU2 dialect). The caller passes the descriptor's address in %rax and
 * expects the variable's offset from the thread pointer back in %rax, every other register
 * preserved. The descriptor is {resolver, argument}. */

/* Static TLS: the argument is the offset itself. */
	.globl rtld_tlsdesc_static
	.hidden rtld_tlsdesc_static
	.type rtld_tlsdesc_static, @function
rtld_tlsdesc_static:
	.cfi_startproc
	mov 8(%rax), %rax
	ret
	.cfi_endproc
	.size rtld_tlsdesc_static, . - rtld_tlsdesc_static

/* An undefined weak TLS symbol: its address is 0 (+ addend), so the offset is that minus TP. */
	.globl rtld_tlsdesc_undefweak
	.hidden rtld_tlsdesc_undefweak
	.type rtld_tlsdesc_undefweak, @function
rtld_tlsdesc_undefweak:
	.cfi_startproc
	mov 8(%rax), %rax
	sub %fs:0, %rax
	ret
	.cfi_endproc
	.size rtld_tlsdesc_undefweak, . - rtld_tlsdesc_undefweak

/* Dynamic TLS (modules loaded after start-up). The argument points to a struct
 * tlsdesc_dynamic {module id, offset, generation}. Fast path: this thread's DTV is current
 * and the block exists. Otherwise call __tls_get_addr with all caller-saved state kept. */
	.globl rtld_tlsdesc_dynamic
	.hidden rtld_tlsdesc_dynamic
	.type rtld_tlsdesc_dynamic, @function
rtld_tlsdesc_dynamic:
	.cfi_startproc
	mov 8(%rax), %rax
	push %rdi
	.cfi_adjust_cfa_offset 8
	push %rsi
	.cfi_adjust_cfa_offset 8
	mov %fs:8, %rdi			/* dtv */
	mov 16(%rax), %rsi		/* generation the module needs */
	cmp (%rdi), %rsi		/* dtv[0].counter */
	ja 1f
	mov (%rax), %rsi		/* module id */
	shl $4, %rsi
	mov (%rdi,%rsi), %rdi		/* dtv[id].pointer.val */
	cmp $-1, %rdi
	je 1f
	add 8(%rax), %rdi
	mov %rdi, %rax
	sub %fs:0, %rax
	pop %rsi
	.cfi_adjust_cfa_offset -8
	pop %rdi
	.cfi_adjust_cfa_offset -8
	ret
1:	.cfi_adjust_cfa_offset 16
	/* Slow path: save what __tls_get_addr may clobber, as the lazy trampoline does. */
	push %rbx
	.cfi_adjust_cfa_offset 8
	mov %rsp, %rbx
	.cfi_def_cfa_register rbx
	push %rcx
	push %rdx
	push %r8
	push %r9
	push %r10
	push %r11
	and $-64, %rsp
	sub rtld_xsave_size(%rip), %rsp
	mov %rax, %rdi			/* tls_index-compatible: {module, offset} */
	SAVE_VECTORS
	call __tls_get_addr
	mov %rax, %rsi
	RESTORE_VECTORS
	mov %rsi, %rax
	sub %fs:0, %rax
	lea -48(%rbx), %rsp
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdx
	pop %rcx
	pop %rbx
	.cfi_def_cfa rsp, 24
	pop %rsi
	pop %rdi
	ret
	.cfi_endproc
	.size rtld_tlsdesc_dynamic, . - rtld_tlsdesc_dynamic

	.section .note.GNU-stack, "", @progbits
