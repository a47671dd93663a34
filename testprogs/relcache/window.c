/* The relocation cache's window, taken: a fixed-address program with a read-only segment
 * of no file bytes over all of [0x200000000000, 0x300000000000), where ld-mmld.so draws the
 * per-boot library addresses from (rtld/relcache_format.h). Every library's agreed address
 * is then taken, so the cache holds none of them and each is placed and relocated as
 * without it. The program itself is deps (testprogs/deps_main.c): the same output. */
__asm__(".section .window,\"a\",@nobits\n\t.skip 0x100000000000\n\t.previous");
#include "../deps_main.c"
