/* Start file of the no-libc test programs: what glibc's crt1.o and __libc_start_main do for
 * a dynamically linked program, reduced to the part a dynamic linker interacts with:
 * %rsp holds argc, %rdx the dynamic linker's finaliser (to be called at exit). */
	.text
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp
	mov %rsp, %rdi
	mov %rdx, %rsi
	and $-16, %rsp
	call nolibc_start
	hlt
	.size _start, . - _start
	.section .note.GNU-stack, "", @progbits
