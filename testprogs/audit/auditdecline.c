/* libauditdecline.so: an audit module that declines (la_version returns 0): ignored, silently. */
unsigned la_version(unsigned v) { (void)v; return 0; }
unsigned la_objopen(void *map, long lmid, unsigned long *cookie) { (void)map, (void)lmid, (void)cookie; return 3; }
