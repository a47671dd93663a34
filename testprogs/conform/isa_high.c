/* A library whose property note asks for an x86-64 ISA level no CPU has (bit 4, past
 * x86-64-v4): every loader that reads the marker must refuse it. Written by hand because
 * the linker options only know the levels that exist. */
__asm__(".pushsection .note.gnu.property,\"a\",@note\n"
	".p2align 3\n"
	".long 4\n.long 16\n.long 5\n.asciz \"GNU\"\n" /* namesz, descsz, NT_GNU_PROPERTY_TYPE_0, "GNU" */
	".long 0xc0008002\n.long 4\n.long 0x10\n"     /* GNU_PROPERTY_X86_ISA_1_NEEDED, 4 bytes, bit 4 */
	".p2align 3\n"
	".popsection\n");

int isa_high(void) { return 42; }
