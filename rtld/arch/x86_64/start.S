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

/* rtld_setjmp(c) / rtld_longjmp(c): a catch point inside the loader (struct rtld_catch in
 * rtld.h): the callee-saved registers, the stack pointer after the return and the return
 * address. rtld_longjmp makes rtld_setjmp return 1. */
	.globl rtld_setjmp
	.hidden rtld_setjmp
	.type rtld_setjmp, @function
rtld_setjmp:
	.cfi_startproc
	mov %rbx, 0(%rdi)
	mov %rbp, 8(%rdi)
	mov %r12, 16(%rdi)
	mov %r13, 24(%rdi)
	mov %r14, 32(%rdi)
	mov %r15, 40(%rdi)
	lea 8(%rsp), %rax
	mov %rax, 48(%rdi)
	mov (%rsp), %rax
	mov %rax, 56(%rdi)
	xor %eax, %eax
	ret
	.cfi_endproc
	.size rtld_setjmp, . - rtld_setjmp

	.globl rtld_longjmp
	.hidden rtld_longjmp
	.type rtld_longjmp, @function
rtld_longjmp:
	.cfi_startproc
	mov 0(%rdi), %rbx
	mov 8(%rdi), %rbp
	mov 16(%rdi), %r12
	mov 24(%rdi), %r13
	mov 32(%rdi), %r14
	mov 40(%rdi), %r15
	mov 48(%rdi), %rsp
	mov $1, %eax
	jmp *56(%rdi)
	.cfi_endproc
	.size rtld_longjmp, . - rtld_longjmp

/* The PLT of an object audited by modules with la_pltenter/la_pltexit (rtld-audit(7)): GOT[2]
 * of such objects, in place of _dl_runtime_resolve, and no PLT slot is ever bound in the GOT,
 * so every call comes here. PLT0 has pushed GOT[1] (our struct dso *) over the relocation
 * index and the caller's return address:
 *	[entry+0] dso   [entry+8] index   [entry+16] return address   [entry+24] stack arguments
 * The argument registers go into a La_x86_64_regs on the stack (<bits/link.h>: rdx r8 r9 rcx
 * rsi rdi rbp rsp, xmm0-7, then each vector register whole: zmm with AVX-512, ymm with AVX,
 * none without, as glibc fills lr_vector), rtld_audit_plt_enter calls la_pltenter, and the
 * target gets the registers as the modules left them: where a module changed lr_xmm[i] that
 * value (upper bits cleared), else lr_vector[i] whole. If a module asked for la_pltexit (a frame
 * size >= 0), the target is called with that many bytes of the caller's stack arguments copied
 * below, its result is put in a La_x86_64_retval for rtld_audit_plt_exit (la_pltexit), and the
 * caller gets the result as the modules left it; otherwise the target is jumped to.
 * Frame, below %rbx (= entry - 8, where %rbx is saved):
 *	-8 rax   -16 r10   -24 frame size, then x87 registers popped   -32 regs pointer
 *	regs (64-aligned): 0 La_x86_64_regs (768)   768 copies of xmm0-7 (128)
 *	                   896 La_x86_64_retval (240, padded to 256) */
#define LR_XMM 64
#define LR_VEC 192
#define XCOPY 768
#define RETV 896
#define FRAME (768 + 128 + 256)

	/* One argument vector register into the La_x86_64_regs and its copy. */
	.macro SAVE_ARG_VEC n
	movaps %xmm\n, LR_XMM + 16 * \n (%rsp)
	movaps %xmm\n, XCOPY + 16 * \n (%rsp)
	cmpl $1, rtld_audit_vec(%rip)
	jb 2f
	je 1f
	vmovdqu64 %zmm\n, LR_VEC + 64 * \n (%rsp)
	jmp 2f
1:	vmovdqu %ymm\n, LR_VEC + 64 * \n (%rsp)
2:
	.endm

	/* Back into the register: from lr_xmm if a module changed it there, else the whole vector;
	 * then both copies in the structure say what the register holds, as glibc leaves them for
	 * la_pltexit. Clobbers %rax. xmm, copy, vec: offsets from %rsp. */
	.macro LOAD_VEC n, xmm, copy, vec
	mov \xmm (%rsp), %rax
	cmp \copy (%rsp), %rax
	jne 3f
	mov (\xmm+8)(%rsp), %rax
	cmp (\copy+8)(%rsp), %rax
	jne 3f
	cmpl $1, rtld_audit_vec(%rip)
	jb 4f
	je 1f
	vmovdqu64 \vec (%rsp), %zmm\n
	jmp 2f
1:	vmovdqu \vec (%rsp), %ymm\n
2:	vmovdqu %xmm\n, \xmm (%rsp)
	jmp 5f
3:	cmpl $1, rtld_audit_vec(%rip)
	jb 4f
	vmovdqu \xmm (%rsp), %xmm\n	/* VEX: the upper bits are cleared */
	vmovdqu %xmm\n, \vec (%rsp)
	jmp 5f
4:	movaps \xmm (%rsp), %xmm\n
5:
	.endm

	.globl rtld_audit_plt
	.hidden rtld_audit_plt
	.type rtld_audit_plt, @function
