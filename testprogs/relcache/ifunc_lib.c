/* A library whose IFUNC resolver decides once, from the environment, and keeps the decision in
 * its own data (the usual memoised set-up), for relcache.sh cache-ifunc-resolver-state. Built
 * twice: with -DGLOBAL the IFUNC is a global symbol its own relocations bind to (GLOB_DAT,
 * JUMP_SLOT); else a local one (IRELATIVE). */
extern char **environ;
static int decided, choice;

/* IFUNC_CHOICE=2 in the environment; read by hand: a resolver may run before this library's
 * PLT slots are relocated, so it calls no other function. */
static void decide(void)
{
	if (decided)
		return;
	choice = 1;
	for (char **e = environ; e && *e; e++) {
		const char *v = *e, *want = "IFUNC_CHOICE=";
		while (*want && *v == *want)
			v++, want++;
		if (!*want && *v == '2')
			choice = 2;
	}
	decided = 1;
}

static int one(void) { return 1; }
static int two(void) { return 2; }
static int (*resolve_chosen(void))(void)
{
	decide();
	return choice == 2 ? two : one;
}

#ifdef GLOBAL
int chosen(void) __attribute__((ifunc("resolve_chosen")));
#else
static int chosen(void) __attribute__((ifunc("resolve_chosen")));
#endif
int (*chosen_ptr)(void) = chosen;

int NAME(void) { return chosen() * 10 + chosen_ptr(); }
