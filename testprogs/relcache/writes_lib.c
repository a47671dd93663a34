/* A library whose relocated data the program writes after start-up: a table of pointers
 * (RELATIVE relocations, in the relocation cache's image) and a counter they point to. */
static int counter = 5;
static const char hello[] = "hello";
const char *words[2] = {hello, hello + 1};
int *counter_at = &counter;