rtld_audit_plt:
	.cfi_startproc
	.cfi_adjust_cfa_offset 16
	push %rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbx, 0
	mov %rsp, %rbx
	.cfi_def_cfa_register rbx
	sub $32, %rsp
	mov %rax, -8(%rbx)
	mov %r10, -16(%rbx)
	and $-64, %rsp
	sub $FRAME, %rsp
	mov %rdx, 0(%rsp)
	mov %r8, 8(%rsp)
	mov %r9, 16(%rsp)
	mov %rcx, 24(%rsp)
	mov %rsi, 32(%rsp)
	mov %rdi, 40(%rsp)
	mov %rbp, 48(%rsp)
	lea 24(%rbx), %rax		/* the %rsp the target starts with */
	mov %rax, 56(%rsp)
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7
	SAVE_ARG_VEC \n
	.endr
	mov %rsp, -32(%rbx)
	mov 8(%rbx), %rdi
	mov 16(%rbx), %rsi
	mov %rsp, %rdx
	lea -24(%rbx), %rcx
	call rtld_audit_plt_enter
	mov %rax, %r11
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7
	LOAD_VEC \n, (LR_XMM+16*\n), (XCOPY+16*\n), (LR_VEC+64*\n)
	.endr
	mov 0(%rsp), %rdx
	mov 8(%rsp), %r8
	mov 16(%rsp), %r9
	mov 24(%rsp), %rcx
	mov 32(%rsp), %rsi
	mov 40(%rsp), %rdi
	mov -24(%rbx), %rax
	test %rax, %rax
	jns 6f
	/* No la_pltexit: the target returns to the caller itself. */
	mov -8(%rbx), %rax
	mov -16(%rbx), %r10
	mov %rbx, %rsp
	pop %rbx
	.cfi_def_cfa rsp, 24
	.cfi_restore rbx
	add $16, %rsp
	.cfi_adjust_cfa_offset -16
	jmp *%r11

6:	.cfi_def_cfa rbx, 32
	.cfi_offset rbx, -32
	/* la_pltexit wanted: a copy of the stack arguments, then a call. */
	lea 15(%rax), %rcx
	and $-16, %rcx
	sub %rcx, %rsp
	mov %rsp, %rdi
	lea 32(%rbx), %rsi
	rep movsb
	mov -32(%rbx), %rax
	mov 24(%rax), %rcx
	mov 32(%rax), %rsi
	mov 40(%rax), %rdi
	mov -16(%rbx), %r10
	mov -8(%rbx), %rax
	call *%r11
	mov -32(%rbx), %rsp
	mov %rax, RETV + 0(%rsp)
	mov %rdx, RETV + 8(%rsp)
	movaps %xmm0, RETV + 16(%rsp)
	movaps %xmm0, XCOPY(%rsp)
	movaps %xmm1, RETV + 32(%rsp)
	movaps %xmm1, XCOPY + 16(%rsp)
	cmpl $1, rtld_audit_vec(%rip)
	jb 2f
	je 1f
	vmovdqu64 %zmm0, RETV + 80(%rsp)
	vmovdqu64 %zmm1, RETV + 144(%rsp)
	jmp 2f
1:	vmovdqu %ymm0, RETV + 80(%rsp)
	vmovdqu %ymm1, RETV + 144(%rsp)
2:	/* st0 and st1 (a long double result), only those in use: an x87 register popped empty
	 * and pushed back would leave the caller a stack that is not empty any more. */
	movq $0, -24(%rbx)
	fxam
	fnstsw %ax
	and $0x4500, %ax
	cmp $0x4100, %ax		/* C3 and C0: empty */
	je 7f
	fstpt RETV + 48(%rsp)
	incq -24(%rbx)
	fxam
	fnstsw %ax
	and $0x4500, %ax
	cmp $0x4100, %ax
	je 7f
	fstpt RETV + 64(%rsp)
	incq -24(%rbx)
7:	mov 8(%rbx), %rdi
	mov 16(%rbx), %rsi
	mov %rsp, %rdx
	lea RETV(%rsp), %rcx
	call rtld_audit_plt_exit
	cmpq $2, -24(%rbx)
	jb 8f
	fldt RETV + 64(%rsp)
8:	cmpq $1, -24(%rbx)
	jb 9f
	fldt RETV + 48(%rsp)
9:	LOAD_VEC 0, (RETV+16), XCOPY, (RETV+80)
	LOAD_VEC 1, (RETV+32), (XCOPY+16), (RETV+144)
	mov RETV + 0(%rsp), %rax
	mov RETV + 8(%rsp), %rdx
	/* %rsi is dead here, but tracers print it as the next call's second argument (sotruss
	 * prints three, whatever the callee takes): zero, as programs traced under glibc show. */
	xor %esi, %esi
	mov %rbx, %rsp
	pop %rbx
	.cfi_def_cfa rsp, 24
	.cfi_restore rbx
	add $16, %rsp
	.cfi_adjust_cfa_offset -16
	ret
	.cfi_endproc
	.size rtld_audit_plt, . - rtld_audit_plt

	.section .note.GNU-stack, "", @progbits
