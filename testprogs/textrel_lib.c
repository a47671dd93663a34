/* Compiled without -fPIC (large model: 64-bit absolute addresses in the code), so the
 * loader must patch the text segment itself (DT_TEXTREL). The array is global and written,
 * so the compiler cannot fold the addresses away. */
int values[4] = {7, 11, 13, 17};
void textrel_bump(int i) { values[i & 3] += 100; }
int textrel_sum(void) { return values[0] + values[1] + values[2] + values[3]; }
