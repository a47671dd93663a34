/* STB_GNU_UNIQUE (what g++ emits for inline and template static data): two libraries each
 * define `shared_counter` as unique; the process must hold one copy, the first loaded. */
__asm__(".globl shared_counter\n"
	".type shared_counter, @gnu_unique_object\n"
	".size shared_counter, 8\n"
	".section .data.shared_counter,\"awG\",@progbits,shared_counter,comdat\n"
	".align 8\n"
	"shared_counter: .quad " UNIQUE_INIT "\n"
	".text\n");
extern long shared_counter;
long UNIQUE_FN(void) { return ++shared_counter; }
