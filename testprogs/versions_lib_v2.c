/* Version 2 of libver (same soname): keeps the old impl as a hidden version VER_1, adds
 * VER_2 as the default, and a symbol only VER_2 has. */
const char *impl_v1(void) { return "impl@VER_1"; }
const char *impl_v2(void) { return "impl@@VER_2"; }
const char *only_v2(void) { return "only_v2@@VER_2"; }
__asm__(".symver impl_v1, impl@VER_1");
__asm__(".symver impl_v2, impl@@VER_2");
