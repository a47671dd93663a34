/* Calls dlc_bump without naming libdlc.so in DT_NEEDED: found in the global scope (libdlc
 * opened RTLD_GLOBAL first), which makes libdlc a relocation dependency of this library. */
int dlc_bump(void);
int user_calls(void) { return dlc_bump(); }
__attribute__((destructor)) static void dtor(void) { __builtin_printf("libdlc_user: destructor\n"); }
