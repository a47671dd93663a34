/* A filter (-DFILTER: linked with --filter=libfiltee.so), an auxiliary filter (-DAUX:
 * --auxiliary=libfiltee.so) and their filtee (-DFILTEE). which() is in all three: the filtee's
 * must win wherever the filtee is loaded. */
#ifdef FILTEE
const char *which(void) { return "the filtee's which()"; }
#endif
#ifdef FILTER
const char *which(void) { return "the filter's own which()"; }
const char *only_here(void) { return "the filter's only_here()"; }
#endif
#ifdef AUX
const char *which(void) { return "the auxiliary filter's own which()"; }
const char *only_here(void) { return "the auxiliary filter's only_here()"; }
#endif
