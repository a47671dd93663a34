/* Version 1 of libver: defines only VER_1. A program linked against it asks for
 * impl@VER_1. */
const char *impl(void) { return "impl@VER_1 (from the v1 library)"; }
